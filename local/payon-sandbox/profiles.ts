/**
 * PAYON profiles (docs/sandbox.md#profiles): how far the sandbox strays from its default answers.
 * - `default`: the sandbox as it always was (no hook below changes anything, nothing is drawn).
 * - `literal`: every answer in the form of PAYON's documented examples, and the undocumented
 *   answers (registration, pre-auth completion) alternating flat and `resultData`-wrapped.
 * - `ambiguous`: what PAYON's documentation does not rule out, each knob with a rate.
 * - `hostile`: the push channel and the wire attacked, each knob with a rate.
 * Every random choice comes from the seeded PRNG (`./prng.ts`): per request from the profile's own
 * stream, per txId and per run from a stream keyed by the seed and the knob (so a txId always
 * reads the same way, and a seed replays a run).
 */
import type { Fault } from './faults.ts';
import type { Answer } from './http.ts';
import { mulberry32, type Prng } from './prng.ts';
import type { PushMessage, PushTampering, RawPush } from './push.ts';

export type ProfileName = 'default' | 'literal' | 'ambiguous' | 'hostile';
export const PROFILE_NAMES: readonly ProfileName[] = ['default', 'literal', 'ambiguous', 'hostile'];

/** `ambiguous`: each knob's probability (0..1), and two settings. */
export interface AmbiguitySettings {
  /** Per approved txId: a declined row is listed before the approved one. */
  declinedRowFirst: number;
  /** Per txId: completion, reversal and refund each get a row of their own (`ordersRowsPerMove`). */
  rowsPerMove: number;
  /** Per txId: its orders-list flags are `""`, absent, lowercase (`y`/`n`) or digits (`1`/`0`). */
  oddFlags: number;
  /** Per read (status, orders, binding list, reconciliation item): refused 0001/0002/3003/0006. */
  readRefusals: number;
  /** Per run: the orders list's page holds at most `ordersPageCap` rows, whatever `limit` says. */
  pageCap: number;
  /** Per run: the orders list reads `index` as the 1-based position of the first row. */
  indexAsOffset: number;
  /** Per refund, reversal or pre-auth completion: applied, then answered 401 `1`. */
  unauthorizedAfterMove: number;
  /** Per /pg request: applied, then answered more than `lateAnswerMs` later. */
  lateAnswers: number;
  /** The delay of a late answer is longer than this (ms); default 3000. */
  lateAnswerMs: number;
  /** Rows per page when `pageCap` is drawn; default 3. */
  ordersPageCap: number;
}

/** `hostile`: each knob's probability (0..1), and one setting. */
export interface HostilitySettings {
  /** Per declined push: sent as `0000`; per registration: a `0000` push for the unpaid txId. */
  forgedPushes: number;
  /** Per push: one extra copy. */
  duplicatePushes: number;
  /** Per push: held for a batch sent shuffled (PushChaos' reorder window). */
  reorderedPushes: number;
  /** Per push: sent `latePushMs` later. */
  latePushes: number;
  /** Per push: not sent. */
  droppedPushes: number;
  /** Per push: followed by a `0000` push for a txId this merchant never registered. */
  foreignPushes: number;
  /** Per push: followed by a garbage body (not JSON, wrong shape, huge, a card number). */
  garbagePushes: number;
  /** Per /pg request: the connection is reset, half of them after the request was applied. */
  connectionResets: number;
  /** How much later a late push is sent (ms); default 2000. */
  latePushMs: number;
}

const RATE = 0.2;
export const DEFAULT_AMBIGUITY: AmbiguitySettings = {
  declinedRowFirst: RATE,
  rowsPerMove: RATE,
  oddFlags: RATE,
  readRefusals: RATE,
  pageCap: RATE,
  indexAsOffset: RATE,
  unauthorizedAfterMove: RATE,
  lateAnswers: RATE,
  lateAnswerMs: 3_000,
  ordersPageCap: 3,
};
export const DEFAULT_HOSTILITY: HostilitySettings = {
  forgedPushes: RATE,
  duplicatePushes: RATE,
  reorderedPushes: RATE,
  latePushes: RATE,
  droppedPushes: RATE,
  foreignPushes: RATE,
  garbagePushes: RATE,
  connectionResets: RATE,
  latePushMs: 2_000,
};

const AMBIGUITY_SETTINGS = new Set<string>(['lateAnswerMs', 'ordersPageCap']);
const HOSTILITY_SETTINGS = new Set<string>(['latePushMs']);

/** `input`'s knobs merged over `base`, or an error message naming the bad field. */
function mergeKnobs<T extends object>(
  what: string,
  base: T,
  input: unknown,
  settings: ReadonlySet<string>,
): T | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return `${what} must be a JSON object`;
  }
  const out: Record<string, number> = { ...(base as Record<string, number>) };
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (!(name in out)) {
      return `unknown ${what} field ${name} (${Object.keys(out).join(', ')})`;
    }
    if (settings.has(name)) {
      const max = name === 'ordersPageCap' ? 1_000 : 600_000;
      const min = name === 'ordersPageCap' ? 1 : 0;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        return `${what}.${name} must be a whole number from ${min} to ${max}`;
      }
    } else if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      return `${what}.${name} must be a rate from 0 to 1`;
    }
    out[name] = value;
  }
  return out as T;
}

export const mergeAmbiguity = (base: AmbiguitySettings, input: unknown) =>
  mergeKnobs('ambiguity', base, input, AMBIGUITY_SETTINGS);
export const mergeHostility = (base: HostilitySettings, input: unknown) =>
  mergeKnobs('hostility', base, input, HOSTILITY_SETTINGS);

/** `value` as a profile name, or an error message naming `field` and the allowed values. */
export function parseProfileName(value: unknown, field = 'profile'): ProfileName | string {
  return PROFILE_NAMES.includes(value as ProfileName)
    ? (value as ProfileName)
    : `${field} must be one of ${PROFILE_NAMES.join(', ')}`;
}

/** A profile with its knobs: what the sandbox starts with, switches to and shows. */
export interface ProfileSettings {
  profile: ProfileName;
  ambiguity: AmbiguitySettings;
  hostility: HostilitySettings;
}

/** The profile fields of `input` (`profile`, `ambiguity`, `hostility`) over `base`, or an error. */
export function mergeProfile(base: ProfileSettings, input: unknown): ProfileSettings | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return 'body must be a JSON object';
  }
  const record = input as Record<string, unknown>;
  const unknown = Object.keys(record).find(
    (name) => name !== 'profile' && name !== 'ambiguity' && name !== 'hostility',
  );
  if (unknown) return `unknown field ${unknown} (profile, ambiguity, hostility)`;
  const out: ProfileSettings = { ...base };
  if (record.profile !== undefined) {
    const name = parseProfileName(record.profile);
    if (!PROFILE_NAMES.includes(name as ProfileName)) return name;
    out.profile = name as ProfileName;
  }
  if (record.ambiguity !== undefined) {
    const ambiguity = mergeAmbiguity(base.ambiguity, record.ambiguity);
    if (typeof ambiguity === 'string') return ambiguity;
    out.ambiguity = ambiguity;
  }
  if (record.hostility !== undefined) {
    const hostility = mergeHostility(base.hostility, record.hostility);
    if (typeof hostility === 'string') return hostility;
    out.hostility = hostility;
  }
  return out;
}

// ------------------------------------------------------------------------------------ pure parts

/** FNV-1a, 32 bits: turns a knob name and a txId into a PRNG seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A draw in [0, 1) fixed by the seed and the key: the same for every read of one txId or run. */
export function keyedDraw(seed: number, key: string): number {
  return mulberry32((seed ^ hash32(key)) >>> 0).next();
}

/** Rows `[start, end)` of the orders list for `index` and `limit` under a profile's reading. */
export function ordersWindow(
  index: number,
  limit: number,
  reading: { readonly pageCap: number | null; readonly indexAsOffset: boolean },
): { start: number; end: number } {
  const size = reading.pageCap === null ? limit : Math.min(limit, reading.pageCap);
  const start = reading.indexAsOffset ? index - 1 : (index - 1) * size;
  return { start, end: start + size };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An answer flat: the result fields beside the payload (`resultData` spread, or dropped if null). */
export function flatForm(body: Json): Json {
  if (!('resultData' in body)) return body;
  const { resultData, ...envelope } = body;
  return isObject(resultData) ? { ...envelope, ...resultData } : envelope;
}

/**
 * An answer wrapped: `{resultMsg, resultCode, resultData}` with the payload (the other fields) in
 * `resultData` on success, `null` on a refusal.
 */
export function wrappedForm(body: Json): Json {
  if ('resultData' in body) return body;
  const { resultCode, resultMsg, resultMessage, ...data } = body;
  return {
    resultMsg: resultMsg ?? resultMessage,
    resultCode,
    resultData: resultCode === '0000' ? data : null,
  };
}

/** The txId PAYON's refund and reversal examples answer, whatever txId was sent. */
export const EXAMPLE_MONEY_MOVE_TX_ID = '2435';

/** How one txId's orders-list flags read: PAYON's `Y`/`N`, or an odd reading. */
export type FlagStyle = 'yn' | 'blank' | 'omit' | 'lower' | 'digit';
const ODD_FLAGS: readonly FlagStyle[] = ['blank', 'omit', 'lower', 'digit'];

/** A flag's wire value in a style (`undefined` = left out). */
export function flagValue(style: FlagStyle, on: boolean): string | undefined {
  switch (style) {
    case 'yn':
      return on ? 'Y' : 'N';
    case 'blank':
      return '';
    case 'omit':
      return undefined;
    case 'lower':
      return on ? 'y' : 'n';
    case 'digit':
      return on ? '1' : '0';
  }
}

const READ_REFUSALS = [
  { code: '0001', message: 'Invalid Merchant ID' },
  { code: '0002', message: 'Invalid Term ID' },
  { code: '3003', message: 'Invalid Transaction' },
  { code: '0006', message: 'Invalid Customer ID' },
] as const;
export type ReadRefusal = (typeof READ_REFUSALS)[number];

const READ_PATHS = new Set([
  '/pg/transaction/status',
  '/pg/orders',
  '/pg/bindingList',
  '/pg/merchant/reconcilation',
]);
const MONEY_MOVE_PATHS = new Set(['/pg/refund', '/pg/reversal', '/pg/preAuthCompletion']);
/** Paths whose undocumented answer `literal` alternates flat / wrapped. */
const ALTERNATING_PATHS = new Set(['/pg/order/register', '/pg/preAuthCompletion']);

/** A profile's fault for one request: delivered as the fault table's (server.ts). */
export type ProfileFault = Fault & { readonly reason: string };

// ------------------------------------------------------------------------------------ the profile

export class Profiles {
  private readonly start: ProfileSettings;
  private settings: ProfileSettings;
  private readonly seed: number;
  private readonly rng: Prng;
  /** literal: answers given per alternating path since the profile was chosen. */
  private readonly answered = new Map<string, number>();

  constructor(seed: number, start: ProfileSettings) {
    this.seed = seed;
    this.start = start;
    this.settings = { ...start };
    this.rng = mulberry32((seed ^ 0x27d4eb2f) >>> 0);
  }

  get name(): ProfileName {
    return this.settings.profile;
  }

  view(): ProfileSettings {
    return {
      profile: this.settings.profile,
      ambiguity: { ...this.settings.ambiguity },
      hostility: { ...this.settings.hostility },
    };
  }

  /** Switches profile (and knobs); the literal alternation starts again. */
  set(settings: ProfileSettings): ProfileSettings {
    this.settings = settings;
    this.answered.clear();
    return this.view();
  }

  reset(): void {
    this.set({ ...this.start });
  }

  private is(name: ProfileName): boolean {
    return this.settings.profile === name;
  }

  private chance(rate: number): boolean {
    return rate > 0 && this.rng.next() < rate;
  }

  private keyed(rate: number, key: string): boolean {
    return rate > 0 && keyedDraw(this.seed, key) < rate;
  }

  // -------------------------------------------------------------------- answers (pg-api.ts)

  /** literal: an endpoint's answer in the form of PAYON's examples. */
  answer(path: string, answer: Answer): Answer {
    if (!this.is('literal') || !isObject(answer.json)) return answer;
    let body: Json = answer.json;
    if (path === '/pg/refund' || path === '/pg/reversal') {
      if ('txId' in body) body = { ...body, txId: EXAMPLE_MONEY_MOVE_TX_ID };
    } else if (path === '/pg/transaction/status' && isObject(body.resultData)) {
      // The example's txSeqNo has 8 digits (the date).
      const txSeqNo = body.resultData.txSeqNo;
      if (typeof txSeqNo === 'string') {
        body = { ...body, resultData: { ...body.resultData, txSeqNo: txSeqNo.slice(0, 8) } };
      }
    } else if (path === '/pg/bindingList' && Array.isArray(body.resultData)) {
      if (body.resultData.length === 0) body = { ...body, resultData: null };
    } else if (ALTERNATING_PATHS.has(path) && answer.status === 200) {
      const count = (this.answered.get(path) ?? 0) + 1;
      this.answered.set(path, count);
      body = count % 2 === 1 ? flatForm(body) : wrappedForm(body);
    }
    return body === answer.json ? answer : { ...answer, json: body };
  }

  /** ambiguous: a read refused with one of PAYON's documented codes, or nothing. */
  readRefusal(path: string): ReadRefusal | undefined {
    if (!this.is('ambiguous') || !READ_PATHS.has(path)) return undefined;
    if (!this.chance(this.settings.ambiguity.readRefusals)) return undefined;
    return READ_REFUSALS[this.rng.int(READ_REFUSALS.length)];
  }

  /** The orders list's reading of `index`/`limit` (ambiguous: drawn once per run from the seed). */
  ordersReading(): { pageCap: number | null; indexAsOffset: boolean } {
    if (!this.is('ambiguous')) return { pageCap: null, indexAsOffset: false };
    const a = this.settings.ambiguity;
    return {
      pageCap: this.keyed(a.pageCap, 'run:pageCap') ? a.ordersPageCap : null,
      indexAsOffset: this.keyed(a.indexAsOffset, 'run:indexAsOffset'),
    };
  }

  /** ambiguous: whether this txId's money moves get rows of their own. */
  rowsPerMove(txId: string): boolean {
    return this.is('ambiguous') && this.keyed(this.settings.ambiguity.rowsPerMove, `rows:${txId}`);
  }

  /** ambiguous: whether a declined row is listed before this txId's approved row. */
  declinedRowFirst(txId: string): boolean {
    return (
      this.is('ambiguous') && this.keyed(this.settings.ambiguity.declinedRowFirst, `decl:${txId}`)
    );
  }

  /** ambiguous: an odd reading of this txId's flags, or `undefined` for the behaviour's. */
  flagStyle(txId: string): FlagStyle | undefined {
    if (!this.is('ambiguous') || !this.keyed(this.settings.ambiguity.oddFlags, `flags:${txId}`)) {
      return undefined;
    }
    const pick = Math.floor(keyedDraw(this.seed, `flagStyle:${txId}`) * ODD_FLAGS.length);
    return ODD_FLAGS[pick];
  }

  // -------------------------------------------------------------------- requests (server.ts)

  /** A fault the profile delivers for this /pg request instead of the plain answer, or nothing. */
  requestFault(path: string): ProfileFault | undefined {
    const common = { id: 0, path, times: 1, txId: null, status: 502 as const };
    if (this.is('ambiguous')) {
      const a = this.settings.ambiguity;
      if (MONEY_MOVE_PATHS.has(path) && this.chance(a.unauthorizedAfterMove)) {
        return {
          ...common,
          kind: '401-once',
          ms: 0,
          applyFirst: true,
          reason: 'ambiguous 401 after the move',
        };
      }
      if (this.chance(a.lateAnswers)) {
        return {
          ...common,
          kind: 'latency',
          ms: a.lateAnswerMs + 20 + this.rng.int(200),
          applyFirst: true,
          reason: 'ambiguous late answer',
        };
      }
    }
    if (this.is('hostile') && this.chance(this.settings.hostility.connectionResets)) {
      const applyFirst = this.rng.next() < 0.5;
      return { ...common, kind: 'reset', ms: 0, applyFirst, reason: 'hostile reset' };
    }
    return undefined;
  }

  // -------------------------------------------------------------------- pushes (push.ts)

  /** hostile: what happens to one push (forged, copied, held, late, dropped, followed by extras). */
  tamperPush(
    message: PushMessage,
    approved: boolean,
    isRegistered: (txId: string) => boolean,
  ): PushTampering | undefined {
    if (!this.is('hostile')) return undefined;
    const h = this.settings.hostility;
    const body: PushMessage =
      !approved && this.chance(h.forgedPushes)
        ? { txId: message.txId, resultCode: '0000', resultMsg: 'Success' }
        : message;
    const extras: RawPush[] = [];
    if (this.chance(h.foreignPushes)) extras.push(this.foreignPush(isRegistered));
    if (this.chance(h.garbagePushes)) extras.push(this.garbagePush(message.txId));
    return {
      body,
      copies: this.chance(h.duplicatePushes) ? 1 : 0,
      hold: this.chance(h.reorderedPushes),
      delayMs: this.chance(h.latePushes) ? h.latePushMs : 0,
      drop: this.chance(h.droppedPushes),
      extras,
    };
  }

  /** hostile: a `0000` push for a txId just registered and not paid, or nothing. */
  forgedPushForUnpaid(txId: string): PushMessage | undefined {
    if (!this.is('hostile') || !this.chance(this.settings.hostility.forgedPushes)) return undefined;
    return { txId, resultCode: '0000', resultMsg: 'Success' };
  }

  private foreignPush(isRegistered: (txId: string) => boolean): RawPush {
    let txId = '';
    do {
      txId = `9${String(this.rng.int(1e8)).padStart(8, '0')}${String(this.rng.int(1e7)).padStart(7, '0')}`;
    } while (isRegistered(txId));
    const body = { txId, resultCode: '0000', resultMsg: 'Success' };
    return { kind: 'foreign', text: JSON.stringify(body), journalBody: body };
  }

  private garbagePush(txId: string): RawPush {
    switch (this.rng.int(4)) {
      case 0:
        return {
          kind: 'not-json',
          text: `txId=${txId}&resultCode=0000`,
          journalBody: `txId=${txId}&resultCode=0000`,
        };
      case 1: {
        const body = { txId: Number(txId) || txId, resultCode: 0, result: { ok: true } };
        return { kind: 'wrong-shape', text: JSON.stringify(body), journalBody: body };
      }
      case 2: {
        const padding = 'A'.repeat(900_000);
        const text = JSON.stringify({ txId, resultCode: '0000', resultMsg: 'Success', padding });
        return {
          kind: 'huge',
          text,
          journalBody: `[huge JSON body, ${Buffer.byteLength(text)} bytes]`,
        };
      }
      default: {
        // A test card number: what a leaking or forged push might carry. Journaled masked.
        const body = {
          txId,
          resultCode: '0000',
          resultMsg: 'Success',
          cardNumber: '4111111111111111',
        };
        return {
          kind: 'card-number',
          text: JSON.stringify(body),
          journalBody: { ...body, cardNumber: '411111**1111' },
        };
      }
    }
  }
}
