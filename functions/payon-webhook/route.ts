import * as z from 'zod';
import { paymentId } from '#shared/http/schemas.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';
import { payonAcknowledgementSchema } from './receive-notification.ts';

/**
 * POST /payon/notifications/{token}: PAYON's push (docs/payon-api.md#push-notification),
 * `{"txId","resultCode","resultMsg"}`. Fields PAYON may add are allowed (and stored with card-like
 * runs masked); the three it documents are checked.
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

export const payonWebhookRoute = defineRoute({
  function: 'payon-webhook',
  method: 'POST',
  path: '/payon/notifications/{token}',
  access: 'payon',
  idempotent: false,
  anyContentType: true,
  schemas: payonWebhookSchemas,
  doc: {
    readme:
      "PAYON's push: token (constant time) and optional source allowlist checked, stored once, answered at once, confirmed by a status pull",
    summary: "PAYON's push notification (secret token in the path)",
    status: 200,
    tag: 'PAYON',
    response: payonAcknowledgementSchema,
    responseExample: {
      resultCode: '0000',
      resultMsg: 'Success',
    },
    errors: [403, 404],
    example: { txId: '1620803885401000', resultCode: '0000', resultMsg: 'Success' },
  },
  // PAYON's push: the secret holds the URL token; stores the push, queues it. Never calls PAYON.
  aws: { table: 'readWrite', merchantSecret: true, sendToConfirmQueue: true },
});
