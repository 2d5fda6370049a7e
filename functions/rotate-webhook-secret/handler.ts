import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import { kmsSecretSealer } from '#shared/webhooks/kms-sealer.ts';
import { rotateSecret } from '#shared/webhooks/service.ts';
import { rotateWebhookSecretRoute } from './route.ts';

export const handler = apiHandler(
  rotateWebhookSecretRoute,
  // It seals the new secret: one of the functions that carry the KMS client.
  dependenciesWith({ webhooks: webhookStore, webhookSealer: kmsSecretSealer }),
  async ({ path }, deps) => json(200, await rotateSecret(deps, path.id)),
);
