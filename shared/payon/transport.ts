/**
 * The one way the product talks to PAYON. Private to the client: it signs
 * (docs/payon-assumptions.md A1, A2), sends JSON, applies the timeout, never follows redirects (the
 * status endpoint answers 302 for "not found"), re-reads the secret and retries once after a 401,
 * and turns every failure into the error vocabulary of `#shared/errors.ts`.
 *
 * Nothing of a request or response body is ever put in an error or a log line: bodies carry card
 * numbers and PINs.
 */
import { createSigner, type Signer, signRequest } from '#shared/crypto/sign.ts';
import {
  OutcomeUnknownError,
  PayonRejectedError,
  PayonUnavailableError,
  ServiceUnavailableError,
} from '#shared/errors.ts';
import { readEnvelope } from '#shared/payon/answers.ts';
import type { MerchantSecret } from '#shared/secrets/merchant-secret.ts';

export interface SecretSource {
  get(options?: { forceRefresh?: boolean }): Promise<MerchantSecret>;
}

export interface TransportOptions {
  /** PAYON's base URL without a trailing slash. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Header that carries the API key, if PAYON wants one (docs/payon-assumptions.md A6). */
  readonly authHeader: string | undefined;
  readonly secrets: SecretSource;
  /** Replaced in tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /** Largest answer read, in bytes (an orders page of 1000 items is about 0.5 MB). */
  readonly maxResponseBytes?: number;
  /** Told how long each request took until PAYON's answer (or the fault) came: the latency metric. */
  readonly observe?: (path: string, ms: number) => void;
}

export interface PayonAnswer {
  readonly status: number;
  readonly json: unknown;
  /** The secret the request was built and signed with (after a 401, the re-read one). */
  readonly secret: MerchantSecret;
  /** The answer came to the second attempt, after PAYON answered the first with 401. */
  readonly retried: boolean;
}

/** Builds the body from the current secret: merchant ids or keys may change on rotation. */
export type BodyBuilder = (secret: MerchantSecret) => object;

/**
 * Failures that prove the request never reached PAYON: the URL could not be parsed, the name not
 * resolved, or no connection was made. A timeout or a reset stays "unknown": either may come
 * after the request was sent.
 */
const NOT_SENT = new Set([
  'ERR_INVALID_URL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  // undici's own connect timeout: the socket never connected.
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * What fetch refuses before it connects carries no code, only the Fetch Standard's reason as the
 * cause's message (Node 20 and 24 alike): a port of `#shared/payon/bad-ports.ts`, or a scheme
 * that is not http(s).
 */
const NOT_SENT_REASONS = new Set(['bad port', 'unknown scheme']);

const USER_AGENT = 'payon-serverless/0.1';

// Assumed (docs/payon-assumptions.md A6, A20): auth header, failure mapping, one 401 retry.
export class PayonTransport {
  readonly #options: TransportOptions;
  readonly #fetch: typeof fetch;
  readonly #signers = new WeakMap<MerchantSecret, Signer>();

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
  }

  /**
   * POSTs to `path` and returns PAYON's answer (HTTP 200 or 302, JSON). Every other outcome throws:
   * 401 twice → {@link ServiceUnavailableError} `payon_credentials_rejected`; other 4xx → {@link PayonRejectedError}; 5xx, another
   * status, a body that is not JSON, or a call that never left (a URL, name or port that cannot
   * be reached) → {@link PayonUnavailableError}; timeout or a connection lost after sending →
   * {@link OutcomeUnknownError}.
   */
  async post(path: string, build: BodyBuilder): Promise<PayonAnswer> {
    const secret = await this.#options.secrets.get();
    const first = await this.#send(path, build, secret);
    if (first.status !== 401) return { ...(await this.#read(path, first)), secret, retried: false };
    await first.body?.cancel();
    // A rotated key: read the secret again, then try once more.
    const fresh = await this.#options.secrets.get({ forceRefresh: true });
    const again = await this.#send(path, build, fresh);
    if (again.status === 401) {
      await again.body?.cancel();
      throw new ServiceUnavailableError(
        'payon_credentials_rejected',
        `PAYON refused our credentials twice on ${path} (HTTP 401): check merchantId, termId, apiKey and the signing scheme/key in the merchant secret`,
      );
    }
    try {
      return { ...(await this.#read(path, again)), secret: fresh, retried: true };
    } catch (error) {
      // A refusal of the retried call is not proof that nothing happened (docs/payon-assumptions.md
      // A51).
      if (error instanceof PayonRejectedError) error.afterRetry = true;
      throw error;
    }
  }

  /**
   * Reads the secret (and builds the signer) now, so that a failure to do so happens before a
   * money move is marked as sent.
   */
  async prepare(): Promise<void> {
    this.#signer(await this.#options.secrets.get());
  }

  #signer(secret: MerchantSecret): Signer {
    let signer = this.#signers.get(secret);
    if (!signer) {
      signer =
        secret.signingScheme === 'rsa-sha256'
          ? createSigner({ scheme: 'rsa-sha256', privateKey: secret.signingKey ?? '' })
          : secret.signingScheme === 'hmac-sha256'
            ? createSigner({ scheme: 'hmac-sha256', key: secret.signingKey ?? secret.apiKey })
            : createSigner({ scheme: 'none' });
      this.#signers.set(secret, signer);
    }
    return signer;
  }

  async #send(path: string, build: BodyBuilder, secret: MerchantSecret): Promise<Response> {
    const body = build(secret);
    // Array bodies (reconciliation) carry no sign (docs/payon-assumptions.md A22).
    const wire = Array.isArray(body)
      ? body
      : signRequest(body as Record<string, unknown>, this.#signer(secret));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': USER_AGENT,
    };
    if (this.#options.authHeader) headers[this.#options.authHeader] = secret.apiKey;
    const started = performance.now();
    try {
      return await this.#fetch(`${this.#options.baseUrl}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(wire),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (error) {
      throw this.#transportFault(path, error);
    } finally {
      this.#options.observe?.(path, performance.now() - started);
    }
  }

  async #read(path: string, response: Response): Promise<Omit<PayonAnswer, 'secret' | 'retried'>> {
    const { status } = response;
    if (status >= 500) {
      await response.body?.cancel();
      throw new PayonUnavailableError(`PAYON answered ${path} with HTTP ${status}`, {
        path,
        mayHaveMovedMoney: true,
      });
    }
    if (status === 429 || status === 408) {
      // Throttled: not processed. Request timeout: a proxy may have forwarded it, so maybe moved.
      await response.body?.cancel();
      throw new PayonUnavailableError(`PAYON answered ${path} with HTTP ${status}`, {
        path,
        mayHaveMovedMoney: status === 408,
      });
    }
    let text: string;
    try {
      text = await readCapped(response, path, this.#options.maxResponseBytes ?? 8 * 1024 * 1024);
    } catch (error) {
      if (error instanceof PayonUnavailableError) throw error;
      throw this.#transportFault(path, error);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PayonUnavailableError(
        `PAYON answered ${path} with HTTP ${status} and a body that is not JSON`,
        { path, mayHaveMovedMoney: true },
      );
    }
    if (status >= 400) {
      const { code, message } =
        typeof json === 'object' && json !== null && !Array.isArray(json)
          ? readEnvelope(json as Record<string, unknown>)
          : { code: undefined, message: undefined };
      throw new PayonRejectedError(code ?? `http-${status}`, message ?? `HTTP ${status}`, path);
    }
    if (status !== 200 && status !== 302) {
      throw new PayonUnavailableError(`PAYON answered ${path} with an unexpected HTTP ${status}`, {
        path,
        mayHaveMovedMoney: true,
      });
    }
    return { status, json };
  }

  #transportFault(path: string, error: unknown): Error {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new OutcomeUnknownError(
        `PAYON did not answer ${path} within ${this.#options.timeoutMs} ms: the outcome is unknown`,
        { path },
      );
    }
    const notSent = notSentReason(error);
    if (notSent !== undefined) {
      return new PayonUnavailableError(
        `PAYON could not be reached for ${path} (${notSent}): nothing was sent`,
        { path, mayHaveMovedMoney: false },
      );
    }
    const code = errorCode(error);
    return new OutcomeUnknownError(
      `the connection to PAYON was lost during ${path} (${code ?? (name || 'unknown error')}): the outcome is unknown`,
      { path },
    );
  }
}

/** The errors behind a fetch failure, outermost first (`fetch failed` wraps them in `cause`). */
function* causes(error: unknown): Generator<Error> {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    yield current;
    current = current.cause;
  }
}

/** The system error code behind a fetch failure. */
function errorCode(error: unknown): string | undefined {
  for (const cause of causes(error)) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The code or reason that proves nothing was sent, if the failure has one. */
function notSentReason(error: unknown): string | undefined {
  for (const cause of causes(error)) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return NOT_SENT.has(code) ? code : undefined;
    if (NOT_SENT_REASONS.has(cause.message)) return cause.message;
  }
  return undefined;
}

async function readCapped(response: Response, path: string, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new PayonUnavailableError(`PAYON answered ${path} with more than ${maxBytes} bytes`, {
        path,
        mayHaveMovedMoney: true,
      });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
