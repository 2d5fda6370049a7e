/**
 * Injected faults on /pg paths: latency, 5xx, timeout (no answer), reset (socket destroyed),
 * malformed (200 with a non-JSON body), 401-once. With `applyFirst` the request takes effect in the
 * ledger before the fault is delivered: the money moved but the answer was lost.
 */

export type FaultKind = 'latency' | '5xx' | 'timeout' | 'reset' | 'malformed' | '401-once';
export const FAULT_KINDS: readonly FaultKind[] = [
  'latency',
  '5xx',
  'timeout',
  'reset',
  'malformed',
  '401-once',
];

export interface Fault {
  id: number;
  path: string;
  kind: FaultKind;
  /** latency: delay; timeout: how long the answer is withheld before the socket is closed. */
  ms: number;
  /** Requests still to be hit. */
  times: number;
  applyFirst: boolean;
  /** 5xx only: 500, 502 or 503. */
  status: 500 | 502 | 503;
}

const DEFAULT_MS: Record<FaultKind, number> = {
  latency: 1_000,
  '5xx': 0,
  timeout: 60_000,
  reset: 0,
  malformed: 0,
  '401-once': 0,
};

/** A fault from the admin API's JSON, or an error message naming the bad field. */
export function parseFault(input: unknown, id: number): Fault | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return 'a fault must be a JSON object';
  }
  const record = input as Record<string, unknown>;
  const { path, kind, ms, times, applyFirst, status } = record;
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
  if (status !== undefined && status !== 500 && status !== 502 && status !== 503) {
    return 'status must be 500, 502 or 503';
  }
  return {
    id,
    path,
    kind: faultKind,
    ms: typeof ms === 'number' ? ms : DEFAULT_MS[faultKind],
    times: typeof times === 'number' ? times : 1,
    applyFirst: applyFirst === true,
    status: status === 500 || status === 503 ? status : 502,
  };
}

export class FaultTable {
  private faults: Fault[] = [];
  private nextId = 1;

  add(input: unknown): Fault | string {
    const fault = parseFault(input, this.nextId);
    if (typeof fault === 'string') return fault;
    this.nextId += 1;
    this.faults.push(fault);
    return fault;
  }

  /** The first fault armed for `path`, with one of its `times` used up. */
  take(path: string): Fault | undefined {
    const fault = this.faults.find((f) => f.path === path && f.times > 0);
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times === 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  list(): readonly Fault[] {
    return this.faults;
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

/** A body that starts like PAYON's JSON and breaks off. */
export const MALFORMED_BODY = '{"resultCode":"0000","resultMsg":"Succ';
