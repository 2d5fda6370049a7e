import { describe, expect, it } from 'vitest';
import { walkOrders } from '#shared/payon/orders-walk.ts';
import type { ListOrdersInput, OrderRecord } from '#shared/payon/types.ts';

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    txId: String(1_000_000_000_000_000 + i),
  })) as unknown as OrderRecord[];

/** A PAYON whose list holds `all`, paging by `index`, returning at most `cap` rows a page. */
function payon(all: OrderRecord[], { cap = Infinity, ignoreIndex = false } = {}) {
  const asked: ListOrdersInput[] = [];
  return {
    asked,
    async listOrders(input: ListOrdersInput) {
      asked.push(input);
      const size = Math.min(input.limit ?? 500, cap);
      const start = ignoreIndex ? 0 : ((input.index ?? 1) - 1) * size;
      return all.slice(start, start + size);
    },
  };
}

async function walk(reader: ReturnType<typeof payon>, pageSize = 10, maxPages = 20) {
  const seen: string[] = [];
  const result = await walkOrders(reader, {
    query: { from: new Date(), to: new Date() },
    bounds: { pageSize, maxPages },
    onPage: (page) => {
      seen.push(...page.map((r) => r.txId));
    },
  });
  return { ...result, seen };
}

describe('walking PAYON’s orders list', () => {
  it('takes a short page for the end only when the page after it is empty', async () => {
    const reader = payon(rows(14));
    const result = await walk(reader);
    expect(result).toMatchObject({ complete: true, stoppedBy: 'end', pagesRead: 3 });
    expect(result.seen).toHaveLength(14);
    expect(reader.asked.map((a) => a.index)).toEqual([1, 2, 3]);
  });

  it('reads on past pages shorter than asked when PAYON caps its page size (every row seen)', async () => {
    // The ambiguous PAYON: 3 rows a page whatever the limit; the old walk stopped after page 1.
    const result = await walk(payon(rows(8), { cap: 3 }));
    expect(result).toMatchObject({ complete: true, stoppedBy: 'end' });
    expect(new Set(result.seen).size).toBe(8);
  });

  it('cannot tell the end when PAYON ignores index (the same short page again)', async () => {
    const result = await walk(payon(rows(4), { ignoreIndex: true }));
    expect(result).toMatchObject({ complete: false, stoppedBy: 'repeated_page', pagesRead: 2 });
  });

  it('an empty first page is an empty list', async () => {
    expect(await walk(payon([]))).toMatchObject({ complete: true, stoppedBy: 'empty_page' });
  });

  it('stops at the page bound, incomplete', async () => {
    const result = await walk(payon(rows(100), { cap: 3 }), 10, 5);
    expect(result).toMatchObject({ complete: false, stoppedBy: 'page_limit', pagesRead: 5 });
  });
});
