import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { listExceptions } from '#shared/reconciliation/reports.ts';
import { exceptionsCsv, exceptionView } from '#shared/reconciliation/view.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { listReconciliationExceptionsRoute } from './route.ts';

/**
 * A page of a day's exceptions. JSON carries `nextCursor`; CSV carries it in `x-next-cursor` (and
 * a `link` to the next page), with the column names on the first page only, so pages concatenate.
 */
export const handler = apiHandler(
  listReconciliationExceptionsRoute,
  dependenciesWith({}),
  async ({ path, query }, deps) => {
    const page = await listExceptions(deps, path.day, query);
    const next = page.nextCursor;
    if (query.format === 'csv') {
      const nextUrl = `/reconciliations/${path.day}/exceptions?format=csv&limit=${query.limit}&cursor=${next}`;
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="reconciliation-${path.day}.csv"`,
          ...(next ? { 'x-next-cursor': next, link: `<${nextUrl}>; rel="next"` } : {}),
        },
        body: exceptionsCsv(page.items, query.cursor === undefined),
      };
    }
    return json(200, {
      day: path.day,
      runId: page.report.runId,
      status: page.report.status,
      items: page.items.map(exceptionView),
      ...(next ? { nextCursor: next } : {}),
    });
  },
);
