import { apiHandler } from '#shared/http/api.ts';
import { redirect } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { NEUTRAL_PAGE, paymentReturnUrl } from './payment-return.ts';
import { paymentReturnRoute } from './route.ts';

export const handler = apiHandler(
  paymentReturnRoute,
  dependenciesWith({}),
  async ({ query }, deps) => {
    // Without a txId: the neutral page itself (the default fallback is this route, bare).
    if (query.txId === undefined) {
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: NEUTRAL_PAGE,
      };
    }
    return redirect(await paymentReturnUrl(deps, query.txId));
  },
);
