/**
 * Reconciliation at 1,000,000 transactions, streamed from generators (loading a million items into
 * DynamoDB Local alone takes ~10 minutes here): PAYON's history, the product's payments, PAYON's
 * reconciliation answers and the report store are generated or counted in memory, page by page, so
 * what is measured is the run's own streaming and comparison. Run in a process with a capped heap;
 * prints one JSON line: time, peak old generation, counts.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { money } from '#shared/domain/money.ts';
import { newPayment, type Payment, transition } from '#shared/domain/payment.ts';
import type { OrderRecord, ReconciliationItemInput } from '#shared/payon/types.ts';
import { type ReconcileDeps, reconcileDay } from '#shared/reconciliation/run.ts';

const TOTAL = Number(process.env.BENCH_TRANSACTIONS ?? 1_000_000);
const DAY = '2026-11-21';
const created = new Date(`${DAY}T10:00:00+07:00`);
const txIdOf = (n: number) => String(1_795_000_000_000_000 + n);
const amount = money(1_000, 'USD');

const paymentOf = (txId: string): Payment => {
  const p = newPayment(
    {
      txId,
      kind: 'purchase',
      paymentMethod: 'CREDIT_DEBIT',
      amount,
      returnUrl: 'https://shop.example.com/r',
    },
    created,
  );
  return transition(transition(p, { to: 'PENDING', source: 'payon', reason: 'r', now: created }), {
    to: 'SUCCEEDED',
    source: 'status_pull',
    reason: 'p',
    now: created,
  });
};

const orderOf = (txId: string): OrderRecord => ({
  txId,
  kind: 'purchase',
  amount,
  statusCode: '09',
  resultCode: '0000',
  resultMessage: 'Success',
  signal: 'confirmed',
  settled: false,
  cancelled: false,
  refunded: false,
  approvalNo: '123456',
  approvedAt: created,
  approvedAtText: undefined,
  day: DAY,
  sequenceNo: undefined,
  stan: undefined,
  paymentType: '02',
});

let written = 0;
const deps = {
  clock: () => new Date(),
  logger: { info() {}, warn() {}, error() {} },
  metrics: { addMetric() {} },
  events: { stage: 'bench', async committed() {} },
  payon: {
    async listOrders({ index, limit }: { index: number; limit: number }) {
      const start = (index - 1) * limit;
      const count = Math.max(0, Math.min(limit, TOTAL - start));
      return Array.from({ length: count }, (_, i) => orderOf(txIdOf(start + i)));
    },
    async reconcile(items: readonly ReconciliationItemInput[]) {
      return items.map((i) => ({
        txId: i.txId,
        resultCode: '0000',
        resultMessage: 'Success',
        verdict: 'APPROVED',
        grandTotal: i.grandTotal,
        buyerId: undefined,
        sellerId: undefined,
      }));
    },
    async transactionStatus() {
      throw new Error('every payment was in the history: no status pull expected');
    },
  },
  payments: {
    async getMany(txIds: readonly string[]) {
      return new Map(txIds.map((id) => [id, paymentOf(id)]));
    },
    async dayPage(_day: string, limit: number, cursor?: Record<string, unknown>) {
      const start = Number(cursor?.next ?? 0);
      const count = Math.max(0, Math.min(limit, TOTAL - start));
      const payments = Array.from({ length: count }, (_, i) => paymentOf(txIdOf(start + i)));
      return { payments, cursor: start + count < TOTAL ? { next: start + count } : undefined };
    },
    async update() {
      throw new Error('nothing to heal expected');
    },
  },
  reconciliations: {
    async begin() {},
    async saveReport() {},
    async complete() {},
    async addExceptions({ exceptions }: { exceptions: readonly unknown[] }) {
      written += exceptions.length;
    },
    async markSeen({ txIds }: { txIds: readonly string[] }) {
      written += txIds.length;
    },
    async seen(_d: string, _r: string, ids: readonly string[]) {
      return new Set(ids);
    },
  },
} as unknown as ReconcileDeps;

let peakOld = 0;
const sample = () => {
  const old = getHeapSpaceStatistics()
    .filter((s) => !s.space_name.startsWith('new_'))
    .reduce((sum, s) => sum + s.space_used_size, 0);
  peakOld = Math.max(peakOld, old);
};
const timer = setInterval(sample, 5);
const started = process.hrtime.bigint();
const report = await reconcileDay(deps, DAY);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
sample();
clearInterval(timer);
console.log(
  JSON.stringify({
    transactions: TOTAL,
    seconds,
    perSecond: TOTAL / seconds,
    peakOldMB: Math.round((peakOld / 2 ** 20) * 10) / 10,
    matched: report.counts.matched,
    exceptions: report.counts.exceptions,
    itemsWritten: written,
  }),
);
