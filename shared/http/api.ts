/**
 * The one way an API Lambda is put together : middy with Powertools logger and metrics (and the
 * SDK tracer when built in: shared/runtime/tracing.ts), never logging the event, JSON body
 * parsing, zod validation with field-level errors, idempotency for money-moving POSTs, one error mapper and the security headers. Handler files
 * only name their route and business function.
 *
 * @example
 * ```ts
 * export const handler = apiHandler(refundPaymentRoute, dependencies, async ({ path, body }, deps)
 * => json(200, paymentView(await refundPayment(deps, path.id, body.amount))), );
 * ```
 */
import { createHash, createHmac } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { ConflictError, InvalidRequestError, UnprocessableError } from '#shared/errors.ts';
import {
  errorResponse,
  type HttpResponse,
  json,
  SECURITY_HEADERS,
} from '#shared/http/responses.ts';
import { zodIssues } from '#shared/http/validation.ts';
import { payonOutcome } from '#shared/payon/outcome.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import type { RouteDescriptor, RouteSchemas } from '#shared/runtime/descriptor.ts';
import { count } from '#shared/runtime/metrics.ts';
import {
  type ClaimResult,
  IdempotencyHold,
  type IdempotencyRecordKey,
  IdempotencyRefusedError,
  idempotencyRecordKey,
} from '#shared/store/idempotency.ts';

type Parsed<S extends z.ZodType | undefined> = S extends z.ZodType ? z.output<S> : undefined;

export interface ApiInput<S extends RouteSchemas> {
  readonly body: Parsed<S['body']>;
  readonly query: Parsed<S['query']>;
  readonly path: Parsed<S['path']>;
  readonly event: APIGatewayProxyEventV2;
  /** The body's text, when there was one. */
  readonly rawBody: string | undefined;
  /**
   * The Idempotency-Key's hold, for a route that `claimsInTransaction`: its business function
   * writes the claim and the answer in its own transactions (IdempotencyHold.answeringWith).
   */
  readonly idempotency: IdempotencyHold | undefined;
}

/** What the wiring reads of a route's descriptor, and the check a route may run first. */
export interface ApiSpec<S extends RouteSchemas>
  extends Pick<
    RouteDescriptor<S>,
    'function' | 'schemas' | 'idempotent' | 'sensitive' | 'anyContentType' | 'claimsInTransaction'
  > {
  /**
   * Checked before the body is read or anything is validated (the webhook's token and source):
   * a caller who may not use the route learns nothing from how its body is refused.
   */
  readonly authorize?: (event: APIGatewayProxyEventV2, deps: Dependencies) => Promise<void>;
}

/** Largest JSON body accepted. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * 1 to 255 printable ASCII characters, as Stripe takes them; a space only inside (HTTP drops one at
 * either end). Anything goes otherwise, a run of digits that passes Luhn included: the key is only
 * ever stored as an HMAC (`idempotencyRecordKey`).
 */
const IDEMPOTENCY_KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

type Event = APIGatewayProxyEventV2 & {
  parsedBody?: unknown;
  /** The body as received (decoded from base64 when API Gateway encoded it). */
  rawBody?: string;
  /** A stored response to replay (the handler returns it, so every `after` step still runs). */
  replay?: HttpResponse;
  parsed?: { body: unknown; query: unknown; path: unknown };
  /** The Idempotency-Key's hold of a route that claims in its own transactions. */
  hold?: IdempotencyHold | undefined;
};

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  const found = Object.keys(headers).find((h) => h.toLowerCase() === name);
  return found === undefined ? undefined : headers[found];
}

/** Parses a JSON body: content type, size, syntax; field `body` names the problem. */
function jsonBody(anyContentType: boolean): MiddlewareObj<Event, HttpResponse> {
  return {
    before: ({ event }) => {
      if (event.body === undefined || event.body === null || event.body === '') return;
      const type = header(event, 'content-type') ?? '';
      if (!anyContentType && !/^application\/json\s*(;|$)/i.test(type)) {
        throw new InvalidRequestError([
          { field: 'content-type', reason: 'must be application/json' },
        ]);
      }
      const raw = event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
      if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
        throw new InvalidRequestError([
          { field: 'body', reason: `must be at most ${MAX_BODY_BYTES} bytes` },
        ]);
      }
      event.rawBody = raw;
      try {
        event.parsedBody = JSON.parse(raw);
      } catch {
        throw new InvalidRequestError([{ field: 'body', reason: 'is not valid JSON' }]);
      }
    },
  };
}

function parse(schema: z.ZodType | undefined, value: unknown, prefix: string) {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidRequestError(zodIssues(result.error, prefix));
  return result.data;
}

/**
 * Validates body, query and path before anything else happens (nothing is written for bad input).
 */
function validate(schemas: RouteSchemas): MiddlewareObj<Event, HttpResponse> {
  return {
    before: ({ event }) => {
      event.parsed = {
        // An absent body reads as {}; a JSON null, array or scalar is refused by the schema.
        body: parse(schemas.body, event.parsedBody === undefined ? {} : event.parsedBody, ''),
        query: parse(schemas.query, event.queryStringParameters ?? {}, 'query.'),
        path: parse(schemas.path, event.pathParameters ?? {}, 'path.'),
      };
    },
  };
}

/** Adds the security headers to every response, and maps any error that reaches it. */
function httpResponse(
  log: Dependencies['logger'],
  metrics: Dependencies['metrics'],
  operation: string,
): MiddlewareObj<Event, HttpResponse> {
  const finish = (response: HttpResponse): HttpResponse => ({
    ...response,
    headers: { ...SECURITY_HEADERS, ...response.headers },
  });
  return {
    after: (request) => {
      if (request.response) request.response = finish(request.response);
    },
    onError: (request) => {
      const response = request.response ?? errorResponse(request.error);
      // Every answer counts: refused (4xx) and failed (5xx) requests are metrics the alarms read
      // (below 400 here: a replay found by a claim inside the business function's transaction).
      const outcome =
        response.statusCode >= 500 ? 'failed' : response.statusCode < 400 ? 'ok' : 'refused';
      count(metrics, `${operation}.${outcome}`);
      if (response.statusCode >= 500) {
        // The error, never the event: messages of our errors carry no card data or secret.
        log.error('request failed', { error: request.error });
      }
      request.response = finish(response);
    },
  };
}

/** A fingerprint of what the request asks, for Idempotency-Key reuse checks (keyed: an HMAC). */
function fingerprint(event: APIGatewayProxyEventV2, body: unknown, key?: string): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return (key === undefined ? createHash('sha256') : createHmac('sha256', key))
    .update(
      `${event.requestContext.http.method} ${event.rawPath}\n${JSON.stringify(canonical(body ?? null))}`,
    )
    .digest('hex');
}

/**
 * Whether an answer ends the request for good (stored and replayed) or frees the key for a retry:
 * invalid input, conflicts, rate limits, unexpected errors, PAYON unreachable before anything was
 * sent, and 503s (nothing was sent: PAYON could not tell the settlement, or refused our keys).
 */
function isFinal(response: HttpResponse, error: unknown): boolean {
  if (payonOutcome(error) === 'not_sent') return false;
  return ![400, 409, 429, 500, 503].includes(response.statusCode);
}

interface IdempotencyState {
  key: IdempotencyRecordKey;
  fingerprint: string;
}

/** The Idempotency-Key header, checked: a missing key and a malformed one are told apart. */
function idempotencyKey(event: APIGatewayProxyEventV2): string {
  const key = header(event, 'idempotency-key');
  if (key === undefined || key === '') {
    throw new InvalidRequestError([
      {
        field: 'Idempotency-Key',
        reason: 'header is required: 1 to 255 printable ASCII characters, unique per operation',
      },
    ]);
  }
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new InvalidRequestError([
      {
        field: 'Idempotency-Key',
        reason: 'must be 1 to 255 printable ASCII characters (no space at either end)',
      },
    ]);
  }
  return key;
}

function idempotency(
  deps: () => Dependencies,
  sensitive: boolean,
  inTransaction: boolean,
): MiddlewareObj<Event, HttpResponse, Error, Context> {
  const held = new WeakMap<Event, IdempotencyState>();
  const settle = async (event: Event, response: HttpResponse, error?: unknown) => {
    const state = held.get(event);
    if (!state) return;
    held.delete(event);
    const { idempotency: store } = deps();
    try {
      if (isFinal(response, error)) {
        await store.complete(state.key, state.fingerprint, response);
      } else {
        await store.release(state.key, state.fingerprint);
      }
    } catch (storeError) {
      // The answer stands (a 502 outcome_unknown must not become a 500). The key stays claimed
      // until its lock ends; a retry meanwhile is told to wait (409 request_in_progress).
      unsaved(storeError, response);
    }
  };
  const unsaved = (storeError: unknown, response: HttpResponse) => {
    const { logger, metrics } = deps();
    count(metrics, 'idempotency.unsaved');
    logger.error("the request's Idempotency-Key record could not be written", {
      error: storeError instanceof Error ? storeError.name : 'unknown',
      statusCode: response.statusCode,
    });
  };
  const replayed = (response: HttpResponse): HttpResponse => ({
    ...response,
    headers: { ...response.headers, 'idempotent-replayed': 'true' },
  });
  /** What a claim that found the key taken answers instead: its replay, or the error to throw. */
  const refusedWith = (result: Exclude<ClaimResult, { outcome: 'claimed' }>) => {
    switch (result.outcome) {
      case 'replay':
        return replayed(result.response);
      case 'in_progress':
        return new ConflictError(
          'request_in_progress',
          'a request with this Idempotency-Key is still being processed; retry later',
          result.retryAfterSeconds,
        );
      case 'mismatch':
        return new UnprocessableError(
          'idempotency_key_reused',
          'this Idempotency-Key was used with a different request; use a new key for a new request',
        );
    }
  };
  /** The wiring's own claim, for a hold the business function never claimed with. */
  const claimAlone = async (event: Event, hold: IdempotencyHold) => {
    const { idempotency: store, clock } = deps();
    const now = clock();
    const claim = await store.claim(hold.key, {
      fingerprint: hold.fingerprint,
      lockMs: hold.lockMs(now),
      now,
    });
    if (claim.outcome !== 'claimed') return refusedWith(claim);
    hold.claimedAlone();
    held.set(event, { key: hold.key, fingerprint: hold.fingerprint });
    return undefined;
  };
  return {
    before: async ({ event, context }) => {
      const given = idempotencyKey(event);
      // One secret keys both: the stored key and a card-bearing body's fingerprint.
      const secret = await deps().secrets.idempotencySecret();
      const key = idempotencyRecordKey(secret, given);
      const print = fingerprint(event, event.parsedBody, sensitive ? secret : undefined);
      const { idempotency: store, clock } = deps();
      if (inTransaction) {
        // Nothing is written yet: the claim rides in the business function's first transaction.
        const deadline = clock().getTime() + context.getRemainingTimeInMillis();
        event.hold = new IdempotencyHold(store, key, print, deadline, clock);
        return undefined;
      }
      const lockMs = Math.max(1_000, context.getRemainingTimeInMillis());
      const claim = await store.claim(key, { fingerprint: print, lockMs, now: clock() });
      if (claim.outcome === 'claimed') {
        held.set(event, { key, fingerprint: print });
        return undefined;
      }
      const instead = refusedWith(claim);
      if (instead instanceof Error) throw instead;
      event.replay = instead;
      return undefined;
    },
    after: async (request) => {
      const { event, response } = request;
      const hold = event.hold;
      if (hold && !event.replay) {
        event.hold = undefined;
        if (hold.state === 'completed') {
          // The answer is the one stored with the last write, byte for byte.
          if (hold.stored) request.response = hold.stored;
          return;
        }
        if (hold.state === 'unclaimed' && response) {
          const instead = await claimAlone(event, hold);
          if (instead instanceof Error) throw instead;
          if (instead) {
            request.response = instead;
            return;
          }
        } else {
          held.set(event, { key: hold.key, fingerprint: hold.fingerprint });
        }
      }
      if (response) await settle(event, response);
    },
    onError: async (request) => {
      const { event, error } = request;
      const hold = event.hold;
      if (hold) {
        event.hold = undefined;
        if (error instanceof IdempotencyRefusedError) {
          const instead = refusedWith(error.result);
          if (instead instanceof Error) request.error = instead;
          else request.response = instead;
          return;
        }
        if (hold.state === 'unclaimed') {
          // Refused before anything was written: a stored answer or a request in flight comes
          // first, as it would have to a claim made before the business function ran.
          const response = errorResponse(error);
          try {
            const { idempotency: store, clock } = deps();
            const found = await store.peek(hold.key, hold.fingerprint, clock());
            const instead =
              found.outcome === 'absent'
                ? isFinal(response, error)
                  ? await claimAlone(event, hold)
                  : undefined
                : refusedWith(found);
            if (instead instanceof Error) {
              request.error = instead;
              return;
            }
            if (instead) {
              request.response = instead;
              return;
            }
          } catch (storeError) {
            unsaved(storeError, response);
            return;
          }
        } else if (hold.state === 'claimed') {
          held.set(event, { key: hold.key, fingerprint: hold.fingerprint });
        }
      }
      if (!held.has(request.event)) return;
      const response = request.response ?? errorResponse(request.error);
      request.response = response;
      await settle(request.event, response, request.error);
    },
  };
}

/**
 * Builds the Lambda handler of one API route.
 *
 * @param run the business call: parsed input in, a response out (errors are mapped for it).
 */
export function apiHandler<S extends RouteSchemas>(
  spec: ApiSpec<S>,
  deps: () => Dependencies,
  run: (input: ApiInput<S>, deps: Dependencies) => Promise<HttpResponse>,
) {
  const { logger, metrics, tracer } = deps();
  const chain = middy<Event, HttpResponse, Error, Context>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
  const traced = tracer.handlerMiddleware();
  if (traced) chain.use(traced);
  chain.use(httpResponse(logger, metrics, spec.function));
  const { authorize } = spec;
  if (authorize) chain.use({ before: ({ event }) => authorize(event, deps()) });
  chain.use(jsonBody(spec.anyContentType === true)).use(validate(spec.schemas));
  if (spec.idempotent) {
    chain.use(idempotency(deps, spec.sensitive === true, spec.claimsInTransaction === true));
  }
  return chain.handler(async (event) => {
    if (event.replay) return event.replay;
    logger.appendKeys({ operation: spec.function });
    const input = {
      ...event.parsed,
      event,
      rawBody: event.rawBody,
      idempotency: event.hold,
    } as ApiInput<S>;
    const response = await run(input, deps());
    count(metrics, `${spec.function}.${response.statusCode < 400 ? 'ok' : 'refused'}`);
    return response;
  });
}

export type { RouteSchemas };
export { json };
