// What the operator console says about the API's words: each attention flag, history change,
// payment state, method and reconciliation difference explained for a person. Plain data, no DOM:
// test/unit/local/console-vocabulary.test.ts holds it to the product's own lists (a flag, state or
// difference the product adds and the console does not explain fails it).

/** The attention flags (shared/domain/attention.ts, docs/payon-assumptions.md A59). */
export const FLAGS = {
  unknown_outcome: {
    title: 'Outcome unknown',
    says: 'The answer to one of our own money moves was lost: PAYON may or may not have done it. The move is never sent again.',
    todo: 'Look the payment up in PAYON’s portal (or ask PAYON), then resolve it below: the move happened, or it did not.',
  },
  escalated: {
    title: 'Escalated',
    says: 'PAYON has not settled it by the end of its 24-hour status schedule (SweepEscalatedAlarm).',
    todo: 'Ask PAYON what happened to it; once PAYON tells you, resolve it (an UNKNOWN move) or let the next status read settle it.',
  },
  declined_attempt: {
    title: 'Declined attempt',
    says: 'PAYON declined an attempt to pay. The customer may still pay on the same checkout until it expires.',
    todo: 'Nothing, unless the customer asks: tell them to try again on the same payment page, not to start a new payment. It ends when PAYON settles the order.',
  },
  amount_mismatch: {
    title: 'Amount mismatch',
    says: 'PAYON confirmed another amount or currency than the payment’s. The payment was left as it was.',
    todo: 'Compare with PAYON’s portal and ask PAYON; do not ship until it is clear. Then acknowledge it with what you found.',
  },
  push_disagreed: {
    title: 'Push disagreed',
    says: 'A PAYON push said the opposite of what PAYON’s own status shows. Nothing changed.',
    todo: 'A forged push (rotate the notification token) or a PAYON error (ask PAYON). Then acknowledge it.',
  },
  late_confirmation: {
    title: 'Late confirmation',
    says: 'PAYON confirmed a payment this product had already called FAILED or EXPIRED: PAYON took the money.',
    todo: 'Ship the order, or refund it if the customer was told it failed. Then acknowledge it.',
  },
};

/** The flags an operator may end with `"outcome":"acknowledged"` (shared/domain/payment.ts). */
export const ACKNOWLEDGEABLE = ['amount_mismatch', 'push_disagreed', 'late_confirmation'];

/** History entries that record a finding without a change of state (`change`). */
export const CHANGES = {
  attempt_declined: 'PAYON declined an attempt',
  amount_mismatch: 'PAYON confirmed another amount',
  push_disagreed: 'a push disagreed with PAYON’s status',
  acknowledged: 'an operator acknowledged it',
};

/** The payment events the merchant's systems are sent (shared/events/envelope.ts, docs/events.md). */
export const EVENTS = {
  'payment.authorized': 'authorised: ready to capture or cancel',
  'payment.succeeded': 'paid: ship the order',
  'payment.failed': 'declined for good',
  'payment.expired': 'never paid before the checkout expired',
  'payment.captured': 'the authorisation was captured',
  'payment.cancelled': 'cancelled: the hold on the money is released',
  'payment.refunded': 'money returned to the customer',
  'payment.attempt_declined': 'an attempt was declined; the customer may try again',
};

/** A webhook delivery's state (GET /webhook-endpoints/{id}/deliveries). */
export const DELIVERY_STATES = {
  pending: 'not accepted yet: retried on its schedule',
  succeeded: 'accepted (a 2xx answer)',
  failed: 'given up after 72 hours',
};

/** Payment states (shared/domain/payment-state.ts), each in a few words. */
export const STATES = {
  CREATED: 'registering at PAYON',
  PENDING: 'waiting for the customer',
  AUTHORIZED: 'authorised, not captured',
  SUCCEEDED: 'paid',
  FAILED: 'declined and expired',
  EXPIRED: 'never paid',
  CANCELLED: 'reversed',
  REFUNDED: 'refunded',
  UNKNOWN: 'a money move’s answer was lost',
};

/** Payment methods (shared/domain/payment-method.ts). */
export const METHODS = {
  PAYON: 'PAYON card',
  CREDIT_DEBIT: 'Card',
  PPCBANK_TRANSFER: 'PPCBank transfer',
  BAKONG_KHQR: 'KHQR',
};

/** Money moves whose answer can be lost (`unknownOperation`). */
export const OPERATIONS = {
  register: 'the registration',
  capture: 'the capture',
  cancel: 'the cancellation',
  refund: 'the refund',
};

/** Reconciliation differences (shared/reconciliation/compare.ts): who acts (docs/reconciliation.md). */
export const DIFFERENCES = {
  missing_locally:
    'Was it created with these credentials by another system or stage? If not, ask PAYON.',
  missing_at_payon: 'Ask PAYON before shipping anything more for it.',
  amount_differs: 'The payment is not moved: compare with PAYON’s portal and ask PAYON.',
  status_differs: 'Compare with PAYON’s portal; a payment is never moved backwards automatically.',
  fee_differs: 'Check the fee PAYON charged against your contract.',
  rejected:
    '0001/0002 on every item: the merchant secret’s merchantId/termId are wrong. 3003: PAYON has no approved transaction for it. 0006: the customer ids differ.',
  not_answered: 'Nothing was concluded: reconcile the day again once PAYON answers.',
  history_incomplete:
    'Reconcile the day again; a repeated page means PAYON’s paging ignores index (ask PAYON).',
};

const CAMBODIA_OFFSET_MS = 7 * 3_600_000;

/** The Cambodian business day (UTC+7, no daylight saving) of an instant, `yyyy-MM-dd`. */
export function cambodianDay(at = new Date(), daysBack = 0) {
  return new Date(at.getTime() + CAMBODIA_OFFSET_MS - daysBack * 86_400_000)
    .toISOString()
    .slice(0, 10);
}

/** An instant as Cambodian local time, `yyyy-MM-dd HH:mm:ss`. */
export function cambodianTime(iso) {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return String(iso);
  return new Date(at + CAMBODIA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
