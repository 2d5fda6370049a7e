import { apiHandler, json } from '#shared/http/api.ts';
import { sqsConfirmQueue } from '#shared/notifications/sqs-queue.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { secretsManagerSecrets } from '#shared/runtime/aws-parts.ts';
import { authorizePush, receiveNotification } from './receive-notification.ts';
import { payonWebhookRoute } from './route.ts';

/** PAYON documents no answer body; this one is in PAYON's own envelope (assumption A32). */
export const handler = apiHandler(
  {
    ...payonWebhookRoute,
    // Source and token before the body: a wrong token is a 404 whatever the body says.
    authorize: (event, deps) =>
      authorizePush(deps, event.pathParameters?.token ?? '', event.requestContext.http.sourceIp),
  },
  // It hands pushes to confirmation: the one function that carries the SQS client.
  dependenciesWith({ secrets: secretsManagerSecrets, confirmQueue: sqsConfirmQueue }),
  async ({ path, body, event, rawBody }, deps) => {
    const { duplicate } = await receiveNotification(deps, {
      token: path.token,
      sourceIp: event.requestContext.http.sourceIp,
      txId: body.txId,
      resultCode: body.resultCode,
      resultMsg: body.resultMsg,
      rawBody: rawBody ?? '',
    });
    return json(200, { resultCode: '0000', resultMsg: duplicate ? 'Duplicate' : 'Success' });
  },
);
