/**
 * The `sign` field of requests to PAYON: the canonical string and the three schemes.
 *
 * PAYON does not document its signature (docs/payon-api.md#security). Assumed, not documented: the
 * canonical string and the schemes below are the product's decision (docs/payon-assumptions.md A1,
 * A2). Only node:crypto is used, so code that signs does not load node-forge (see ./rsa.ts).
 */
import {
  createHmac,
  createPrivateKey,
  constants as cryptoConstants,
  type KeyObject,
  sign,
} from 'node:crypto';
import { attempt, type KeyText, readKeyText } from '#shared/crypto/key-text.ts';
import { ConfigurationError } from '#shared/errors.ts';

/**
 * Every signature scheme the product can put in `sign`.
 *
 * @example
 * ```ts
 * SIGNATURE_SCHEMES.includes(config.signatureScheme); // validate a configured value
 * ```
 */
export const SIGNATURE_SCHEMES = ['hmac-sha256', 'rsa-sha256', 'none'] as const;

/**
 * How `sign` is computed: HMAC-SHA256 (hex, keyed by the merchant's API key), RSA-SHA256
 * (PKCS#1 v1.5, base64, merchant private key), or no `sign` at all.
 *
 * @example
 * ```ts
 * const scheme: SignatureScheme = 'hmac-sha256';
 * ```
 */
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

/**
 * What {@link createSigner} needs for each scheme. Keys are strings as a secret store holds them.
 *
 * @example
 * ```ts
 * const spec: SignerSpec = { scheme: 'hmac-sha256', key: apiKey };
 * ```
 */
export type SignerSpec =
  | { readonly scheme: 'hmac-sha256'; readonly key: string }
  | { readonly scheme: 'rsa-sha256'; readonly privateKey: string }
  | { readonly scheme: 'none' };

/**
 * Computes `sign` for a request body. Built once (at cold start) by {@link createSigner}; the key
 * is parsed there, so a bad key fails the deployment, not a payment.
 *
 * @example
 * ```ts
 * const sign = signer.sign({ txId: '1620803885401000', merchantId: 'C0000143' });
 * ```
 */
export interface Signer {
  readonly scheme: SignatureScheme;
  /**
   * The `sign` value for `body` (any `sign` in it is ignored), or `undefined` for scheme `none`.
   */
  sign(body: Readonly<Record<string, unknown>>): string | undefined;
}

/**
 * The string PAYON's `sign` is computed over: every top-level field except `sign`, sorted by name
 * (UTF-16 code unit order), fields that are absent, `undefined`, `null` or `""` left out, each
 * written `name=value` and joined by `&`. A string value is written as it is (no quotes, no
 * escaping); any other value as its JSON text (`1`, `false`, `{"a":1}`).
 *
 * Values are taken as they cross the wire in the JSON body: a field that JSON leaves out or writes
 * as `null` (a function, `NaN`) is left out, and a value whose JSON is a string (a `Date`) is
 * written as that string.
 *
 * Strings are not escaped, so a value holding `&` or `=` can read like two fields; that is the
 * rule as decided, not something this function can mend.
 *
 * @example
 * ```ts
 * canonicalString({ txId: '159607654560937', merchantId: 'C0000143', index: 1, note: '' });
 * // => 'index=1&merchantId=C0000143&txId=159607654560937'
 * ```
 */
export function canonicalString(body: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  for (const name of Object.keys(body).sort()) {
    if (name === 'sign') continue;
    const value = wireText(body[name]);
    if (value !== undefined) parts.push(`${name}=${value}`);
  }
  return parts.join('&');
}

/** The canonical text of one top-level value, or `undefined` when the field is left out. */
function wireText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  const json: string | undefined = JSON.stringify(value);
  if (json === undefined || json === 'null') return undefined;
  if (json.startsWith('"')) {
    // A value serialized as a JSON string (a Date, an object with toJSON) is a string on the wire.
    const text = JSON.parse(json) as string;
    return text === '' ? undefined : text;
  }
  return json;
}

/**
 * Builds the {@link Signer} for a scheme, parsing and checking its key once.
 *
 * The RSA private key may be PEM (PKCS#8 `BEGIN PRIVATE KEY` or PKCS#1 `BEGIN RSA PRIVATE KEY`) or
 * the base64 of its DER (PKCS#8 or PKCS#1). A PEM whose line breaks were stored as the two
 * characters `\n` (a common way to put a PEM in one line of JSON) is accepted too.
 *
 * @throws {ConfigurationError} when the HMAC key is empty or the RSA key is not an unencrypted RSA
 * private key in one of those forms. The message says what to check and never holds the key.
 *
 * @example
 * ```ts
 * const signer = createSigner({ scheme: 'rsa-sha256', privateKey: merchantKeyPem });
 * signer.sign({ txId: '159607654560937', merchantId: 'C0000143', termId: 'CT03000003' });
 * // => 'eIWXOPWD...' (base64)
 * ```
 */
export function createSigner(spec: SignerSpec): Signer {
  switch (spec.scheme) {
    case 'hmac-sha256': {
      const { key } = spec;
      if (key === '') {
        throw new ConfigurationError(
          'the hmac-sha256 signing key is empty: check the merchant API key in the secret',
        );
      }
      return {
        scheme: 'hmac-sha256',
        sign: (body) =>
          createHmac('sha256', key).update(canonicalString(body), 'utf8').digest('hex'),
      };
    }
    case 'rsa-sha256': {
      const key = parseRsaPrivateKey(spec.privateKey);
      return {
        scheme: 'rsa-sha256',
        sign: (body) =>
          sign('sha256', Buffer.from(canonicalString(body), 'utf8'), {
            key,
            padding: cryptoConstants.RSA_PKCS1_PADDING,
          }).toString('base64'),
      };
    }
    case 'none':
      return { scheme: 'none', sign: () => undefined };
    default:
      return assertNever(spec);
  }
}

/**
 * A copy of `body` with `sign` set by `signer`. An incoming `sign` is replaced; with scheme `none`
 * the copy has no `sign` field at all. `body` itself is not changed.
 *
 * @example
 * ```ts
 * const body = { txId: '159607654560937', merchantId: 'C0000143', termId: 'CT03000003' };
 * const wire = signRequest(body, createSigner({ scheme: 'hmac-sha256', key: apiKey }));
 * // => { txId: '159607654560937', merchantId: 'C0000143', termId: 'CT03000003', sign: '<64 hex>' }
 * ```
 */
export function signRequest<T extends Record<string, unknown>>(
  body: T,
  signer: Signer,
): T & { sign?: string } {
  const { sign: _ignored, ...rest } = body;
  const value = signer.sign(rest);
  // The copy holds every field of T except an incoming `sign`, which is replaced or dropped.
  return (value === undefined ? rest : { ...rest, sign: value }) as T & { sign?: string };
}

const RSA_PRIVATE_KEY_HELP =
  'the rsa-sha256 signing key is not an unencrypted RSA private key in PEM (BEGIN PRIVATE KEY or ' +
  'BEGIN RSA PRIVATE KEY) or base64 DER (PKCS#8 or PKCS#1): check the merchant private key in the secret';

/** Parses the merchant's RSA private key; neither the key nor OpenSSL's message can escape. */
function parseRsaPrivateKey(text: string): KeyObject {
  const key = tryParsePrivateKey(readKeyText(text));
  if (key?.asymmetricKeyType !== 'rsa') throw new ConfigurationError(RSA_PRIVATE_KEY_HELP);
  return key;
}

function tryParsePrivateKey(text: KeyText): KeyObject | undefined {
  switch (text.form) {
    case 'pem':
      return attempt(() => createPrivateKey({ key: text.pem, format: 'pem' }));
    case 'der':
      return (
        attempt(() => createPrivateKey({ key: text.der, format: 'der', type: 'pkcs8' })) ??
        attempt(() => createPrivateKey({ key: text.der, format: 'der', type: 'pkcs1' }))
      );
    case 'unknown':
      return undefined;
  }
}

/** Reached only when a caller bypasses the types; the spec may hold a key, so it is not shown. */
function assertNever(_spec: never): never {
  throw new ConfigurationError(
    `unknown signature scheme: check the configured scheme is one of ${SIGNATURE_SCHEMES.join(', ')}`,
  );
}
