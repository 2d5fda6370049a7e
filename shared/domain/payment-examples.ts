/**
 * The payment views the API reference shows (openapi.json's examples): one payment, as each route
 * answers it. Documentation only: every route's example is held to its response schema by a test.
 */
import type { PaymentView } from '#shared/domain/payment-view.ts';

type Entry = PaymentView['history'][number];

const REGISTERED: Entry = {
  at: '2026-11-22T03:15:00.861Z',
  from: 'CREATED',
  to: 'PENDING',
  reason: 'registered at PAYON',
};

const paid = (to: 'AUTHORIZED' | 'SUCCEEDED'): Entry => ({
  at: '2026-11-22T03:17:42.105Z',
  from: 'PENDING',
  to,
  reason: 'PAYON status COMPLETE for the same amount',
});

/** A card payment of 12.50 USD, just registered; `overrides` replace its fields in place. */
export function examplePayment(overrides: Partial<PaymentView> = {}): PaymentView {
  return {
    id: '1795000000000017',
    state: 'PENDING',
    kind: 'purchase',
    paymentMethod: 'CREDIT_DEBIT',
    amount: { value: '12.50', currency: 'USD' },
    reference: 'order-1234',
    checkoutUrl: 'https://pg.payon.com.kh/checkout/1795000000000017',
    qrString: null,
    expiresAt: '2026-11-22T03:30:00.000Z',
    returnUrl: 'https://shop.example.com/done',
    bindingId: null,
    lastDecline: null,
    attention: [],
    createdAt: '2026-11-22T03:15:00.412Z',
    updatedAt: REGISTERED.at,
    history: [REGISTERED],
    ...overrides,
  };
}

/** The payment once PAYON confirmed it (AUTHORIZED for a pre-authorisation). */
export function examplePaidPayment(overrides: Partial<PaymentView> = {}): PaymentView {
  const to = overrides.kind === 'preauth' ? 'AUTHORIZED' : 'SUCCEEDED';
  const confirmed = paid(to);
  return examplePayment({
    state: to,
    updatedAt: confirmed.at,
    history: [REGISTERED, confirmed],
    ...overrides,
  });
}

/**
 * The payment after a money move PAYON answered: paid, UNKNOWN while the move was sent, then `to`.
 * `extra` fields (a capture's `capturedAmount`) come last, as the view adds them.
 */
export function exampleAfterMove(
  operation: 'capture' | 'cancel' | 'refund',
  {
    to,
    sentAt,
    answeredAt,
    kind = 'purchase',
    amount,
    extra = {},
  }: {
    readonly to: PaymentView['state'];
    readonly sentAt: string;
    readonly answeredAt: string;
    readonly kind?: PaymentView['kind'];
    readonly amount?: PaymentView['amount'];
    readonly extra?: Partial<PaymentView>;
  },
): PaymentView {
  const before = kind === 'preauth' ? 'AUTHORIZED' : 'SUCCEEDED';
  return {
    ...examplePayment({
      state: to,
      kind,
      ...(amount ? { amount } : {}),
      updatedAt: answeredAt,
      history: [
        REGISTERED,
        paid(before),
        { at: sentAt, from: before, to: 'UNKNOWN', reason: `${operation} sent to PAYON` },
        { at: answeredAt, from: 'UNKNOWN', to, reason: `PAYON answered the ${operation}` },
      ],
    }),
    ...extra,
  };
}
