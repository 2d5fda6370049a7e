/**
 * Push Back Notification (docs/payon-api.md#push-notification): after a checkout completes, POST
 * {txId, resultCode, resultMsg} to the merchant's notifyUrl. Chaos knobs (duplicates, delay,
 * reorder, drop, forged success) make the merchant's webhook handling testable; every random choice
 * comes from the seeded PRNG. A push is tried once (PAYON documents no retries); a merchant that is
 * down never hurts the sandbox.
 */
import type { Journal, PushOutcome } from './journal.ts';
import { type Prng, shuffle } from './prng.ts';

export interface PushChaos {
  /** Extra copies of every push (0 = none). */
  duplicates: number;
  /** Wait before sending. */
  delayMs: number;
  /** Hold pushes and send each held batch in a shuffled order. */
  reorder: boolean;
  /** A held batch is sent when it has this many pushes... */
  reorderWindowSize: number;
  /** ...or when the first push of the batch has waited this long. */
  reorderWindowMs: number;
  /** Probability (0..1) that one push (or copy) is not sent at all. */
  dropRate: number;
  /** Send resultCode 0000 for a declined payment. */
  forgeSuccessForDeclined: boolean;
}

export const DEFAULT_CHAOS: PushChaos = {
  duplicates: 0,
  delayMs: 0,
  reorder: false,
  reorderWindowSize: 3,
  reorderWindowMs: 1_000,
  dropRate: 0,
  forgeSuccessForDeclined: false,
};

/** The chaos settings in `input` merged over `base`, or an error message naming the bad field. */
export function mergeChaos(base: PushChaos, input: unknown): PushChaos | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return 'push chaos must be a JSON object';
  }
  const record = input as Record<string, unknown>;
  const out: PushChaos = { ...base };
  const int = (name: 'duplicates' | 'delayMs' | 'reorderWindowSize' | 'reorderWindowMs') => {
    const value = record[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 600_000) {
      return `${name} must be a whole number from 0 to 600000`;
    }
    out[name] = value;
    return undefined;
  };
  for (const name of ['duplicates', 'delayMs', 'reorderWindowSize', 'reorderWindowMs'] as const) {
    const error = int(name);
    if (error) return error;
  }
  if (out.duplicates > 20) return 'duplicates must be at most 20';
  for (const name of ['reorder', 'forgeSuccessForDeclined'] as const) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') return `${name} must be true or false`;
    out[name] = value;
  }
  if (record.dropRate !== undefined) {
    const value = record.dropRate;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      return 'dropRate must be a number from 0 to 1';
    }
    out.dropRate = value;
  }
  const known = new Set(Object.keys(DEFAULT_CHAOS));
  const unknown = Object.keys(record).find((name) => !known.has(name));
  if (unknown) return `unknown push chaos field ${unknown}`;
  return out;
}

export interface PushMessage {
  txId: string;
  resultCode: '0000' | '9999';
  resultMsg: 'Success' | 'Error';
}

/** A push body sent as it is (a profile's forged or garbage push): its text and how it is journaled. */
export interface RawPush {
  readonly kind: string;
  readonly text: string;
  /** What the journal records (card numbers masked, a huge body summarised). */
  readonly journalBody: unknown;
}

/** What a profile (profiles.ts) does to one push; the chaos knobs still apply on top. */
export interface PushTampering {
  readonly body: PushMessage;
  /** Extra copies, sent right after it. */
  readonly copies: number;
  /** Held for a batch sent shuffled (the reorder window), even with `reorder` off. */
  readonly hold: boolean;
  /** Extra wait before it is sent. */
  readonly delayMs: number;
  /** Not sent (every copy recorded as dropped). */
  readonly drop: boolean;
  /** Pushes queued right after it. */
  readonly extras: readonly RawPush[];
}

interface QueuedPush {
  url: string;
  body: PushMessage | RawPush;
  queuedAtMs: number;
  copies?: number;
  hold?: boolean;
  drop?: boolean;
}

const isRaw = (body: PushMessage | RawPush): body is RawPush => 'text' in body;

export class PushDispatcher {
  chaos: PushChaos;
  /** The profile's hook (hostile pushes); `undefined` leaves every push as it is. */
  tamper: ((message: PushMessage, approved: boolean) => PushTampering | undefined) | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private held: QueuedPush[] = [];
  private heldTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Sends run one after another, so the journal order is the order the merchant saw. */
  private chain: Promise<void> = Promise.resolve();

  private readonly journal: Journal;
  private readonly rng: Prng;
  private readonly timeoutMs: number;

  constructor({
    journal,
    rng,
    timeoutMs,
    chaos,
  }: {
    readonly journal: Journal;
    /** Decides the chaos (drops, duplicates, reordering). */
    readonly rng: Prng;
    /** How long one send waits for the merchant's answer. */
    readonly timeoutMs: number;
    readonly chaos: PushChaos;
  }) {
    this.journal = journal;
    this.rng = rng;
    this.timeoutMs = timeoutMs;
    this.chaos = chaos;
  }

  /** Queues the push for a decided payment (no push when the merchant has no notifyUrl). */
  notify(url: string | undefined, txId: string, approved: boolean): void {
    if (!url || this.stopped) return;
    const success = approved || this.chaos.forgeSuccessForDeclined;
    const body: PushMessage = success
      ? { txId, resultCode: '0000', resultMsg: 'Success' }
      : { txId, resultCode: '9999', resultMsg: 'Error' };
    const tampering = this.tamper?.(body, approved);
    if (!tampering) {
      const push: QueuedPush = { url, body, queuedAtMs: Date.now() };
      this.later(this.chaos.delayMs, () => this.route(push));
      return;
    }
    const push: QueuedPush = {
      url,
      body: tampering.body,
      queuedAtMs: Date.now(),
      copies: tampering.copies,
      hold: tampering.hold,
      drop: tampering.drop,
    };
    this.later(this.chaos.delayMs + tampering.delayMs, () => this.route(push));
    for (const extra of tampering.extras) this.send(url, extra);
  }

  /** Queues one push as it is (a profile's own push), subject to the chaos knobs. */
  send(url: string | undefined, body: PushMessage | RawPush): void {
    if (!url || this.stopped) return;
    const push: QueuedPush = { url, body, queuedAtMs: Date.now() };
    this.later(this.chaos.delayMs, () => this.route(push));
  }

  private later(ms: number, run: () => void): void {
    if (ms <= 0) {
      run();
      return;
    }
    // Timers may fire a millisecond early by Date.now(); wait out the rest so the delay holds.
    const due = Date.now() + ms;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.later(due - Date.now(), run);
    }, ms);
    this.timers.add(timer);
  }

  private route(push: QueuedPush): void {
    if (!this.chaos.reorder && !push.hold) {
      this.enqueueSend([push]);
      return;
    }
    this.held.push(push);
    if (this.held.length >= Math.max(1, this.chaos.reorderWindowSize)) {
      this.flushHeld();
    } else if (!this.heldTimer) {
      this.heldTimer = setTimeout(() => this.flushHeld(), this.chaos.reorderWindowMs);
    }
  }

  private flushHeld(): void {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    const batch = this.held;
    this.held = [];
    if (batch.length > 0) this.enqueueSend(shuffle(batch, this.rng));
  }

  private enqueueSend(pushes: QueuedPush[]): void {
    this.chain = this.chain.then(async () => {
      for (const push of pushes) {
        for (let copy = 0; copy <= this.chaos.duplicates + (push.copies ?? 0); copy++) {
          await this.sendOne(push, copy);
        }
      }
    });
  }

  private async sendOne(push: QueuedPush, copy: number): Promise<void> {
    if (this.stopped) {
      this.record(push, { copy, outcome: 'cancelled' });
      return;
    }
    if (push.drop || (this.chaos.dropRate > 0 && this.rng.next() < this.chaos.dropRate)) {
      this.record(push, { copy, outcome: 'dropped' });
      return;
    }
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await fetch(push.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: isRaw(push.body) ? push.body.text : JSON.stringify(push.body),
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      this.record(push, {
        copy,
        outcome: response.ok ? 'delivered' : 'failed',
        httpStatus: response.status,
      });
    } catch (error) {
      const message = controller.signal.aborted
        ? this.stopped
          ? 'sandbox stopped'
          : `no answer within ${this.timeoutMs} ms`
        : error instanceof Error
          ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
          : String(error);
      this.record(push, { copy, outcome: 'failed', error: message });
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private record(
    push: QueuedPush,
    {
      copy,
      outcome,
      ...extra
    }: {
      readonly copy: number;
      readonly outcome: PushOutcome;
      readonly httpStatus?: number;
      readonly error?: string;
    },
  ): void {
    const now = Date.now();
    this.journal.add({
      kind: 'push',
      seq: this.journal.nextSeq(),
      at: new Date(now).toISOString(),
      atMs: now,
      queuedAtMs: push.queuedAtMs,
      url: push.url,
      body: isRaw(push.body) ? push.body.journalBody : push.body,
      copy,
      outcome,
      ...extra,
    });
  }

  /** Resolves when every push queued so far has been sent (or dropped). */
  async settled(): Promise<void> {
    await this.chain;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    for (const push of this.held) this.record(push, { copy: 0, outcome: 'cancelled' });
    this.held = [];
    for (const controller of this.inFlight) controller.abort();
    await this.chain.catch(() => undefined);
  }
}
