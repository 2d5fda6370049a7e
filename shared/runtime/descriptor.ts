/**
 * What a function is, said once in its own folder (`functions/<op>/route.ts` or `background.ts`)
 * and read by everything that needs it: the handler wiring (`apiHandler`), the OpenAPI generator,
 * the stack (routes, IAM grants, timeouts, reserved concurrency), the local runtime and the tests.
 * The list of them is `functions/index.ts`; nothing else names a function by a string key.
 */
import type * as z from 'zod';

/** What a route validates before its function runs: body, query string and path parameters. */
export interface RouteSchemas {
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  readonly path?: z.ZodType;
}

export type RouteAccess =
  /** The merchant's backend or frontend (JWT or IAM in AWS). */
  | 'merchant'
  /** The customer's browser, sent back by PAYON (no credentials). */
  | 'public'
  /** PAYON's servers: no credentials; a secret token in the path (and an optional IP allowlist). */
  | 'payon'
  /**
   * The merchant's operators: in AWS always IAM (SigV4), whatever `auth` the merchant routes use,
   * and nobody is granted it by default (the stack outputs the route's ARN for an operator policy).
   */
  | 'operator';

/** Access to the payments table. */
export type TableAccess = 'read' | 'readWrite';

/**
 * Least privilege: what the function may touch in AWS. The stack grants exactly this and the infra
 * tests assert it against the synthesized IAM policies.
 */
export interface AwsAccess {
  /** Access to the payments table, or none. */
  readonly table?: TableAccess;
  /**
   * Query on the sweep index (`gsi1-due`): payments, notifications and events that are due. The
   * index holds only keys: its readers also need `batchRead` (the due items themselves).
   */
  readonly syncIndex?: boolean;
  /**
   * Query on the list index (`gsi3-list`): every payment, newest first (`GET /payments`), a
   * Cambodian day's payments (reconciliation), and the events awaiting the webhook fan-out (`HOOKS`).
   */
  readonly listIndex?: boolean;
  /** Query on the table itself: a day's reconciliation items, a customer's bindings. */
  readonly queryTable?: boolean;
  /** BatchGetItem and BatchWriteItem on the table: reconciliation reads and writes by the page. */
  readonly batchTable?: boolean;
  /** BatchGetItem only: a page of PAYON's history joined with the payments it names. */
  readonly batchRead?: boolean;
  /**
   * events:PutEvents on the stage's bus for the reconciliation request only (its source and detail
   * type): `POST /reconciliations` starts a run, which the bus's rule hands to reconcile-day.
   */
  readonly requestReconcile?: boolean;
  /** Whether the function reads the merchant's PAYON secret (to sign calls to PAYON). */
  readonly merchantSecret: boolean;
  /** events:PutEvents on the stage's bus: it moves payments, so it delivers their events. */
  readonly publishEvents?: boolean;
  /**
   * The webhook key (KMS): `seal` encrypts new signing secrets (create, rotate), `open` decrypts
   * them to sign deliveries (deliver-webhooks only). Both only with the secrets' encryption
   * context; sets WEBHOOK_KEY_ID.
   */
  readonly webhookSecrets?: 'seal' | 'open';
  /** sqs:SendMessage on the confirmation queue (the webhook's hand-off). */
  readonly sendToConfirmQueue?: boolean;
  /** Receive and delete on the confirmation queue: its SQS event source polls with this role. */
  readonly consumeConfirmQueue?: boolean;
}

export type ApiTag = 'Payments' | 'Saved cards' | 'Reconciliation' | 'Webhooks' | 'PAYON';

/** The statuses of the one error body (`{ error: { code, message, ... } }`). */
export type ErrorStatus = 400 | 403 | 404 | 409 | 422 | 429 | 500 | 502 | 503 | 504;

/** What a route that calls PAYON can answer from PAYON's side: refused, unusable, no answer. */
export const PAYON_ERRORS = [422, 502, 503, 504] as const satisfies readonly ErrorStatus[];

/** A success that is not a JSON body: CSV, or an HTML page. */
export interface OtherAnswer {
  readonly status: number;
  readonly mediaType: 'text/csv' | 'text/html';
  readonly description: string;
}

/** The route's page in openapi.json. */
export interface RouteDoc {
  readonly summary: string;
  /** The success status. */
  readonly status: number;
  readonly tag: ApiTag;
  /** A request body that the route accepts (a test validates it with the route's body schema). */
  readonly example?: Record<string, unknown>;
  /**
   * The success body's schema: a view's schema, named with `.meta({ id })` (a component of
   * openapi.json); without one the document says only `object`.
   */
  readonly response?: z.ZodType;
  /** A realistic success body (a unit test parses it with `response`). */
  readonly responseExample?: Record<string, unknown>;
  /**
   * The error statuses the route itself can answer, each with the one error body (`Error`). The
   * document adds what the wiring answers for every route (400, 500) and for an idempotent one
   * (409 `request_in_progress`, 422 `idempotency_key_reused`).
   */
  readonly errors?: readonly ErrorStatus[];
  /** Answers that are not JSON: a media type of the success status, or another status. */
  readonly otherAnswers?: readonly OtherAnswer[];
  /** What the route does, as the README's API table says it (Markdown, one line). */
  readonly readme: string;
  /** The query string the README shows after the path (`?txId=`), when the route takes one. */
  readonly readmeQuery?: string;
}

/** What every function has, routed or not. */
interface FunctionDescriptor {
  /** Its folder under functions/ (which holds handler.ts): the Lambda's name and metric dimension. */
  readonly function: string;
  readonly aws: AwsAccess;
  /** Lambda timeout; the API functions' default (`FUNCTION_TIMEOUT`, 25 s) when absent. */
  readonly timeoutMs?: number;
  /**
   * It moves money at PAYON: with the stack context `moneyReservedConcurrency` it keeps that much
   * Lambda concurrency for itself, so that nothing else in the account can starve it.
   */
  readonly movesMoney?: boolean;
}

export interface RouteDescriptor<S extends RouteSchemas = RouteSchemas> extends FunctionDescriptor {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** API Gateway path syntax: `{id}` for a path parameter. */
  readonly path: string;
  readonly access: RouteAccess;
  /** Money-moving (or otherwise not safely repeatable): requires an Idempotency-Key. */
  readonly idempotent: boolean;
  /**
   * The business function writes the key's claim and answer in its own transactions (the
   * handler's `idempotency` hold) instead of the wiring's two writes of its own (issue 27).
   */
  readonly claimsInTransaction?: boolean;
  readonly schemas: S;
  /**
   * The body carries card data or a PIN: its Idempotency-Key fingerprint is an HMAC keyed with the
   * merchant secret's `idempotencySecret` (docs/security.md).
   */
  readonly sensitive?: boolean;
  /** Read the body as JSON whatever its content type says (PAYON's push documents none). */
  readonly anyContentType?: boolean;
  readonly doc: RouteDoc;
}

export interface BackgroundDescriptor extends FunctionDescriptor {
  /** What invokes it instead of a route. */
  readonly trigger: 'queue' | 'schedule';
  readonly summary: string;
}

/** A route's descriptor, its schemas' types kept for the handler. */
export const defineRoute = <S extends RouteSchemas>(route: RouteDescriptor<S>) => route;

export const defineBackground = (fn: BackgroundDescriptor) => fn;
