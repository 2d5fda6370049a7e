import * as z from 'zod';

/**
 * GET /return?txId=... — where PAYON sends the customer's browser back (DEFAULTS.md). Any query is
 * accepted: a txId that is malformed, unknown or too old gets the same neutral answer as any other,
 * so the route tells a guesser nothing (the handler reads `txId` itself).
 */
export const paymentReturnSchemas = {
  query: z.looseObject({ txId: z.string().optional() }),
};
