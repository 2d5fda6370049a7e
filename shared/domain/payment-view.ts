/**
 * The schema of the payment view (`paymentView` in ./payment.ts), the body of every payment route:
 * openapi.json's `Payment` and the typed client's `Payment`. The view's own return type is checked
 * against it below, so the two cannot drift (a test also parses the routes' real answers with it).
 */
import * as z from 'zod';
import { ATTENTION_FLAGS } from '#shared/domain/attention.ts';
import type { paymentView } from '#shared/domain/payment.ts';
import { PAYMENT_METHODS } from '#shared/domain/payment-method.ts';
import { MONEY_OPERATIONS, PAYMENT_STATES } from '#shared/domain/payment-state.ts';
import { amountSchema, instant } from '#shared/http/schemas.ts';

const KNOWN_STATES = PAYMENT_STATES.filter(
  (s): s is Exclude<(typeof PAYMENT_STATES)[number], 'UNKNOWN'> => s !== 'UNKNOWN',
);

export const paymentViewSchema = z
  .object({
    id: z.string(),
    state: z.enum(PAYMENT_STATES),
    /** UNKNOWN only: the money move whose outcome is unknown, and the state before it. */
    unknownOperation: z.enum(MONEY_OPERATIONS).exactOptional(),
    stateBeforeUnknown: z.enum(KNOWN_STATES).exactOptional(),
    kind: z.enum(['purchase', 'preauth']),
    paymentMethod: z.enum(PAYMENT_METHODS),
    amount: amountSchema,
    /** A pre-authorisation's captured amount, once PAYON confirmed the capture (never while it is UNKNOWN). */
    capturedAmount: amountSchema.exactOptional(),
    reference: z.string().nullable(),
    checkoutUrl: z.string().nullable(),
    /** Bakong KHQR: the QR string to show. */
    qrString: z.string().nullable(),
    expiresAt: instant.nullable(),
    returnUrl: z.string(),
    bindingId: z.string().nullable(),
    /** The latest attempt PAYON declined; the checkout stays payable until it expires. */
    lastDecline: z
      .object({
        at: instant,
        payonCode: z.string(),
        payonMessage: z.string().nullable(),
        attempts: z.number().int(),
      })
      .nullable(),
    /**
     * What needs a person (docs/payon-assumptions.md A59); empty when nothing does. Listed by
     * `GET /payments?needsAttention=true`.
     */
    attention: z.array(z.enum(ATTENTION_FLAGS)),
    createdAt: instant,
    updatedAt: instant,
    history: z.array(
      z.object({
        at: instant,
        from: z.enum(PAYMENT_STATES),
        to: z.enum(PAYMENT_STATES),
        reason: z.string(),
        change: z
          .enum(['attempt_declined', 'amount_mismatch', 'push_disagreed', 'acknowledged'])
          .exactOptional(),
        resolvedBy: z.enum(['operator']).exactOptional(),
      }),
    ),
  })
  .meta({ id: 'Payment', description: 'A payment as the product keeps it' });

export type PaymentView = z.output<typeof paymentViewSchema>;

/** `GET /payments`: a page of payments, newest first, and the cursor of the next one. */
export const paymentsPageSchema = z
  .object({
    items: z.array(paymentViewSchema),
    /** Send it back as `cursor`, with the same filters, for the next page; absent on the last. */
    nextCursor: z.string().exactOptional(),
  })
  .meta({ id: 'PaymentsPage', description: "A page of the merchant's payments, newest first" });

/** A type error here is a drift: the view builds a body its schema does not describe. */
type Builds<T extends PaymentView> = T;
/** ...or a top-level field the schema does not name. */
type Names<T extends never> = T;
export type PaymentViewMatchesSchema = [
  Builds<ReturnType<typeof paymentView>>,
  Names<Exclude<keyof ReturnType<typeof paymentView>, keyof PaymentView>>,
];
