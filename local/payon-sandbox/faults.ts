/**
 * Injected faults on /pg paths: latency, 5xx, timeout (no answer), reset (socket destroyed),
 * malformed (200 with a non-JSON body), 401-once, and `answer` (a scripted answer: any status with
 * a JSON or text body). With `applyFirst` the request takes effect in the ledger before the fault
 * is delivered: the money moved but the answer was lost (or was the scripted one). With `txId` a
 * fault only hits requests about that payment; other requests on the path pass through untouched.
 */

import { type Answer, text } from './http.ts';

export type FaultKind =
  | 'latency'
  | '5xx'
  | 'timeout'
  | 'reset'
  | 'malformed'
  | '401-once'
  | 'answer';
export const FAULT_KINDS: readonly FaultKind[] = [
  'latency',
  '5xx',
  'timeout',
  'reset',
  'malformed',
  '401-once',
  'answer',
];

/** The HTTP status of a `5xx` fault. */
export type FiveXxStatus = 500 | 502 | 503;

interface FaultCommon {
  id: number;
  path: string;
  /** latency: delay; timeout: how long the answer is withheld before the socket is closed. */
  ms: number;
  /** Requests still to be hit. */
  times: number;
  applyFirst: boolean;
  /** Only requests whose JSON body carries this `txId` are hit; `null` = every request. */
  txId: string | null;
}

/** A scripted answer's body: exactly one of a JSON value or a text. */
export type ScriptedBody = { json: unknown; text?: never } | { text: string; json?: never };

/** An armed fault, as the admin API lists it. */
export type Fault =
  | (FaultCommon & {
      kind: Exclude<FaultKind, 'answer'>;
      /** 5xx only (502 unless given): 500, 502 or 503. */
      status: FiveXxStatus;
    })
  | (FaultCommon & {
      kind: 'answer';
      /** Any HTTP status 100–599 (default 200). */
      status: number;
      /** Content type of the body; `null` = application/json for `json`, text/plain for `text`. */
      contentType: string | null;
    } & ScriptedBody);

interface FaultInputCommon {
  path: string;
  ms?: number;
  times?: number;
  applyFirst?: boolean;
  txId?: string;
}

/** What `Sandbox.addFault` and `POST /_sandbox/faults` take. */
export type FaultInput =
  | (FaultInputCommon & { kind: Exclude<FaultKind, 'answer'>; status?: FiveXxStatus })
  | (FaultInputCommon & {
      kind: 'answer';
      status?: number;
      contentType?: string;
    } & ScriptedBody);

const DEFAULT_MS: Record<FaultKind, number> = {
  latency: 1_000,
  '5xx': 0,
  timeout: 60_000,
  reset: 0,
  malformed: 0,
  '401-once': 0,
  answer: 0,
};

function isJsonValue(value: unknown): boolean {
  try {
    return typeof JSON.stringify(value) === 'string';
  } catch {
    return false;
  }
}

/** A fault from the admin API's JSON, or an error message naming the bad field. */
export function parseFault(input: unknown, id: number): Fault | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return 'a fault must be a JSON object';
  }
  const record = input as Record<string, unknown>;
  const { path, kind, ms, times, applyFirst, status, txId, json, text, contentType } = record;
  if (typeof path !== 'string' || !path.startsWith('/'))
    return 'path must be a path like /pg/refund';
  if (typeof kind !== 'string' || !FAULT_KINDS.includes(kind as FaultKind)) {
    return `kind must be one of ${FAULT_KINDS.join(', ')}`;
  }
  const faultKind = kind as FaultKind;
  if (ms !== undefined && (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0)) {
    return 'ms must be a whole number of milliseconds';
  }
  if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1)) {
    return 'times must be a whole number of at least 1';
  }
  if (applyFirst !== undefined && typeof applyFirst !== 'boolean') {
    return 'applyFirst must be true or false';
  }
  if (txId !== undefined && (typeof txId !== 'string' || txId === '')) {
    return 'txId must be a non-empty string';
  }
  const common: FaultCommon = {
    id,
    path,
    ms: typeof ms === 'number' ? ms : DEFAULT_MS[faultKind],
    times: typeof times === 'number' ? times : 1,
    applyFirst: applyFirst === true,
    txId: typeof txId === 'string' ? txId : null,
  };
  if (faultKind !== 'answer') {
    if (json !== undefined || text !== undefined || contentType !== undefined) {
      return 'json, text and contentType are only for kind answer';
    }
    if (status !== undefined && status !== 500 && status !== 502 && status !== 503) {
      return 'status must be 500, 502 or 503';
    }
    return {
      ...common,
      kind: faultKind,
      status: status === 500 || status === 503 ? status : 502,
    };
  }
  if (
    status !== undefined &&
    (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
  ) {
    return 'status of an answer must be an HTTP status from 100 to 599';
  }
  if ((json === undefined) === (text === undefined)) {
    return 'an answer needs exactly one of json (any JSON value) or text (a string)';
  }
  if (json !== undefined && !isJsonValue(json)) return 'json must be a JSON value';
  if (text !== undefined && typeof text !== 'string') return 'text must be a string';
  if (contentType !== undefined && (typeof contentType !== 'string' || contentType.trim() === '')) {
    return 'contentType must be a non-empty string';
  }
  const answer = {
    ...common,
    kind: 'answer' as const,
    status: typeof status === 'number' ? status : 200,
    contentType: typeof contentType === 'string' ? contentType : null,
  };
  return typeof text === 'string' ? { ...answer, text } : { ...answer, json };
}

/** The txIds a request body names: its own `txId`, or those of its items (reconciliation). */
export function bodyTxIds(body: unknown): string[] {
  const one = (value: unknown): string[] => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
    const txId = (value as Record<string, unknown>).txId;
    return typeof txId === 'string' || typeof txId === 'number' ? [String(txId)] : [];
  };
  return Array.isArray(body) ? body.flatMap(one) : one(body);
}

export class FaultTable {
  private faults: Fault[] = [];
  private nextId = 1;

  add(input: unknown): Fault | string {
    const fault = parseFault(input, this.nextId);
    if (typeof fault === 'string') return fault;
    this.nextId += 1;
    this.faults.push(fault);
    return { ...fault };
  }

  /**
   * The first fault armed for `path` that matches the request (its `txId` among `txIds`, or no
   * `txId` filter), with one of its `times` used up. Requests it does not match use up nothing.
   */
  take(path: string, txIds: readonly string[] = []): Fault | undefined {
    const fault = this.faults.find(
      (f) => f.path === path && f.times > 0 && (f.txId === null || txIds.includes(f.txId)),
    );
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times === 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  /** Copies of the armed faults (their `times` as they are now). */
  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }
}

/** The body of a 5xx fault: HTML, as a proxy in front of a gateway would send. */
export function fiveXxBody(status: number): string {
  const text =
    status === 500
      ? 'Internal Server Error'
      : status === 502
        ? 'Bad Gateway'
        : 'Service Unavailable';
  return `<html><head><title>${status} ${text}</title></head><body><center><h1>${status} ${text}</h1></center><hr><center>nginx</center></body></html>\n`;
}

/** What an `answer` fault sends: its status, its body, its content type. */
export function scriptedAnswer(fault: Extract<Fault, { kind: 'answer' }>): Answer {
  if (fault.text !== undefined) {
    return text(fault.status, fault.text, fault.contentType ?? 'text/plain; charset=utf-8');
  }
  return text(
    fault.status,
    JSON.stringify(fault.json),
    fault.contentType ?? 'application/json; charset=utf-8',
  );
}

/** A body that starts like PAYON's JSON and breaks off. */
export const MALFORMED_BODY = '{"resultCode":"0000","resultMsg":"Succ';
