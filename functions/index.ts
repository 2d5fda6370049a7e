/**
 * Every function of the product, listed once: the routes (each described by its folder's
 * `route.ts`) and the background functions (`background.ts`). The handler wiring, the OpenAPI
 * generator, the stack, the local runtime and the tests read this list; adding a function is one
 * new folder and one line here (docs/adding-an-endpoint.md).
 */
import { cancelPaymentRoute } from '#functions/cancel-payment/route.ts';
import { capturePaymentRoute } from '#functions/capture-payment/route.ts';
import { confirmNotificationFunction } from '#functions/confirm-notification/background.ts';
import { createBindingRoute } from '#functions/create-binding/route.ts';
import { createBindingPinRoute } from '#functions/create-binding-pin/route.ts';
import { createWebhookEndpointRoute } from '#functions/create-webhook-endpoint/route.ts';
import { deleteWebhookEndpointRoute } from '#functions/delete-webhook-endpoint/route.ts';
import { deliverWebhooksFunction } from '#functions/deliver-webhooks/background.ts';
import { enableWebhookEndpointRoute } from '#functions/enable-webhook-endpoint/route.ts';
import { getPaymentRoute } from '#functions/get-payment/route.ts';
import { getReconciliationRoute } from '#functions/get-reconciliation/route.ts';
import { getWebhookEndpointRoute } from '#functions/get-webhook-endpoint/route.ts';
import { listBindingsRoute } from '#functions/list-bindings/route.ts';
import { listPaymentEventsRoute } from '#functions/list-payment-events/route.ts';
import { listPaymentsRoute } from '#functions/list-payments/route.ts';
import { listReconciliationExceptionsRoute } from '#functions/list-reconciliation-exceptions/route.ts';
import { listTransactionsRoute } from '#functions/list-transactions/route.ts';
import { listWebhookDeliveriesRoute } from '#functions/list-webhook-deliveries/route.ts';
import { listWebhookEndpointsRoute } from '#functions/list-webhook-endpoints/route.ts';
import { paymentReturnRoute } from '#functions/payment-return/route.ts';
import { payonWebhookRoute } from '#functions/payon-webhook/route.ts';
import { reconcileDayFunction } from '#functions/reconcile-day/background.ts';
import { refundPaymentRoute } from '#functions/refund-payment/route.ts';
import { registerPaymentRoute } from '#functions/register-payment/route.ts';
import { resendWebhookDeliveryRoute } from '#functions/resend-webhook-delivery/route.ts';
import { resolvePaymentRoute } from '#functions/resolve-payment/route.ts';
import { rotateWebhookSecretRoute } from '#functions/rotate-webhook-secret/route.ts';
import { setPinVerificationRoute } from '#functions/set-pin-verification/route.ts';
import { startReconciliationRoute } from '#functions/start-reconciliation/route.ts';
import { syncPaymentsFunction } from '#functions/sync-payments/background.ts';
import { unbindBindingRoute } from '#functions/unbind-binding/route.ts';
import type { BackgroundDescriptor, RouteDescriptor } from '#shared/runtime/descriptor.ts';

/** The API, in the order openapi.json lists it. */
export const ROUTES: readonly RouteDescriptor[] = [
  registerPaymentRoute,
  listPaymentsRoute,
  getPaymentRoute,
  listPaymentEventsRoute,
  capturePaymentRoute,
  cancelPaymentRoute,
  refundPaymentRoute,
  resolvePaymentRoute,
  listTransactionsRoute,
  paymentReturnRoute,
  createBindingRoute,
  listBindingsRoute,
  unbindBindingRoute,
  createBindingPinRoute,
  setPinVerificationRoute,
  startReconciliationRoute,
  getReconciliationRoute,
  listReconciliationExceptionsRoute,
  createWebhookEndpointRoute,
  listWebhookEndpointsRoute,
  getWebhookEndpointRoute,
  deleteWebhookEndpointRoute,
  rotateWebhookSecretRoute,
  enableWebhookEndpointRoute,
  listWebhookDeliveriesRoute,
  resendWebhookDeliveryRoute,
  payonWebhookRoute,
];

/** Functions no route calls: a queue or a schedule invokes them. */
export const BACKGROUND_FUNCTIONS: readonly BackgroundDescriptor[] = [
  confirmNotificationFunction,
  syncPaymentsFunction,
  reconcileDayFunction,
  deliverWebhooksFunction,
];

/** Every function, routed or not. */
export const FUNCTIONS: readonly (RouteDescriptor | BackgroundDescriptor)[] = [
  ...ROUTES,
  ...BACKGROUND_FUNCTIONS,
];

/** One function's descriptor by its folder's name; a name that is not listed is a programming error. */
export function functionNamed(name: string): RouteDescriptor | BackgroundDescriptor {
  const found = FUNCTIONS.find((f) => f.function === name);
  if (!found) throw new Error(`functions/index.ts lists no function "${name}"`);
  return found;
}
