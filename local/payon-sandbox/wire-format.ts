/**
 * PAYON's wire formats for the sandbox: Cambodia-time dates (UTC+7) in the shapes PAYON's examples
 * use, and exact amount parsing (integer cents, never floats).
 */

const ICT_OFFSET_MS = 7 * 60 * 60 * 1000;

interface IctParts {
  year: string;
  month: string;
  day: string;
  hour: number;
  minute: string;
  second: string;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

function ictParts(epochMs: number): IctParts {
  const shifted = new Date(epochMs + ICT_OFFSET_MS);
  return {
    year: pad(shifted.getUTCFullYear(), 4),
    month: pad(shifted.getUTCMonth() + 1),
    day: pad(shifted.getUTCDate()),
    hour: shifted.getUTCHours(),
    minute: pad(shifted.getUTCMinutes()),
    second: pad(shifted.getUTCSeconds()),
  };
}

/** `yyyyMMdd` in Cambodia time (`txDt`). */
export function formatDate8(epochMs: number): string {
  const p = ictParts(epochMs);
  return `${p.year}${p.month}${p.day}`;
}

/** `yyyyMMddHHmmss` in Cambodia time (status `apprDttm`, registration `expiresAt`). */
export function formatCompact(epochMs: number): string {
  const p = ictParts(epochMs);
  return `${p.year}${p.month}${p.day}${pad(p.hour)}${p.minute}${p.second}`;
}

/** `ddMMyyyyHHmmss` in Cambodia time (refund/reversal `approvalDate`). */
export function formatApprovalDate(epochMs: number): string {
  const p = ictParts(epochMs);
  return `${p.day}${p.month}${p.year}${pad(p.hour)}${p.minute}${p.second}`;
}

/**
 * `dd/MM/yyyy hh:mm:ss` in Cambodia time on a 12-hour clock WITHOUT an AM/PM marker, exactly as
 * the orders list shows it (13:30:21 is written `01:30:21`, midnight and noon are `12`).
 */
export function formatOrdersDateTime(epochMs: number): string {
  const p = ictParts(epochMs);
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return `${p.day}/${p.month}/${p.year} ${pad(hour12)}:${p.minute}:${p.second}`;
}

/** `ddMMyyyy` (orders `fromDate`/`toDate`) to `yyyyMMdd`, or `undefined` when it is not a date. */
export function parseDdMMyyyy(text: string): string | undefined {
  const match = /^(\d{2})(\d{2})(\d{4})$/.exec(text);
  if (!match) return undefined;
  const [, dd, mm, yyyy] = match;
  if (dd === undefined || mm === undefined || yyyy === undefined) return undefined;
  const date = new Date(Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd)));
  if (
    date.getUTCFullYear() !== Number(yyyy) ||
    date.getUTCMonth() + 1 !== Number(mm) ||
    date.getUTCDate() !== Number(dd)
  ) {
    return undefined;
  }
  return `${yyyy}${mm}${dd}`;
}

/** `yyyyMM` of the Cambodia-time month of `epochMs` (to check card expiry). */
export function formatYearMonth(epochMs: number): string {
  const p = ictParts(epochMs);
  return `${p.year}${p.month}`;
}

const AMOUNT_PATTERN = /^(\d{1,10})(?:\.(\d{1,2}))?$/;

/**
 * An amount as it may arrive (`"1"`, `"1.00"`, `"2.3"`, `2.3`, `1`) in integer cents, or
 * `undefined` when it is not a non-negative amount with at most two decimals.
 */
export function parseAmountCents(value: unknown): number | undefined {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return undefined;
  const match = AMOUNT_PATTERN.exec(text);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = (match[2] ?? '').padEnd(2, '0');
  return whole * 100 + Number(fraction);
}

/** Cents as PAYON answers amounts: a JSON number in major units (`100` → `1`, `230` → `2.3`). */
export function centsToWireNumber(cents: number): number {
  return Number((cents / 100).toFixed(2));
}

/** Cents as a two-decimal string (`230` → `"2.30"`), for pages and KHQR. */
export function centsToText(cents: number): string {
  return (cents / 100).toFixed(2);
}
