import * as z from 'zod';
import { clientId } from '#shared/bindings/input.ts';
import { PAYMENT_METHODS } from '#shared/domain/payment-method.ts';
import { PAYMENT_STATES, type PaymentState } from '#shared/domain/payment-state.ts';
import { paymentsPageSchema } from '#shared/domain/payment-view.ts';
import { paymentReference } from '#shared/http/schemas.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';

const states = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const names = text.split(',').map((s) => s.trim());
    const unknown = names.find((s) => !(PAYMENT_STATES as readonly string[]).includes(s));
    if (unknown !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(unknown)} is not a state (${PAYMENT_STATES.join(', ')})`,
      });
      return z.NEVER;
    }
    return [...new Set(names)] as PaymentState[];
  });

const instant = z.iso.datetime({
  offset: true,
  message: 'must be an ISO instant such as 2026-12-01T00:00:00+07:00',
});

/**
 * GET /payments?state=UNKNOWN,PENDING&needsAttention=true&day=2026-12-01&limit=50&cursor=…
 * Newest first by stored creation time; `day` is a Cambodian day and excludes `createdFrom` /
 * `createdTo`.
 */
export const listPaymentsSchemas = {
  query: z
    .object({
      state: states.optional(),
      paymentMethod: z.enum(PAYMENT_METHODS).optional(),
      kind: z.enum(['purchase', 'preauth']).optional(),
      reference: paymentReference.optional(),
      clientId: clientId.optional(),
      createdFrom: instant.optional(),
      createdTo: instant.optional(),
      day: z.iso.date('must be a date such as 2026-12-01').optional(),
      needsAttention: z.enum(['true', 'false']).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z.string().min(1).max(2_000).optional(),
    })
    .strict()
    .refine(
      (q) => q.day === undefined || (q.createdFrom === undefined && q.createdTo === undefined),
      {
        message: 'give either day or createdFrom/createdTo, not both',
        path: ['day'],
      },
    )
    .refine(
      (q) =>
        q.createdFrom === undefined ||
        q.createdTo === undefined ||
        Date.parse(q.createdFrom) < Date.parse(q.createdTo),
      { message: 'must be before createdTo', path: ['createdFrom'] },
    ),
};

export const listPaymentsRoute = defineRoute({
  function: 'list-payments',
  method: 'GET',
  path: '/payments',
  access: 'merchant',
  idempotent: false,
  schemas: listPaymentsSchemas,
  doc: {
    readme:
      "the merchant's payments, newest first: filters `state` (comma-separated), `paymentMethod`, `kind`, `reference`, `clientId`, `createdFrom`/`createdTo` or `day`, `needsAttention=true`; `limit` ≤ 100 and `cursor` (from `nextCursor`)",
    readmeQuery: '?state=&needsAttention=&day=&cursor=',
    summary: "The merchant's payments, newest first, filtered and paged by cursor",
    status: 200,
    tag: 'Payments',
    response: paymentsPageSchema,
    responseExample: {
      items: [
        {
          id: '1795000000000017',
          state: 'PENDING',
          kind: 'purchase',
          paymentMethod: 'CREDIT_DEBIT',
          amount: { value: '12.50', currency: 'USD' },
          reference: 'order-98765',
          checkoutUrl: 'https://pg.payon.com.kh/checkout/1795000000000017',
          qrString: null,
          expiresAt: '2026-11-22T03:30:00.000Z',
          returnUrl: 'https://shop.example.com/done',
          bindingId: null,
          lastDecline: {
            at: '2026-11-22T03:16:10.000Z',
            payonCode: '9999',
            payonMessage: null,
            attempts: 1,
          },
          attention: ['declined_attempt'],
          createdAt: '2026-11-22T03:15:00.412Z',
          updatedAt: '2026-11-22T03:17:02.000Z',
          history: [
            {
              at: '2026-11-22T03:15:00.861Z',
              from: 'CREATED',
              to: 'PENDING',
              reason: 'registered at PAYON',
            },
            {
              at: '2026-11-22T03:17:02.000Z',
              from: 'PENDING',
              to: 'PENDING',
              reason:
                'PAYON declined an attempt (9999); the customer may try again on the same checkout until it expires',
              change: 'attempt_declined',
            },
          ],
        },
      ],
      nextCursor:
        'eyJ2IjoxLCJmIjoiOXBDRmh4dUpQbFhOd1ZjU1FWMUR4ZyIsImEiOiIyMDI2LTExLTIyVDAzOjE1OjAwLjQxMlojMTc5NTAwMDAwMDAwMDAxNyJ9.q5HUvKaK0XkU3aYtGm1k8b4hYv8VYrRa0pJm6S3kZ3o',
    },
    errors: [],
  },
  // Query on the list index or a lookup partition, BatchGetItem of the page's payments, and the
  // secret's idempotencySecret (it signs the cursor). Never a Scan.
  aws: {
    table: 'read',
    listIndex: true,
    queryTable: true,
    batchRead: true,
    merchantSecret: true,
  },
});
