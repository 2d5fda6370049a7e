import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { findPayments } from '#shared/payments/list.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { secretsManagerSecrets } from '#shared/runtime/aws-parts.ts';
import { filterOf } from './list-payments.ts';
import { listPaymentsRoute } from './route.ts';

export const handler = apiHandler(
  listPaymentsRoute,
  dependenciesWith({ secrets: secretsManagerSecrets }),
  async ({ query }, deps) => {
    const page = await findPayments(deps, {
      filter: filterOf(query),
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return json(200, {
      items: page.payments.map(paymentView),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    });
  },
);
