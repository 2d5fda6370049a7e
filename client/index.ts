/**
 * The typed client of the PAYON Serverless API, for merchant backends and frontends (any runtime
 * with `fetch` and `crypto.randomUUID`). Request types are the API's own zod schemas' input types,
 * response types its views' schemas' output types (type-only imports: nothing of the server is
 * bundled), both checked against openapi.json by tests.
 *
 * Retries are safe by construction: a money-moving call gets one Idempotency-Key that every retry
 * reuses, so the server replays the first answer instead of acting twice. Retried: network errors,
 * 409 `request_in_progress`, 429, 502, 503, 504 (honouring `Retry-After`). Never retried: other
 * 4xx, which say the request itself must change.
 *
 * @example
 * ```ts
 * const api = new PayonServerlessClient({ baseUrl: 'https://api.shop.example.com', token: () => jwt });
 * const payment = await api.createPayment({ amount: { value: '12.50', currency: 'USD' },
 *   paymentMethod: 'CREDIT_DEBIT', returnUrl: 'https://shop.example.com/done' });
 * location.assign(payment.checkoutUrl!);
 * ```
 */
import type * as z from 'zod';
import type { capturePaymentSchemas } from '#functions/capture-payment/route.ts';
import type { bindingCreatedSchema } from '#functions/create-binding/create-binding.ts';
import type { createBindingSchemas } from '#functions/create-binding/route.ts';
import type { createBindingPinSchemas } from '#functions/create-binding-pin/route.ts';
import type { webhookEndpointDeletedSchema } from '#functions/delete-webhook-endpoint/route.ts';
import type { getPaymentSchemas } from '#functions/get-payment/route.ts';
import type { CustomerBindings } from '#functions/list-bindings/list-bindings.ts';
import type { PaymentEvents } from '#functions/list-payment-events/list-payment-events.ts';
import type { listPaymentsSchemas } from '#functions/list-payments/route.ts';
import type { listExceptionsSchemas } from '#functions/list-reconciliation-exceptions/route.ts';
import type { transactionsPageSchema } from '#functions/list-transactions/list-transactions.ts';
import type { listTransactionsSchemas } from '#functions/list-transactions/route.ts';
import type { listWebhookDeliveriesSchemas } from '#functions/list-webhook-deliveries/route.ts';
import type { refundPaymentSchemas } from '#functions/refund-payment/route.ts';
import type { registerPaymentSchemas } from '#functions/register-payment/route.ts';
import type { setPinVerificationSchemas } from '#functions/set-pin-verification/route.ts';
import type { startReconciliationSchemas } from '#functions/start-reconciliation/route.ts';
import type { reconciliationAcceptedSchema } from '#functions/start-reconciliation/start-reconciliation.ts';
import type { BindingView, CustomerPinView } from '#shared/domain/binding.ts';
import type { PaymentView, paymentsPageSchema } from '#shared/domain/payment-view.ts';
import type { ErrorBody } from '#shared/http/error-body.ts';
import type { exceptionsPageSchema, ReconciliationView } from '#shared/reconciliation/view.ts';
import type {
  createEndpointBody,
  WebhookDeliveryView,
  WebhookEndpointView,
  webhookDeliveriesPageSchema,
  webhookEndpointWithSecretSchema,
} from '#shared/webhooks/endpoint.ts';

type Body<S extends { body: z.ZodType }> = z.input<S['body']>;
/** A query's input type, with coerced fields (`unknown` as input) typed as what they become. */
type Query<S extends { query: z.ZodType }> = {
  [K in keyof z.input<S['query']>]: unknown extends z.input<S['query']>[K]
    ? (K extends keyof z.output<S['query']> ? z.output<S['query']>[K] : never) | undefined
    : z.input<S['query']>[K];
};

export type CreatePaymentRequest = Body<typeof registerPaymentSchemas>;
export type CaptureRequest = Body<typeof capturePaymentSchemas>;
export type RefundRequest = Body<typeof refundPaymentSchemas>;
export type ListTransactionsQuery = Query<typeof listTransactionsSchemas>;
export type GetPaymentQuery = Query<typeof getPaymentSchemas>;
export type ListPaymentsQuery = Query<typeof listPaymentsSchemas>;
export type CreateBindingRequest = Omit<Body<typeof createBindingSchemas>, 'requestedAt'> & {
  /** Defaults to now: when the customer's request was made. */
  readonly requestedAt?: string;
};
export type CreatePinRequest = Omit<Body<typeof createBindingPinSchemas>, 'requestedAt'>;
export type SetPinVerificationRequest = Omit<Body<typeof setPinVerificationSchemas>, 'requestedAt'>;
export type StartReconciliationRequest = Body<typeof startReconciliationSchemas>;
export type ListExceptionsQuery = Query<typeof listExceptionsSchemas>;
export type CreateWebhookEndpointRequest = z.input<typeof createEndpointBody>;
export type ListWebhookDeliveriesQuery = Query<typeof listWebhookDeliveriesSchemas>;

// What each route answers: its view's schema (openapi.json's components), output side.
export type Payment = PaymentView;
export type Binding = BindingView;
export type CustomerPin = CustomerPinView;
export type PaymentEventsPage = PaymentEvents;
export type ReconciliationReport = ReconciliationView;
export type CreateBindingResponse = z.output<typeof bindingCreatedSchema>;
export type TransactionsPage = z.output<typeof transactionsPageSchema>;
export type PaymentsPage = z.output<typeof paymentsPageSchema>;
export type CustomerBindingsResponse = CustomerBindings;
export type ReconciliationAccepted = z.output<typeof reconciliationAcceptedSchema>;
export type ReconciliationExceptionsPage = z.output<typeof exceptionsPageSchema>;
export type WebhookEndpoint = WebhookEndpointView;
/** A new endpoint, or a rotated one, with its signing secret: answered once. */
export type WebhookEndpointWithSecret = z.output<typeof webhookEndpointWithSecretSchema>;
export type WebhookEndpointDeleted = z.output<typeof webhookEndpointDeletedSchema>;
export type WebhookDelivery = WebhookDeliveryView;
export type WebhookDeliveriesPage = z.output<typeof webhookDeliveriesPageSchema>;
export type { ErrorBody };

/** An answer the API gave with an error status, or no answer at all (`status` 0). */
export class PayonServerlessError extends Error {
  override readonly name = 'PayonServerlessError';
  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
    message: string,
  ) {
    super(message);
  }
  get code(): string | undefined {
    return this.body?.error.code;
  }
}

export interface ClientOptions {
  /** The API's base URL (stack output ApiUrl, or http://127.0.0.1:3000 for `npm start`). */
  readonly baseUrl: string;
  /** A bearer token for merchant routes (JWT authorizer), read before every call. */
  readonly token?: () => string | Promise<string>;
  /** Attempts after the first, for retryable failures. Default 3. */
  readonly retries?: number;
  /** Wait before retry n (0-based) when the answer gives no Retry-After. Default 250 ms × 2^n. */
  readonly backoffMs?: (attempt: number) => number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly newKey?: () => string;
}

const RETRYABLE = new Set([429, 502, 503, 504]);

export class PayonServerlessClient {
  readonly #options: ClientOptions;

  constructor(options: ClientOptions) {
    this.#options = options;
  }

  createPayment(request: CreatePaymentRequest): Promise<Payment> {
    return this.#call('POST', '/payments', { body: request, idempotent: true });
  }

  /** The merchant's payments, newest first; pass `nextCursor` back as `cursor` for the next page. */
  listPayments(query: ListPaymentsQuery = {}): Promise<PaymentsPage> {
    return this.#call('GET', '/payments', { query });
  }

  getPayment(id: string, query: GetPaymentQuery = {}): Promise<Payment> {
    return this.#call('GET', `/payments/${enc(id)}`, { query });
  }

  /** The payment's events, oldest first, with their EventBridge and webhook deliveries. */
  listPaymentEvents(id: string): Promise<PaymentEventsPage> {
    return this.#call('GET', `/payments/${enc(id)}/events`, {});
  }

  capturePayment(id: string, request: CaptureRequest = {}): Promise<Payment> {
    return this.#call('POST', `/payments/${enc(id)}/capture`, { body: request, idempotent: true });
  }

  cancelPayment(id: string): Promise<Payment> {
    return this.#call('POST', `/payments/${enc(id)}/cancel`, { body: {}, idempotent: true });
  }

  refundPayment(id: string, request: RefundRequest = {}): Promise<Payment> {
    return this.#call('POST', `/payments/${enc(id)}/refund`, { body: request, idempotent: true });
  }

  listTransactions(query: ListTransactionsQuery): Promise<TransactionsPage> {
    return this.#call('GET', '/transactions', { query });
  }

  createBinding(clientId: string, request: CreateBindingRequest): Promise<CreateBindingResponse> {
    return this.#call('POST', `/customers/${enc(clientId)}/bindings`, {
      body: { requestedAt: new Date().toISOString(), ...request },
      idempotent: true,
    });
  }

  listBindings(clientId: string): Promise<CustomerBindingsResponse> {
    return this.#call('GET', `/customers/${enc(clientId)}/bindings`, {});
  }

  unbind(clientId: string, bindingId: string): Promise<Binding> {
    return this.#call('POST', `/customers/${enc(clientId)}/bindings/${enc(bindingId)}/unbind`, {
      body: { requestedAt: new Date().toISOString() },
      idempotent: true,
    });
  }

  createPin(clientId: string, request: CreatePinRequest): Promise<CustomerPin> {
    return this.#call('POST', `/customers/${enc(clientId)}/pin`, {
      body: { requestedAt: new Date().toISOString(), ...request },
      idempotent: true,
    });
  }

  setPinVerification(clientId: string, request: SetPinVerificationRequest): Promise<CustomerPin> {
    return this.#call('POST', `/customers/${enc(clientId)}/pin-verification`, {
      body: { requestedAt: new Date().toISOString(), ...request },
      idempotent: true,
    });
  }

  startReconciliation(request: StartReconciliationRequest): Promise<ReconciliationAccepted> {
    return this.#call('POST', '/reconciliations', { body: request });
  }

  getReconciliation(day: string): Promise<ReconciliationReport> {
    return this.#call('GET', `/reconciliations/${enc(day)}`, {});
  }

  listReconciliationExceptions(
    day: string,
    query: Omit<ListExceptionsQuery, 'format'> = {},
  ): Promise<ReconciliationExceptionsPage> {
    return this.#call('GET', `/reconciliations/${enc(day)}/exceptions`, { query });
  }

  /** Registers a webhook endpoint; keep `secret` now, it is never shown again. */
  createWebhookEndpoint(request: CreateWebhookEndpointRequest): Promise<WebhookEndpointWithSecret> {
    return this.#call('POST', '/webhook-endpoints', { body: request });
  }

  listWebhookEndpoints(): Promise<{ items: WebhookEndpoint[] }> {
    return this.#call('GET', '/webhook-endpoints', {});
  }

  getWebhookEndpoint(id: string): Promise<WebhookEndpoint> {
    return this.#call('GET', `/webhook-endpoints/${enc(id)}`, {});
  }

  deleteWebhookEndpoint(id: string): Promise<WebhookEndpointDeleted> {
    return this.#call('DELETE', `/webhook-endpoints/${enc(id)}`, {});
  }

  /** A new signing secret (answered once); the old one keeps signing for 24 h. */
  rotateWebhookSecret(id: string): Promise<WebhookEndpointWithSecret> {
    return this.#call('POST', `/webhook-endpoints/${enc(id)}/rotate-secret`, {});
  }

  enableWebhookEndpoint(id: string): Promise<WebhookEndpoint> {
    return this.#call('POST', `/webhook-endpoints/${enc(id)}/enable`, {});
  }

  listWebhookDeliveries(
    id: string,
    query: ListWebhookDeliveriesQuery = {},
  ): Promise<WebhookDeliveriesPage> {
    return this.#call('GET', `/webhook-endpoints/${enc(id)}/deliveries`, { query });
  }

  resendWebhookDelivery(id: string, deliveryId: string): Promise<WebhookDelivery> {
    return this.#call(
      'POST',
      `/webhook-endpoints/${enc(id)}/deliveries/${enc(deliveryId)}/resend`,
      {},
    );
  }

  async #call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    request: { body?: unknown; query?: object; idempotent?: boolean },
  ): Promise<T> {
    const { retries = 3, backoffMs = (n) => 250 * 2 ** n } = this.#options;
    const doFetch = this.#options.fetch ?? fetch;
    const sleep = this.#options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    // One key for the whole call: every retry is the same request to the server.
    const key = request.idempotent
      ? (this.#options.newKey ?? (() => crypto.randomUUID()))()
      : undefined;
    const url = new URL(path.replace(/^\//, ''), this.#options.baseUrl.replace(/\/?$/, '/'));
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    for (let attempt = 0; ; attempt += 1) {
      const token = this.#options.token ? await this.#options.token() : undefined;
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers: {
            accept: 'application/json',
            ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(key ? { 'idempotency-key': key } : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        });
      } catch (error) {
        if (attempt < retries) {
          await sleep(backoffMs(attempt));
          continue;
        }
        throw new PayonServerlessError(
          0,
          undefined,
          `no answer from ${method} ${path}: ${String(error)}`,
        );
      }
      const text = await response.text();
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      if (response.ok) return body as T;
      const error = body as ErrorBody | undefined;
      const retryable =
        RETRYABLE.has(response.status) ||
        (response.status === 409 && error?.error.code === 'request_in_progress');
      if (retryable && attempt < retries) {
        const after = Number(response.headers.get('retry-after'));
        await sleep(Number.isFinite(after) && after > 0 ? after * 1_000 : backoffMs(attempt));
        continue;
      }
      throw new PayonServerlessError(
        response.status,
        error,
        `${method} ${path} answered ${response.status}: ${error?.error.message ?? text}`,
      );
    }
  }
}

const enc = encodeURIComponent;
