/**
 * Everything the sandbox received (requests to /pg and /checkout) and sent (pushes), for tests to
 * assert on. Card numbers are masked and CVVs, PINs, passcodes and OTPs replaced before anything is
 * recorded; the auth header's value is masked.
 */
import { maskShort } from './cards.ts';

export interface RequestEntry {
  kind: 'request';
  seq: number;
  /** Wall-clock time the request arrived (ISO) and as epoch ms. */
  at: string;
  atMs: number;
  /** The sandbox clock at arrival (ISO). */
  sandboxTime: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  /** HTTP status answered; 0 when the socket was reset or the answer withheld. */
  status: number;
  durationMs: number;
  fault?: string;
}

export type PushOutcome = 'delivered' | 'failed' | 'dropped' | 'cancelled';

export interface PushEntry {
  kind: 'push';
  seq: number;
  at: string;
  atMs: number;
  /** When the payment's outcome was decided and the push queued (epoch ms). */
  queuedAtMs: number;
  url: string;
  body: unknown;
  /** 0 for the original push, 1.. for chaos duplicates. */
  copy: number;
  outcome: PushOutcome;
  httpStatus?: number;
  error?: string;
}

export type JournalEntry = RequestEntry | PushEntry;

const SECRET_FIELDS = new Set(['wdlCvv', 'cvv', 'pin', 'payonPin', 'passcode', 'otp']);
const PAN_FIELDS = new Set(['wdlAcNo', 'cardNumber', 'card']);
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'authentication']);

/** The body with card numbers masked (6+`**`+4) and CVV/PIN/OTP fields replaced, at any depth. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (SECRET_FIELDS.has(name) && field !== null && field !== undefined && field !== '') {
      out[name] = '[redacted]';
    } else if (PAN_FIELDS.has(name) && typeof field === 'string') {
      out[name] = maskShort(field.replace(/[\s-]/g, ''));
    } else {
      out[name] = redact(field);
    }
  }
  return out;
}

export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
  authHeader: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = SECRET_HEADERS.has(name) || name === authHeader ? mask(text) : text;
  }
  return out;
}

function mask(text: string): string {
  return text.length > 4 ? `****${text.slice(-2)}` : '****';
}

export class Journal {
  private entries: JournalEntry[] = [];
  private seq = 0;

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  add(entry: JournalEntry): void {
    this.entries.push(entry);
  }

  clear(): void {
    this.entries = [];
  }

  all(): readonly JournalEntry[] {
    return this.entries;
  }

  requests(path?: string): RequestEntry[] {
    return this.entries.filter(
      (e): e is RequestEntry => e.kind === 'request' && (path === undefined || e.path === path),
    );
  }

  pushes(txId?: string): PushEntry[] {
    return this.entries.filter(
      (e): e is PushEntry =>
        e.kind === 'push' &&
        (txId === undefined ||
          (typeof e.body === 'object' &&
            e.body !== null &&
            (e.body as { txId?: unknown }).txId === txId)),
    );
  }

  /** Requests per path, and pushes per outcome. */
  counts(): { requests: Record<string, number>; pushes: Record<string, number> } {
    const requests: Record<string, number> = {};
    const pushes: Record<string, number> = {};
    for (const entry of this.entries) {
      if (entry.kind === 'request') requests[entry.path] = (requests[entry.path] ?? 0) + 1;
      else pushes[entry.outcome] = (pushes[entry.outcome] ?? 0) + 1;
    }
    return { requests, pushes };
  }
}
