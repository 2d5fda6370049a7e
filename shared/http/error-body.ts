/**
 * The one error body of the API, `{ "error": { "code", "message", ... } }`, as `errorResponse`
 * (./responses.ts) builds it for every 4xx and 5xx: the schema openapi.json names `Error` and the
 * typed client's `ErrorBody`. A test runs `errorResponse` on every error class and parses its body
 * with this schema.
 */
import * as z from 'zod';

export const errorBodySchema = z
  .object({
    error: z.object({
      /** A literal per error (`invalid_request`, `payment_state_conflict`, `outcome_unknown`, ...). */
      code: z.string(),
      message: z.string(),
      /** 400: each field refused, and why (card-like numbers masked). */
      fields: z.array(z.object({ field: z.string(), reason: z.string() })).exactOptional(),
      /** 422 `payon_rejected`: PAYON's result code and message (card-like numbers masked). */
      payonCode: z.string().exactOptional(),
      payonMessage: z.string().exactOptional(),
      /** 409 `reference_in_use`: the live payment that holds the reference. */
      paymentId: z.string().exactOptional(),
    }),
  })
  .meta({ id: 'Error', description: 'Every 4xx and 5xx answer of the API' });

export type ErrorBody = z.output<typeof errorBodySchema>;
