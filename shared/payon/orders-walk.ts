/**
 * Reading PAYON's orders list page by page, always bounded. PAYON documents `index` and `limit`
 * but not how paging ends, nor that it honours `limit`: a page shorter than asked may be the last
 * one, or PAYON's own page size. So a short page is the end only when the page after it is empty
 * (one read more); a walk stops on whichever comes first: that, an empty page, a page that
 * repeats the one before (a server that ignores `index` would otherwise be read up to the bound),
 * the page bound, or the caller's time bound. Only an empty page reads the list to its end: rows
 * from any other walk can say "yes" (an approval, a `Y`), never "no". (Found by the model test:
 * with PAYON capping pages at 3 rows, a short first page was taken for the end, and a refund on a
 * later page for "no refund".)
 */
import { createHash } from 'node:crypto';
import type { ListOrdersInput, OrderRecord } from '#shared/payon/types.ts';

export type WalkEnd = 'end' | 'empty_page' | 'repeated_page' | 'page_limit' | 'time_limit';

export interface Walk {
  readonly pagesRead: number;
  readonly stoppedBy: WalkEnd;
  /** The list was read to its end (`end`: a short page, then an empty one; or `empty_page`). */
  readonly complete: boolean;
}

export interface OrdersReader {
  listOrders(input: ListOrdersInput): Promise<OrderRecord[]>;
}

export interface WalkBounds {
  readonly pageSize: number;
  readonly maxPages: number;
  /** Checked before each page after the first: false stops the walk (`time_limit`). */
  readonly hasTime?: () => boolean;
}

const fingerprint = (page: readonly OrderRecord[]) =>
  createHash('sha256').update(JSON.stringify(page)).digest('base64');

/**
 * Hands each new page to `onPage` and says how the walk ended. A read that fails throws (the
 * pages before it were handed over); `onPage` never sees a repeated page.
 */
export async function walkOrders(
  payon: OrdersReader,
  walk: {
    readonly query: Omit<ListOrdersInput, 'index' | 'limit'>;
    readonly bounds: WalkBounds;
    /** Each page, in order, before the next is read. */
    readonly onPage: (page: readonly OrderRecord[]) => void | Promise<void>;
  },
): Promise<Walk> {
  const { query, bounds, onPage } = walk;
  const end = (pagesRead: number, stoppedBy: WalkEnd): Walk => ({
    pagesRead,
    stoppedBy,
    complete: stoppedBy === 'end' || stoppedBy === 'empty_page',
  });
  let previous: string | undefined;
  let shortPages = 0;
  for (let index = 1; index <= bounds.maxPages; index += 1) {
    if (index > 1 && bounds.hasTime && !bounds.hasTime()) return end(index - 1, 'time_limit');
    const page = await payon.listOrders({ ...query, index, limit: bounds.pageSize });
    // After a short page, an empty one is the end the short page announced.
    if (page.length === 0) return end(index, shortPages > 0 ? 'end' : 'empty_page');
    const print = fingerprint(page);
    if (print === previous) return end(index, 'repeated_page');
    previous = print;
    await onPage(page);
    shortPages += page.length < bounds.pageSize ? 1 : 0;
  }
  return end(bounds.maxPages, 'page_limit');
}
