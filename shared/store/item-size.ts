/**
 * An item's size as DynamoDB bills it: every attribute name's UTF-8 bytes plus its value's
 * (a string's UTF-8 bytes, a number's 1 byte per two significant digits plus 1, 1 byte for a
 * boolean or null, a list or map 3 bytes plus 1 per element plus its elements, names included).
 * A write is one unit per started kilobyte of this size (the larger of the item before and after).
 *
 * @example
 * ```ts
 * itemSize({ pk: 'PAY#1', n: 12 }); // 2 + 5 + 1 + 2 = 10
 * ```
 */
const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

function numberSize(n: number | bigint): number {
  const digits = String(n)
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum, v) => sum + 1 + valueSize(v), 0);
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return 3 + entries.reduce((sum, [k, v]) => sum + 1 + utf8(k) + valueSize(v), 0);
  }
  throw new TypeError(`no DynamoDB size for a ${typeof value}`);
}

/** Bytes of `item` by DynamoDB's item-size rules (top-level attributes: name + value). */
export function itemSize(item: Readonly<Record<string, unknown>>): number {
  return Object.entries(item)
    .filter(([, v]) => v !== undefined)
    .reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}
