/**
 * The route table: every API route, the function that serves it, and who may call it. The local
 * runtime and the CDK stack both read this list; nothing else declares routes.
 */
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

export interface Route {
  readonly method: 'GET' | 'POST';
  /** API Gateway path syntax: `{id}` for a path parameter. */
  readonly path: string;
  /** Folder under functions/ holding handler.ts. */
  readonly function: string;
  readonly access: RouteAccess;
  /** Money-moving: requires an Idempotency-Key. */
  readonly idempotent: boolean;
}

export const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: '/payments',
    function: 'register-payment',
    access: 'merchant',
    idempotent: true,
  },
  {
    method: 'GET',
    path: '/payments/{id}',
    function: 'get-payment',
    access: 'merchant',
    idempotent: false,
  },
  {
    method: 'POST',
    path: '/payments/{id}/capture',
    function: 'capture-payment',
    access: 'merchant',
    idempotent: true,
  },
  {
    method: 'POST',
    path: '/payments/{id}/cancel',
    function: 'cancel-payment',
    access: 'merchant',
    idempotent: true,
  },
  {
    method: 'POST',
    path: '/payments/{id}/refund',
    function: 'refund-payment',
    access: 'merchant',
    idempotent: true,
  },
  {
    method: 'POST',
    path: '/payments/{id}/resolve',
    function: 'resolve-payment',
    access: 'operator',
    idempotent: true,
  },
  {
    method: 'GET',
    path: '/transactions',
    function: 'list-transactions',
    access: 'merchant',
    idempotent: false,
  },
  {
    method: 'GET',
    path: '/return',
    function: 'payment-return',
    access: 'public',
    idempotent: false,
  },
  {
    method: 'POST',
    path: '/customers/{clientId}/bindings',
    function: 'create-binding',
    access: 'merchant',
    idempotent: true,
  },
  {
    method: 'GET',
    path: '/customers/{clientId}/bindings',
    function: 'list-bindings',
    access: 'merchant',
    idempotent: false,
  },
  {
    method: 'POST',
    path: '/customers/{clientId}/bindings/{bindingId}/unbind',
    function: 'unbind-binding',
    access: 'merchant',
    idempotent: true,
  },
  {
    method: 'POST',
    path: '/customers/{clientId}/pin',
    function: 'create-binding-pin',
    access: 'merchant',
    idempotent: true,
  },
  {
    method: 'POST',
    path: '/customers/{clientId}/pin-verification',
    function: 'set-pin-verification',
    access: 'merchant',
    idempotent: true,
  },
  {
    method: 'POST',
    path: '/reconciliations',
    function: 'start-reconciliation',
    access: 'merchant',
    idempotent: false,
  },
  {
    method: 'GET',
    path: '/reconciliations/{day}',
    function: 'get-reconciliation',
    access: 'merchant',
    idempotent: false,
  },
  {
    method: 'GET',
    path: '/reconciliations/{day}/exceptions',
    function: 'list-reconciliation-exceptions',
    access: 'merchant',
    idempotent: false,
  },
  {
    method: 'POST',
    path: '/payon/notifications/{token}',
    function: 'payon-webhook',
    access: 'payon',
    idempotent: false,
  },
];

/** Functions no route calls: what triggers them instead. */
export interface BackgroundFunction {
  readonly function: string;
  readonly trigger: 'queue' | 'schedule';
}

export const BACKGROUND_FUNCTIONS: readonly BackgroundFunction[] = [
  // Confirms a stored push; fed by the SQS queue the webhook writes to.
  { function: 'confirm-notification', trigger: 'queue' },
  // The status sweep: every minute (EventBridge schedule).
  { function: 'sync-payments', trigger: 'schedule' },
  // Daily reconciliation (EventBridge schedule); also invoked asynchronously by start-reconciliation.
  { function: 'reconcile-day', trigger: 'schedule' },
];
