/**
 * The sandbox's own KHQR (EMVCo merchant-presented mode as Cambodia's KHQR specifies it), built for
 * a dynamic QR: every field tag + 2-digit length + value, ending with a CRC-16/CCITT-FALSE.
 */

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no xor-out), 4 uppercase hex. */
export function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** One EMV data object: tag, two-digit length, value. */
export function tlv(tag: string, value: string): string {
  if (value.length > 99) throw new Error(`KHQR field ${tag} is longer than 99 characters`);
  return `${tag}${String(value.length).padStart(2, '0')}${value}`;
}

export interface KhqrInput {
  /** Bakong account id `name@bank` (at most 32 characters). */
  bakongAccountId: string;
  merchantId: string;
  acquiringBank: string;
  merchantName: string;
  merchantCity: string;
  /** Two-decimal amount text, e.g. `"10.50"`. */
  amountText: string;
  billNumber: string;
  terminalLabel: string;
  createdAtMs: number;
  expiresAtMs: number;
  /** Merchant category code, 4 digits. */
  mcc?: string;
}

const clip = (text: string, max: number): string => text.slice(0, max);

/**
 * A dynamic KHQR for a merchant account (tag 30: 00 Bakong account, 01 merchant id, 02 acquiring
 * bank), USD (840), with the bill number and terminal label in tag 62 and the creation/expiry
 * timestamps (epoch ms) in tag 99, as KHQR requires for dynamic QRs.
 */
export function buildKhqr(input: KhqrInput): string {
  const account =
    tlv('00', clip(input.bakongAccountId, 32)) +
    tlv('01', clip(input.merchantId, 32)) +
    tlv('02', clip(input.acquiringBank, 32));
  const additional =
    tlv('01', clip(input.billNumber, 25)) + tlv('07', clip(input.terminalLabel, 25));
  const timestamps = tlv('00', String(input.createdAtMs)) + tlv('01', String(input.expiresAtMs));
  const body =
    tlv('00', '01') +
    tlv('01', '12') +
    tlv('30', account) +
    tlv('52', input.mcc ?? '5999') +
    tlv('53', '840') +
    tlv('54', input.amountText) +
    tlv('58', 'KH') +
    tlv('59', clip(input.merchantName, 25)) +
    tlv('60', clip(input.merchantCity, 15)) +
    tlv('62', additional) +
    tlv('99', timestamps) +
    '6304';
  return body + crc16(body);
}

/** Splits a payload into its top-level `{tag, value}` objects (for the checkout page). */
export function parseTlv(payload: string): Array<{ tag: string; value: string }> {
  const out: Array<{ tag: string; value: string }> = [];
  let rest = payload;
  while (rest.length >= 4) {
    const tag = rest.slice(0, 2);
    const length = Number(rest.slice(2, 4));
    if (!Number.isInteger(length)) break;
    out.push({ tag, value: rest.slice(4, 4 + length) });
    rest = rest.slice(4 + length);
  }
  return out;
}
