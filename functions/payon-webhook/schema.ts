import * as z from 'zod';
import { paymentId } from '#shared/http/schemas.ts';

/**
 * POST /payon/notifications/{token}: PAYON's push (SPEC §10), `{"txId","resultCode","resultMsg"}`.
 * Fields PAYON may add are allowed (and stored with card-like runs masked); the three it documents
 * are checked.
 */
export const payonWebhookSchemas = {
  path: z
    .object({ token: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/, 'is not a notification token') })
    .strict(),
  body: z.looseObject({
    txId: paymentId,
    resultCode: z.string().regex(/^[A-Za-z0-9]{1,8}$/, 'must be a result code such as "0000"'),
    resultMsg: z.string().max(200).optional(),
  }),
};
