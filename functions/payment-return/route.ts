import * as z from 'zod';
import { defineRoute } from '#shared/runtime/descriptor.ts';

/**
 * GET /return?txId=... — where PAYON sends the customer's browser back (docs/payon-assumptions.md
 * A30). Any query is accepted: a txId that is malformed, unknown or too old gets the same neutral
 * answer as any other, so the route tells a guesser nothing (the handler reads `txId` itself).
 */
export const paymentReturnSchemas = {
  query: z.looseObject({ txId: z.string().optional() }),
};

export const paymentReturnRoute = defineRoute({
  function: 'payment-return',
  method: 'GET',
  path: '/return',
  access: 'public',
  idempotent: false,
  schemas: paymentReturnSchemas,
  doc: {
    readme:
      "where PAYON sends the customer back; redirects to the payment's `returnUrl` with `paymentId` while the payment is recent (its expiry plus an hour); any other txId gets the same redirect to a neutral page (`RETURN_FALLBACK_URL`)",
    readmeQuery: '?txId=',
    summary: "Where PAYON sends the customer back: redirects to the payment's returnUrl",
    status: 303,
    tag: 'Payments',
    otherAnswers: [
      { status: 200, mediaType: 'text/html', description: 'Without a txId: the neutral page' },
    ],
  },
  // Public: reads one payment's returnUrl; must never reach PAYON's credentials.
  aws: { table: 'read', merchantSecret: false },
});
