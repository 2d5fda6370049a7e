/**
 * PAYON's answers read into domain values (wire → domain): the envelope checked (`0000` or a
 * refusal), the payload parsed with the schemas of `./wire.ts`, amounts in minor units,
 * times as instants, PAYON's codes turned into signals by `./status.ts`, card numbers masked.
 * Anything unreadable is a {@link PayonUnavailableError} (PAYON may have acted: never "no").
 *
 * Tolerated quirks (docs/payon-api.md#contradictions): `resultMsg` / `resultMessage` / `resultCd`,
 * amounts as numbers or strings, bare arrays or arrays wrapped in `resultData`, wrapped or flat
 * objects, namespaced `clientId`, the three date formats (docs/payon-api.md#conventions) and the
 * 12-hour clock without AM/PM.
 */
import type * as z from 'zod';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { maskCardNumbers, maskPan } from '#shared/domain/card.ts';
import { type Currency, isCurrency, type Money, parsePayonAmount } from '#shared/domain/money.ts';
import { PayonRejectedError, PayonUnavailableError } from '#shared/errors.ts';
import {
  parsePayonDate,
  parsePayonDateTime,
  parseTwelveHourDateTime,
} from '#shared/payon/dates.ts';
import {
  type Log,
  NOT_SUCCESSFUL_CODE,
  orderResultSignal,
  SUCCESS_CODE,
  statusPullSignal,
  transactionKind,
} from '#shared/payon/status.ts';
import type {
  BindingRecord,
  CreatedBinding,
  ListOrdersInput,
  MoneyMoveResult,
  OrderRecord,
  ReconciliationItemInput,
  ReconciliationResult,
  RegisteredOrder,
  TransactionStatus,
} from '#shared/payon/types.ts';
import type { MerchantTerminal, PayonRead, ReadAnswer } from '#shared/payon/wire.ts';
import {
  type BindingAnswer,
  bindingSchema,
  type CreatedBindingAnswer,
  createdBindingSchema,
  envelopeSchema,
  type MoneyMoveAnswer,
  moneyMoveSchema,
  type OrderRowAnswer,
  orderRowSchema,
  type ReconciliationItemAnswer,
  type RegistrationAnswer,
  reconciliationItemSchema,
  registrationSchema,
  type StatusAnswer,
  statusSchema,
} from '#shared/payon/wire.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function garbage(path: string, why: string): PayonUnavailableError {
  return new PayonUnavailableError(
    `PAYON answered ${path} with a body this client cannot read: ${why}`,
    { path, mayHaveMovedMoney: true },
  );
}

/**
 * Text PAYON sends that we keep or show (result codes and messages): every card number the
 * detector sees (grouped, full-width, …) masked, and any other run of 13 to 19 digits too.
 */
function scrub(text: string): string {
  return maskCardNumbers(text).replace(/\d{13,19}/g, maskPan);
}

// docs/payon-assumptions.md A25.
/**
 * A card number PAYON returns is kept masked (first 6 / last 4), even if PAYON sent it whole; in
 * any other form (grouped, or masked already) it is scrubbed like a message.
 */
function maskedPan(pan: string | undefined): string | undefined {
  if (pan === undefined) return undefined;
  return /^\d{12,19}$/.test(pan) ? maskPan(pan) : scrub(pan);
}

/** `resultCode` / `resultCd` and `resultMsg` / `resultMessage`, whichever PAYON used. */
export function readEnvelope(json: Json): {
  code: string | undefined;
  message: string | undefined;
} {
  const envelope = envelopeSchema.parse(json);
  const code = envelope.resultCode ?? envelope.resultCd;
  const message = envelope.resultMsg ?? envelope.resultMessage;
  return {
    code: code === undefined ? undefined : scrub(code),
    message: message === undefined ? undefined : scrub(message),
  };
}

/** Checks the envelope of an object answer and returns it; a non-`0000` code is a refusal. */
function successObject(json: unknown, path: string): Json {
  if (!isObject(json)) throw garbage(path, 'the body is not a JSON object');
  const { code, message } = readEnvelope(json);
  if (code === undefined) throw garbage(path, 'the body has no resultCode');
  if (code !== SUCCESS_CODE) throw new PayonRejectedError(code, message ?? '', path);
  return json;
}

/** The payload of an object answer: `resultData` when PAYON wrapped it, else the body itself. */
function payload(json: Json): Json {
  return isObject(json.resultData) ? json.resultData : json;
}

/** A list answer: a bare array, or an array in `resultData` behind a success envelope. */
function successArray(json: unknown, path: string): unknown[] {
  if (Array.isArray(json)) return json;
  const body = successObject(json, path);
  if (Array.isArray(body.resultData)) return body.resultData;
  if (body.resultData === null || body.resultData === undefined) return [];
  throw garbage(path, 'resultData is not a list');
}

/**
 * Every card number the detector sees in an answer's text, masked, at any depth: what a described
 * read returns never carries one, whatever field PAYON put it in (docs/payon-assumptions.md A25).
 */
function maskedDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskCardNumbers(value);
  if (Array.isArray(value)) return value.map(maskedDeep);
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskedDeep(v)]));
  }
  return value;
}

/**
 * The answer of a described read (`defineRead` in `./wire.ts`): its envelope checked (a code but
 * `0000` is a refusal), card numbers masked, then parsed with its schema; a body that does not
 * parse is "PAYON unavailable", never an empty answer.
 */
export function readDescribed<Answer extends z.ZodType, Shape extends 'object' | 'list'>(
  json: unknown,
  read: Pick<PayonRead<never, Answer, Shape>, 'path' | 'shape' | 'answer'>,
): ReadAnswer<Answer, Shape> {
  const { path, answer } = read;
  if (read.shape === 'list') {
    const items = successArray(json, path).map((item) => parseWith(answer, maskedDeep(item), path));
    return items as ReadAnswer<Answer, Shape>;
  }
  return parseWith(answer, maskedDeep(payload(successObject(json, path))), path) as ReadAnswer<
    Answer,
    Shape
  >;
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, path: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'} ${i.code}`)
    .join(', ');
  throw garbage(path, where);
}

function currencyOf(value: string | undefined, path: string): Currency {
  const upper = value?.toUpperCase();
  if (isCurrency(upper)) return upper;
  throw garbage(path, `currency ${JSON.stringify(value)} is not one this product handles`);
}

function amountOf(value: unknown, currency: Currency, path: string): Money {
  try {
    return parsePayonAmount(value, currency);
  } catch (error) {
    throw garbage(path, `amount: ${(error as Error).message}`);
  }
}

function dateOr<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw garbage(path, (error as Error).message);
  }
}

// Assumed (docs/payon-assumptions.md A17).
/**
 * PAYON returns `clientId` as merchantId + termId + the clientId sent
 * (docs/payon-api.md#conventions); both forms are the same customer. Returns the short form.
 */
export function shortClientId(clientId: string, ids: MerchantTerminal): string {
  const prefix = `${ids.merchantId}${ids.termId}`;
  return clientId.startsWith(prefix) && clientId.length > prefix.length
    ? clientId.slice(prefix.length)
    : clientId;
}

// Assumed (docs/payon-assumptions.md A12).
export function readRegisteredOrder(json: unknown, path: string, txId: string): RegisteredOrder {
  // Assumed shape (docs/payon-assumptions.md A12): PAYON documents no response.
  const data: RegistrationAnswer = parseWith(
    registrationSchema,
    payload(successObject(json, path)),
    path,
  );
  if (data.txId !== undefined && data.txId !== txId) {
    throw garbage(path, `txId ${data.txId} is not the one registered`);
  }
  const { expiresAt } = data;
  return {
    txId,
    checkoutUrl: data.checkoutUrl,
    qrString: data.qrString,
    expiresAt:
      expiresAt === undefined
        ? undefined
        : dateOr(path, () => parsePayonDateTime(expiresAt, 'yyyyMMddHHmmss')),
  };
}

// Assumed (docs/payon-assumptions.md A23).
/** Reversal, refund and (undocumented, read alike) pre-auth completion answers. */
export function readMoneyMove(json: unknown, path: string, txId: string): MoneyMoveResult {
  const data: MoneyMoveAnswer = parseWith(
    moneyMoveSchema,
    payload(successObject(json, path)),
    path,
  );
  const { amount, approvalDate } = data;
  return {
    // The documented example echoes another txId ("2435", docs/payon-api.md#contradictions; A23):
    // the request's is kept.
    txId,
    amount:
      amount === undefined || amount === null
        ? undefined
        : amountOf(amount, currencyOf(data.currency ?? 'USD', path), path),
    approvalNo: data.approvalNo,
    approvedAt:
      approvalDate === undefined
        ? undefined
        : dateOr(path, () => parsePayonDateTime(approvalDate, 'ddMMyyyyHHmmss')),
    refNo: data.refNo,
  };
}

// Assumed (docs/payon-assumptions.md A19).
/**
 * A status pull. HTTP 302 or code `9999` means "not found or not successful"
 * (docs/payon-api.md#transaction-status); any other refusal (`0001` invalid merchant, ...) is an
 * error, never mistaken for a payment signal.
 */
export function readTransactionStatus(
  json: unknown,
  {
    httpStatus,
    path,
    txId,
    log,
  }: {
    readonly httpStatus: number;
    readonly path: string;
    readonly txId: string;
    readonly log?: Log | undefined;
  },
): TransactionStatus {
  if (isObject(json) && readEnvelope(json).code === NOT_SUCCESSFUL_CODE) {
    return { found: false, signal: 'not_successful' };
  }
  if (httpStatus === 302) {
    throw garbage(path, 'HTTP 302 without the documented 9999 body');
  }
  const body = successObject(json, path);
  if (!isObject(body.resultData)) throw garbage(path, 'resultData is missing');
  const data: StatusAnswer = parseWith(statusSchema, body.resultData, path);
  if (data.tracNo !== undefined && data.tracNo !== txId) {
    throw garbage(path, `tracNo ${data.tracNo} is not the txId asked for`);
  }
  const { apprDttm } = data;
  return {
    found: true,
    signal: statusPullSignal(data.txStCd, log),
    statusCode: data.txStCd,
    kind: transactionKind(data.trt),
    txId,
    amount: amountOf(data.amount, currencyOf(data.currencyCode, path), path),
    paymentMethod: data.paymentMethod,
    maskedPan: maskedPan(data.wdlAcNo),
    approvalNo: data.apprNo,
    approvedAt:
      apprDttm === undefined
        ? undefined
        : dateOr(path, () => parsePayonDateTime(apprDttm, 'yyyyMMddHHmmss')),
  };
}

/** Where an orders list came from: the path, the query (its `createdAt` reads the times), the log. */
interface OrdersContext {
  readonly path: string;
  readonly input: ListOrdersInput;
  readonly log?: Log | undefined;
}

export function readOrders(json: unknown, { path, input, log }: OrdersContext): OrderRecord[] {
  const rows = successArray(json, path);
  const records: OrderRecord[] = [];
  for (const [index, item] of rows.entries()) {
    // One unreadable row must not hide the others (nor block resolving a payment on that page):
    // it is skipped and reported; its own payment then reads as "PAYON cannot tell yet".
    try {
      records.push(readOrder(item, { path, input, log }));
    } catch (error) {
      if (!(error instanceof PayonUnavailableError)) throw error;
      log?.warn('PAYON orders list has an unreadable row; it is skipped', {
        path,
        index,
        reason: error.message,
      });
    }
  }
  return records;
}

function readOrder(item: unknown, { path, input, log }: OrdersContext): OrderRecord {
  const o: OrderRowAnswer = parseWith(orderRowSchema, item, path);
  const { apprDttm, tracNo } = o;
  const resultCode = o.resultCd ?? o.resultCode;
  return {
    txId: tracNo,
    kind: transactionKind(o.trt),
    amount: amountOf(o.amount, currencyOf(o.currencyCode, path), path),
    statusCode: o.txStCd,
    resultCode,
    resultMessage: o.resultMsg ?? o.resultMessage,
    signal: orderResultSignal(resultCode, log),
    settled: o.settleYn,
    cancelled: o.cancelYn,
    refunded: o.refundYn,
    approvalNo: o.apprNo,
    approvedAt:
      apprDttm === undefined
        ? undefined
        : dateOr(path, () => parseTwelveHourDateTime(apprDttm, input.createdAt?.(tracNo))),
    approvedAtText: apprDttm,
    day: cambodiaDay(dateOr(path, () => parsePayonDate(o.txDt, 'yyyyMMdd'))),
    sequenceNo: o.txSeqNo,
    stan: o.stan,
    paymentType: o.paymentType,
  };
}

// docs/payon-assumptions.md A18.
/**
 * The order row with its 12-hour `apprDttm` read against the payment's own creation time, known
 * locally only after the page was read (A18). Without one, the row is unchanged.
 *
 * @example
 * ```ts
 * atLocalTime(row, new Date(payment.createdAt)); // "24/11/2020 01:30:29" → 01:30:29 ICT for a payment made at 01:29
 * ```
 */
export function atLocalTime(order: OrderRecord, createdAt: Date | undefined): OrderRecord {
  if (createdAt === undefined || order.approvedAtText === undefined) return order;
  try {
    return { ...order, approvedAt: parseTwelveHourDateTime(order.approvedAtText, createdAt) };
  } catch {
    return order;
  }
}

/** Where a binding answer came from: the path, the merchant's ids, the customer asked about. */
interface BindingContext {
  readonly path: string;
  readonly ids: MerchantTerminal;
  readonly clientId: string;
}

export function readCreatedBinding(
  json: unknown,
  { path, ids, clientId }: BindingContext,
): CreatedBinding {
  const data: CreatedBindingAnswer = parseWith(
    createdBindingSchema,
    payload(successObject(json, path)),
    path,
  );
  if (data.clientId !== undefined && shortClientId(data.clientId, ids) !== clientId) {
    throw garbage(path, 'clientId is not the customer asked for');
  }
  return {
    bindingId: data.bindingId,
    clientId,
    maskedPan: maskedPan(data.wdlAcNo),
    expiry: data.wdlExpiry,
  };
}

// Assumed (docs/payon-assumptions.md A24).
export function readBindings(
  json: unknown,
  { path, ids, clientId }: BindingContext,
): BindingRecord[] {
  return successArray(json, path).map((item) => {
    // `pin` (an opaque stored blob, docs/payon-api.md#binding-list; A24) is deliberately not read.
    const b: BindingAnswer = parseWith(bindingSchema, item, path);
    const { txDt } = b;
    return {
      bindingId: b.bindingId,
      clientId: b.clientId === undefined ? clientId : shortClientId(b.clientId, ids),
      maskedPan: maskedPan(b.wdlAcNo),
      expiry: b.wdlExpiry,
      holderName: b.wdlNm,
      phone: b.phone,
      email: b.email,
      pinVerification: b.verifyYn,
      paymentType: b.paymentType,
      createdDay:
        txDt === undefined
          ? undefined
          : cambodiaDay(dateOr(path, () => parsePayonDate(txDt, 'yyyyMMdd'))),
    };
  });
}

/** Create PIN and the PIN toggle answer with an envelope only. */
export function readAcknowledgement(json: unknown, path: string): void {
  successObject(json, path);
}

export function readReconciliation(
  json: unknown,
  path: string,
  items: readonly ReconciliationItemInput[],
): ReconciliationResult[] {
  const currencyByTx = new Map(items.map((i) => [i.txId, i.grandTotal.currency]));
  return successArray(json, path).map((item) => {
    const r: ReconciliationItemAnswer = parseWith(reconciliationItemSchema, item, path);
    const { code, message } = readEnvelope(item as Json);
    if (code === undefined) throw garbage(path, `item ${r.txId} has no resultCode`);
    const { grandToTAmt } = r;
    return {
      txId: r.txId,
      resultCode: code,
      resultMessage: message,
      verdict: r.reconciliationDv,
      grandTotal:
        grandToTAmt === undefined || grandToTAmt === null
          ? undefined
          : amountOf(grandToTAmt, currencyByTx.get(r.txId) ?? 'USD', path),
      buyerId: r.buyerId,
      sellerId: r.sellerId,
    };
  });
}
