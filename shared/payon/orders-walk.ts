/**
 * Reading PAYON's orders list page by page, always bounded. PAYON documents `index` and `limit`
 * but not how paging ends, so a walk stops on whichever comes first: a short page (the end), an
 * empty page, a page that repeats the one before (a server that ignores `index` would otherwise
 * be read up to the bound), the page bound, or the caller's time bound. Only the first two read
 * the list to its end: rows from any other walk can say "yes" (an approval, a `Y`), never "no".
 */
import { createHash } from 'node:crypto';
import type { ListOrdersInput, OrderRecord } from '#shared/payon/types.ts';

export type WalkEnd = 'end' | 'empty_page' | 'repeated_page' | 'page_limit' | 'time_limit';

export interface Walk {
  readonly pagesRead: number;
  readonly stoppedBy: WalkEnd;
  /** The list was read to its end (`end` or `empty_page`). */
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
  for (let index = 1; index <= bounds.maxPages; index += 1) {
    if (index > 1 && bounds.hasTime && !bounds.hasTime()) return end(index - 1, 'time_limit');
    const page = await payon.listOrders({ ...query, index, limit: bounds.pageSize });
    if (page.length === 0) return end(index, 'empty_page');
    const print = fingerprint(page);
    if (print === previous) return end(index, 'repeated_page');
    previous = print;
    await onPage(page);
    if (page.length < bounds.pageSize) return end(index, 'end');
  }
  return end(bounds.maxPages, 'page_limit');
}
