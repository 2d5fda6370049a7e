/**
 * The invariants, checked after every command and at the end of every run. Truth is the PAYON
 * sandbox's ledger (what PAYON did) and its journal (what PAYON received); the product's side is
 * what DynamoDB holds. Each rule is DEFAULTS.md ("Deciding a payment's state", "Money moves") or
 * docs/events.md, written from those texts, not from the product's code.
 */
import type { RequestEntry, Transaction } from '#local/payon-sandbox/index.ts';
import { containsCardNumber } from '#shared/domain/card.ts';
import { type Harness, withHistoryPages } from '#test/model/harness.ts';

type Item = Record<string, unknown>;
type Op = 'capture' | 'cancel' | 'refund';

export const MOVE_PATHS: Record<Op, string> = {
  capture: '/pg/preAuthCompletion',
  cancel: '/pg/reversal',
  refund: '/pg/refund',
};

/** DEFAULTS.md: FAILED only past expiry plus the grace period (default 10 minutes). */
const FAILURE_GRACE_MS = 10 * 60_000;
/** DEFAULTS.md: a refund/reversal flag `N` settles "did not happen" only two minutes after. */
const SETTLE_AFTER_MS = 2 * 60_000;

interface HistoryEntry {
  at: string;
  from: string;
  to: string;
  source?: string;
  reason: string;
  change?: string;
  resolvedBy?: string;
}

export interface TrackedPayment {
  readonly txId: string;
  readonly kind: 'purchase' | 'preauth';
  readonly amountMinor: number;
}

/** Counters over the whole test (the soak prints them). */
export const TALLY = {
  checks: 0,
  violations: 0,
  commands: 0,
  payments: 0,
  runs: 0,
  /** Final states: product state / PAYON's ledger state (coverage: which lives were lived). */
  ends: {} as Record<string, number>,
};

export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/** What a payment's history says about its UNKNOWN episodes. */
interface Episode {
  readonly op: Op | 'register' | undefined;
  readonly enter: HistoryEntry;
  readonly exit: HistoryEntry | undefined;
  /** The move did not happen (the payment went back where it was). */
  readonly returned: boolean;
}

const historyOf = (item: Item): HistoryEntry[] =>
  (item.history as HistoryEntry[] | undefined) ?? [];

function approval(tx: Transaction) {
  return tx.attempts.find((a) => a.resultCd === '0000');
}

/** The event docs/events.md announces for history entry `i`, or undefined. */
export function announced(history: readonly HistoryEntry[], i: number): string | undefined {
  const entry = history[i];
  if (!entry) return undefined;
  const prev = history[i - 1];
  if (entry.change === 'attempt_declined') return 'payment.attempt_declined';
  if (entry.from === entry.to) return undefined;
  if (['CREATED', 'PENDING', 'UNKNOWN'].includes(entry.to)) return undefined;
  // An unanswered move found not to have happened: back where it was, not announced.
  if (
    entry.from === 'UNKNOWN' &&
    prev?.to === 'UNKNOWN' &&
    prev.from !== 'CREATED' &&
    entry.to === prev.from
  )
    return undefined;
  switch (entry.to) {
    case 'AUTHORIZED':
      return 'payment.authorized';
    case 'SUCCEEDED':
      if (entry.from === 'AUTHORIZED') return 'payment.captured';
      if (entry.from === 'UNKNOWN' && prev?.from === 'AUTHORIZED') return 'payment.captured';
      return 'payment.succeeded';
    case 'FAILED':
      return 'payment.failed';
    case 'EXPIRED':
      return 'payment.expired';
    case 'CANCELLED':
      return 'payment.cancelled';
    case 'REFUNDED':
      return 'payment.refunded';
    default:
      return `unexpected state ${entry.to}`;
  }
}

/** Hex digests (idempotency keys, fingerprints) are not text a card number hides in. */
const DIGEST = /\b[0-9a-f]{32,}\b/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function leaks(text: string, secrets: readonly string[]): string | undefined {
  if (containsCardNumber(text.replace(DIGEST, '<digest>'))) return 'a card number';
  const cleaned = text.replace(UUID, '<uuid>').replace(DIGEST, '<digest>');
  for (const secret of secrets) {
    if (new RegExp(`(?<![\\da-zA-Z])${secret}(?![\\da-zA-Z])`).test(cleaned))
      return `the secret ${secret}`;
  }
  return undefined;
}

function* leaves(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value))
    for (const [i, v] of value.entries()) yield* leaves(v, `${path}[${i}]`);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* leaves(v, path ? `${path}.${k}` : k);
}

export class Checker {
  /** Operations of UNKNOWN episodes as seen while the payment was UNKNOWN (history index). */
  private readonly seenOps = new Map<string, Map<number, string>>();
  /** Card numbers, CVVs and PINs the run gave the API: none may appear in an item or a log. */
  readonly secrets: string[] = [];
  readonly violations: string[] = [];

  constructor(
    private readonly h: Harness,
    private readonly lenient: boolean,
  ) {}

  private lastItems = new Map<string, Item>();

  private expect(ok: boolean, message: () => string): void {
    TALLY.checks += 1;
    if (!ok) {
      TALLY.violations += 1;
      this.violations.push(message());
    }
  }

  private throwIfViolated(where: string): void {
    if (this.violations.length === 0) return;
    const all = this.violations.splice(0);
    if (process.env.MODEL_DEBUG) this.dump(all);
    throw new InvariantViolation(`${where}:\n  - ${all.join('\n  - ')}`);
  }

  /** MODEL_DEBUG: what the product and PAYON hold for each payment a violation names. */
  private dump(violations: readonly string[]): void {
    const txIds = new Set(violations.map((v) => /^(\d{16})/.exec(v)?.[1]).filter(Boolean));
    for (const txId of txIds) {
      const tx = this.h.api.sandbox.transaction(String(txId));
      console.log(`--- ${txId}: PAYON ${JSON.stringify(tx, null, 1)}`);
      const item = this.lastItems.get(String(txId));
      console.log(
        `product: ${item?.state} v${item?.version}\n${historyOf(item ?? {})
          .map((e) => `${e.at} ${e.from}→${e.to} ${e.source ?? ''} ${e.change ?? ''}: ${e.reason}`)
          .join('\n')}`,
      );
      const journal = this.h.api.sandbox.journal
        .requests()
        .filter(
          (r) => JSON.stringify(r.body ?? '').includes(String(txId)) || r.path === '/pg/orders',
        )
        .map((r) => `${r.sandboxTime} ${r.path} ${r.status}${r.fault ? ` ${r.fault}` : ''}`);
      console.log(journal.join('\n'));
    }
  }

  private sends(txId: string, op: Op): RequestEntry[] {
    // PAYON documents 401 as checked before anything is done: a 401 never moved money.
    return this.h.api.sandbox.journal
      .requests(MOVE_PATHS[op])
      .filter((r) => (r.body as { txId?: unknown } | null)?.txId === txId && r.status !== 401);
  }

  private episodes(txId: string, history: readonly HistoryEntry[]): Episode[] {
    const seen = this.seenOps.get(txId);
    const out: Episode[] = [];
    history.forEach((entry, i) => {
      if (entry.to !== 'UNKNOWN' || entry.from === 'UNKNOWN') return;
      const fromReason = /^(capture|cancel|refund|register)\b/.exec(entry.reason)?.[1];
      const op = (seen?.get(i) ??
        fromReason ??
        (entry.from === 'CREATED' ? 'register' : undefined)) as Op | 'register' | undefined;
      const exit = history[i + 1];
      out.push({
        op,
        enter: entry,
        exit,
        returned: exit !== undefined && exit.from === 'UNKNOWN' && exit.to === entry.from,
      });
    });
    return out;
  }

  /** Every invariant over the run's payments, their events, and new log lines. */
  async check(
    where: string,
    payments: readonly TrackedPayment[],
    options: { final?: boolean; fullScan?: boolean } = {},
  ): Promise<Map<string, Item>> {
    // A snapshot: the payments, then their events. A push confirmed between the two reads writes
    // a payment version and its event after the payments were read; seen as an event newer than
    // its payment, and then both are read again (events are written in the transaction of their
    // payment version, so a snapshot without such an event is consistent).
    let items: Item[] = [];
    let events: Item[] = [];
    const byTx = new Map<string, Item>();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      items = options.fullScan
        ? await this.h.api.scan().then((all) => withHistoryPages(all, all))
        : await this.h.getItems(payments.map((p) => ({ pk: `PAY#${p.txId}`, sk: 'PAYMENT' })));
      byTx.clear();
      for (const item of items) if (item.type === 'payment') byTx.set(String(item.txId), item);
      // Each payment's possible events, by the ids docs/events.md gives them.
      const eventKeys = payments.flatMap((p) => {
        const version = Number(byTx.get(p.txId)?.version ?? 1);
        return Array.from({ length: Math.max(0, version + 2) }, (_, v) => ({
          pk: `EVENT#evt_${p.txId}_${v}`,
          sk: 'EVENT',
        }));
      });
      events = options.fullScan
        ? items.filter((i) => i.type === 'event' && typeof i.txId === 'string')
        : await this.h.getItems(eventKeys);
      const torn = events.some(
        (e) =>
          Number((JSON.parse(String(e.detail)) as { paymentVersion?: unknown }).paymentVersion) >
          Number(byTx.get(String(e.txId))?.version),
      );
      if (!torn) break;
    }
    const eventsByTx = new Map<string, Item[]>();
    for (const e of events) {
      const list = eventsByTx.get(String(e.txId)) ?? [];
      list.push(e);
      eventsByTx.set(String(e.txId), list);
    }
    this.lastItems = byTx;
    for (const p of payments) {
      const item = byTx.get(p.txId);
      this.expect(item !== undefined, () => `${p.txId}: no payment item`);
      if (!item) continue;
      this.checkPayment(p, item, options.final === true);
      this.checkEvents(p, item, eventsByTx.get(p.txId) ?? [], options.final === true);
    }
    this.checkLeaks(options.fullScan ? items : [...byTx.values(), ...events]);
    this.throwIfViolated(where);
    return byTx;
  }

  private checkPayment(p: TrackedPayment, item: Item, final: boolean): void {
    const { txId } = p;
    const state = String(item.state);
    const history = historyOf(item);
    const tx = this.h.api.sandbox.transaction(txId);
    if (state === 'UNKNOWN') {
      const lastEnter = history.findLastIndex((e) => e.to === 'UNKNOWN' && e.from !== 'UNKNOWN');
      const ops = this.seenOps.get(txId) ?? new Map<number, string>();
      ops.set(lastEnter, String(item.unknownOperation));
      this.seenOps.set(txId, ops);
    }
    this.expect(
      Number(item.version) === history.length + 1,
      () => `${txId}: version ${item.version} but ${history.length} history entries`,
    );
    this.expect(
      history.every((e, i) => i === 0 || Date.parse(e.at) >= Date.parse(history[i - 1]?.at ?? '')),
      () => `${txId}: history out of time order`,
    );
    if (!tx) {
      // PAYON never registered it: nothing may look paid. EXPIRED is "never confirmed by the end
      // of the schedule" (DEFAULTS.md), which an order PAYON never had also is.
      this.expect(
        ['CREATED', 'FAILED', 'EXPIRED', 'UNKNOWN'].includes(state),
        () => `${txId}: ${state} but PAYON has no such order`,
      );
      return;
    }
    const approved = approval(tx);
    this.expect(
      Number(item.amountMinor) === tx.amountCents,
      () => `${txId}: amount ${item.amountMinor} but PAYON registered ${tx.amountCents}`,
    );

    // Never more advanced than PAYON's ledger.
    const concludedAt = () => {
      const entry = history.findLast((e) => e.to === state && e.from !== e.to);
      return entry ? Date.parse(entry.at) : Number.NaN;
    };
    switch (state) {
      case 'SUCCEEDED':
        this.expect(
          p.kind === 'purchase' ? approved !== undefined : tx.completion !== null,
          () => `${txId}: SUCCEEDED but PAYON's ledger is ${tx.state} (${p.kind})`,
        );
        if (p.kind === 'preauth' && tx.completion) {
          this.expect(
            Number(item.capturedMinor) === tx.completion.amountCents,
            () =>
              `${txId}: captured ${item.capturedMinor}, PAYON completed ${tx.completion?.amountCents}`,
          );
        }
        break;
      case 'AUTHORIZED':
        this.expect(
          p.kind === 'preauth' && approved !== undefined,
          () => `${txId}: AUTHORIZED but PAYON's ledger is ${tx.state} (${p.kind})`,
        );
        break;
      case 'CANCELLED':
        this.expect(tx.reversal !== null, () => `${txId}: CANCELLED but PAYON never reversed it`);
        break;
      case 'REFUNDED':
        this.expect(tx.refund !== null, () => `${txId}: REFUNDED but PAYON never refunded it`);
        break;
      case 'FAILED':
      case 'EXPIRED': {
        const at = concludedAt();
        // Concluded while PAYON had not approved: a later (late) approval is fine.
        this.expect(
          approved === undefined || approved.atMs > at,
          () =>
            `${txId}: ${state} at ${new Date(at).toISOString()} but PAYON approved it at ${new Date(approved?.atMs ?? 0).toISOString()}`,
        );
        const expiresAt = Date.parse(String(item.expiresAt ?? ''));
        const limit = state === 'FAILED' ? expiresAt + FAILURE_GRACE_MS : expiresAt;
        this.expect(
          Number.isNaN(expiresAt) || at >= limit,
          () =>
            `${txId}: ${state} at ${new Date(at).toISOString()}, before ${new Date(limit).toISOString()} (expiry${state === 'FAILED' ? ' + grace' : ''})`,
        );
        break;
      }
      default:
        break;
    }

    // A money move reaches PAYON at most once, unless the product held PAYON's positive
    // evidence (or an operator's word) that the previous send did not happen.
    const episodes = this.episodes(txId, history);
    for (const op of ['capture', 'cancel', 'refund'] as const) {
      const sent = this.sends(txId, op);
      const mine = episodes.filter((e) => e.op === op);
      const didNotHappen = mine.filter((e) => e.returned).length;
      this.expect(
        sent.length <= 1 + didNotHappen,
        () =>
          `${txId}: ${MOVE_PATHS[op]} reached PAYON ${sent.length} times; the product knew of ${didNotHappen} that did not happen (${sent.map((s) => `${s.status}${s.fault ? ` ${s.fault}` : ''}`).join(', ')})`,
      );
      this.expect(
        sent.length <= mine.length,
        () =>
          `${txId}: ${MOVE_PATHS[op]} sent ${sent.length} times outside an UNKNOWN mark (${mine.length})`,
      );
      const done = op === 'capture' ? tx.completion : op === 'cancel' ? tx.reversal : tx.refund;
      for (const e of mine) {
        if (!e.returned || !e.exit) continue;
        const exitAt = Date.parse(e.exit.at);
        // "Did not happen" is never concluded when PAYON did it (before the conclusion).
        this.expect(
          !done || done.atMs > exitAt,
          () =>
            `${txId}: the product concluded the ${op} did not happen (${e.exit?.reason}) but PAYON did it`,
        );
        const source = e.exit.source ?? '';
        if (source === 'operator' || source === 'payon') continue; // an operator; a refusal
        this.expect(
          op !== 'capture',
          () => `${txId}: a capture concluded "did not happen" by ${source}`,
        );
        this.expect(
          exitAt - Date.parse(e.enter.at) >= SETTLE_AFTER_MS,
          () =>
            `${txId}: the ${op} concluded "did not happen" ${exitAt - Date.parse(e.enter.at)} ms after it was sent`,
        );
      }
    }

    if (final) this.checkFinal(p, item, tx, state);
  }

  /** After the schedule ran out: equal to the ledger, or escalated with a reason. */
  private checkFinal(p: TrackedPayment, item: Item, tx: Transaction, state: string): void {
    const approved = approval(tx) !== undefined;
    const end = `${p.kind} ${state}/${tx.state}`;
    TALLY.ends[end] = (TALLY.ends[end] ?? 0) + 1;
    const expected: readonly string[] = tx.refund
      ? ['REFUNDED']
      : tx.reversal
        ? ['CANCELLED']
        : tx.completion
          ? ['SUCCEEDED']
          : approved
            ? [p.kind === 'preauth' ? 'AUTHORIZED' : 'SUCCEEDED']
            : ['FAILED', 'EXPIRED'];
    const escalated = typeof item.escalatedAt === 'string';
    const reason = historyOf(item).at(-1)?.reason ?? '';
    const cannotTell = state === 'UNKNOWN' && escalated && reason.length > 0;
    const stillAsking =
      this.lenient &&
      (state === 'PENDING' || state === 'UNKNOWN') &&
      (escalated || Number(item.syncFailures ?? 0) > 0) &&
      reason.length > 0;
    this.expect(
      expected.includes(state) || cannotTell || stillAsking,
      () =>
        `${p.txId}: ends ${state}${escalated ? ' (escalated)' : ''} but PAYON's ledger is ${tx.state}${tx.completion ? ' completed' : ''} (${p.kind}); expected ${expected.join('|')}`,
    );
    if (state === 'UNKNOWN') {
      this.expect(escalated, () => `${p.txId}: UNKNOWN at the end of its schedule, not escalated`);
    }
  }

  private checkEvents(
    p: TrackedPayment,
    item: Item,
    events: readonly Item[],
    final: boolean,
  ): void {
    const history = historyOf(item);
    const version = Number(item.version);
    const byVersion = new Map<number, Item>();
    for (const e of events) {
      const detail = JSON.parse(String(e.detail)) as {
        id: string;
        type: string;
        paymentVersion: number;
        payment: { state: string };
      };
      const v = detail.paymentVersion;
      this.expect(!byVersion.has(v), () => `${p.txId}: two events for version ${v}`);
      byVersion.set(v, e);
      this.expect(
        detail.id === `evt_${p.txId}_${v}` && e.eventType === detail.type,
        () => `${p.txId}: event ${detail.id} (${e.eventType}) does not name version ${v}`,
      );
      this.expect(
        v >= 2 && v <= version,
        () => `${p.txId}: event of version ${v}; the payment is at ${version}`,
      );
      const entry = history[v - 2];
      this.expect(
        entry !== undefined && detail.payment.state === entry.to,
        () =>
          `${p.txId}: event v${v} shows ${detail.payment.state}, the transition went to ${entry?.to}`,
      );
      if (final) {
        this.expect(
          typeof e.deliveredAt === 'string',
          () => `${p.txId}: event ${detail.id} never delivered`,
        );
      }
    }
    // Exactly one per announced transition, of its type, in transition order.
    let lastAt = Number.NEGATIVE_INFINITY;
    history.forEach((_, i) => {
      const v = i + 2;
      const type = announced(history, i);
      const event = byVersion.get(v);
      this.expect(
        (type === undefined) === (event === undefined) &&
          (event === undefined || event.eventType === type),
        () =>
          `${p.txId}: transition v${v} ${history[i]?.from}→${history[i]?.to}${history[i]?.change ? ` (${history[i]?.change})` : ''} announced as ${String(event?.eventType)}, expected ${String(type)}`,
      );
      if (event) {
        const at = Date.parse(String(event.createdAt));
        this.expect(
          at >= lastAt,
          () => `${p.txId}: event v${v} written before the one of an earlier version`,
        );
        lastAt = at;
      }
    });
  }

  private checkLeaks(items: readonly Item[]): void {
    for (const item of items) {
      for (const [path, value] of leaves(item)) {
        const found = leaks(value, this.secrets);
        this.expect(
          found === undefined,
          () => `stored item ${String(item.pk)} holds ${found} at ${path}`,
        );
      }
    }
    for (const line of this.h.logs.take()) {
      const found = leaks(line, this.secrets);
      this.expect(found === undefined, () => `a log line holds ${found}: ${line.slice(0, 300)}`);
    }
  }
}
