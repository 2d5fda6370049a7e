/**
 * Pure mappers between the product's domain and PAYON's wire: request builders (domain → wire,
 * unsigned; the transport adds `sign`) and tolerant response readers (wire → domain).
 *
 * Tolerated quirks (examples/README.md): `resultMsg` / `resultMessage` / `resultCd`, amounts as
 * numbers or strings, bare arrays or arrays wrapped in `resultData`, wrapped or flat objects,
 * namespaced `clientId`, the three date formats of SPEC §4.1 and the 12-hour clock without AM/PM.
 */
import * as z from 'zod';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { maskCardNumbers } from '#shared/domain/card.ts';
import {
  type Currency,
  isCurrency,
  type Money,
  parsePayonAmount,
  toWireAmount,
} from '#shared/domain/money.ts';
import { InvalidRequestError, PayonRejectedError, PayonUnavailableError } from '#shared/errors.ts';
import {
  formatPayonDate,
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
  CreateBindingInput,
  CreatedBinding,
  ListOrdersInput,
  MoneyMoveResult,
  OrderRecord,
  ReconciliationItemInput,
  ReconciliationResult,
  RegisteredOrder,
  RegisterOrderInput,
  TransactionStatus,
  TransactionStatusInput,
} from '#shared/payon/types.ts';
import type {
  BindingListRequest,
  CreateBindingRequest,
  CreatePinRequest,
  MerchantTerminal,
  OrderRegisterRequest,
  OrdersRequest,
  PinVerificationRequest,
  PreAuthCompletionRequest,
  ReconciliationRequestItem,
  TransactionStatusRequest,
  TxRequest,
  WireTrt,
} from '#shared/payon/wire.ts';

// ---------------------------------------------------------------------------------------------
// Request builders
// ---------------------------------------------------------------------------------------------

const TX_ID = /^[A-Za-z0-9]{4,16}$/;
const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

function check(issues: { field: string; reason: string }[]): void {
  if (issues.length > 0) throw new InvalidRequestError(issues);
}

function txIdIssues(txId: string) {
  return TX_ID.test(txId) ? [] : [{ field: 'txId', reason: 'must be 4 to 16 letters or digits' }];
}

function positive(field: string, amount: Money) {
  return amount.minor > 0 ? [] : [{ field, reason: 'must be greater than zero' }];
}

function clientIdIssues(clientId: string) {
  return CLIENT_ID.test(clientId)
    ? []
    : [{ field: 'clientId', reason: 'must be 1 to 64 letters, digits, _ or -' }];
}

/** `T` with every property that may be undefined made optional instead. */
type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops undefined optional fields so that the JSON and the signature see the same fields. */
function defined<T extends object>(value: T): Compact<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Compact<T>;
}

const wireTrt = (kind: 'purchase' | 'preauth'): WireTrt => (kind === 'purchase' ? '10' : '12');

// Assumed (docs/payon-assumptions.md A7, A8, A16): two-decimal amount, uppercase USD, our txId.
export function orderRegisterRequest(
  ids: MerchantTerminal,
  input: RegisterOrderInput,
): OrderRegisterRequest {
  check([...txIdIssues(input.txId), ...positive('amount', input.amount)]);
  return defined({
    merchantId: ids.merchantId,
    termId: ids.termId,
    txId: input.txId,
    trt: wireTrt(input.kind),
    currency: input.amount.currency,
    amount: toWireAmount(input.amount),
    paymentMethod: input.paymentMethod,
    clientId: input.clientId,
    bindingId: input.bindingId,
    payDvCd: input.payDvCd,
    buyerId: input.buyerId,
    sellerId: input.sellerId,
  });
}

export function txRequest(ids: MerchantTerminal, txId: string): TxRequest {
  check(txIdIssues(txId));
  return { txId, merchantId: ids.merchantId, termId: ids.termId };
}

export function preAuthCompletionRequest(
  ids: MerchantTerminal,
  input: { readonly txId: string; readonly amount: Money },
): PreAuthCompletionRequest {
  check([...txIdIssues(input.txId), ...positive('amount', input.amount)]);
  return {
    txId: input.txId,
    merchantId: ids.merchantId,
    termId: ids.termId,
    currency: input.amount.currency,
    amount: toWireAmount(input.amount),
  };
}

// Assumed (docs/payon-assumptions.md A21): `index` is a 1-based page number.
export function ordersRequest(ids: MerchantTerminal, input: ListOrdersInput): OrdersRequest {
  check([
    ...(Number.isSafeInteger(input.index) && input.index >= 1
      ? []
      : [{ field: 'index', reason: 'must be a whole number from 1' }]),
    ...(Number.isSafeInteger(input.limit) && input.limit >= 1 && input.limit <= 1_000
      ? []
      : [{ field: 'limit', reason: 'must be a whole number from 1 to 1000' }]),
    ...(input.from.getTime() <= input.to.getTime()
      ? []
      : [{ field: 'from', reason: 'must not be after to' }]),
  ]);
  return defined({
    fromDate: formatPayonDate(input.from, 'ddMMyyyy'),
    toDate: formatPayonDate(input.to, 'ddMMyyyy'),
    index: input.index,
    limit: input.limit,
    trt: input.kind === undefined ? undefined : wireTrt(input.kind),
    merchantId: ids.merchantId,
    termId: ids.termId,
  });
}

export function transactionStatusRequest(
  ids: MerchantTerminal,
  input: TransactionStatusInput,
): TransactionStatusRequest {
  check(txIdIssues(input.txId));
  return {
    termId: ids.termId,
    txId: input.txId,
    merchantId: ids.merchantId,
    currency: input.amount.currency,
    amount: toWireAmount(input.amount),
  };
}

/** Encrypts a PIN for the wire (RSA with PAYON's public key, or plain by configuration). */
export type PinProtector = (pin: string) => string;

const PIN = /^\d{4,12}$/;

// Assumed (docs/payon-assumptions.md A13, A14): paymentMethod always sent; PINs protected.
export function createBindingRequest(
  ids: MerchantTerminal,
  input: CreateBindingInput,
  protectPin: PinProtector,
): CreateBindingRequest {
  const { card } = input;
  check([
    ...clientIdIssues(input.clientId),
    ...(/^\d{12,19}$/.test(card.number)
      ? []
      : [{ field: 'card.number', reason: 'must be 12 to 19 digits' }]),
    ...(card.cvv === undefined || /^\d{3,4}$/.test(card.cvv)
      ? []
      : [{ field: 'card.cvv', reason: 'must be 3 or 4 digits' }]),
    ...(card.expiry === undefined || /^\d{4}(0[1-9]|1[0-2])$/.test(card.expiry)
      ? []
      : [{ field: 'card.expiry', reason: 'must be YYYYMM' }]),
    ...(input.pin === undefined || PIN.test(input.pin)
      ? []
      : [{ field: 'pin', reason: 'must be 4 to 12 digits' }]),
    ...(input.payonPin === undefined || PIN.test(input.payonPin)
      ? []
      : [{ field: 'payonPin', reason: 'must be 4 to 12 digits' }]),
  ]);
  return defined({
    merchantId: ids.merchantId,
    termId: ids.termId,
    clientId: input.clientId,
    paymentMethod: input.paymentMethod,
    wdlAcNo: card.number,
    wdlCvv: card.cvv,
    wdlExpiry: card.expiry,
    wdlNm: card.holderName,
    phone: input.phone,
    email: input.email,
    pin: input.pin === undefined ? undefined : protectPin(input.pin),
    payonPin: input.payonPin === undefined ? undefined : protectPin(input.payonPin),
  });
}

export function bindingListRequest(ids: MerchantTerminal, clientId: string): BindingListRequest {
  check(clientIdIssues(clientId));
  return { merchantId: ids.merchantId, termId: ids.termId, clientId };
}

export function createPinRequest(
  ids: MerchantTerminal,
  input: { readonly clientId: string; readonly pin: string },
  protectPin: PinProtector,
): CreatePinRequest {
  check([
    ...clientIdIssues(input.clientId),
    ...(PIN.test(input.pin) ? [] : [{ field: 'pin', reason: 'must be 4 to 12 digits' }]),
  ]);
  return {
    clientId: input.clientId,
    merchantId: ids.merchantId,
    termId: ids.termId,
    pin: protectPin(input.pin),
  };
}

// Assumed (docs/payon-assumptions.md A15): undocumented endpoint, invented body.
export function pinVerificationRequest(
  ids: MerchantTerminal,
  input: { readonly clientId: string; readonly enabled: boolean },
): PinVerificationRequest {
  check(clientIdIssues(input.clientId));
  return {
    merchantId: ids.merchantId,
    termId: ids.termId,
    clientId: input.clientId,
    verifyYn: input.enabled ? 'Y' : 'N',
  };
}

// Assumed (docs/payon-assumptions.md A22): exact decimal strings, no sign on array bodies.
export function reconciliationRequest(
  ids: MerchantTerminal,
  items: readonly ReconciliationItemInput[],
): ReconciliationRequestItem[] {
  check([
    ...(items.length >= 1 && items.length <= 1_000
      ? []
      : [{ field: 'items', reason: 'must hold 1 to 1000 transactions' }]),
    ...items.flatMap((item, i) =>
      txIdIssues(item.txId).map((x) => ({ ...x, field: `items[${i}].txId` })),
    ),
  ]);
  return items.map((item) =>
    defined({
      termId: ids.termId,
      merchantId: ids.merchantId,
      buyerId: item.buyerId,
      sellerId: item.sellerId,
      txId: item.txId,
      transactionType: item.type,
      // The documented example sends a JSON number; the product sends the exact two-decimal string
      // (DEFAULTS.md "Amounts"), which never depends on how a float prints.
      grandToTAmt: toWireAmount(item.grandTotal),
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Response readers
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function garbage(path: string, why: string): PayonUnavailableError {
  return new PayonUnavailableError(
    `PAYON answered ${path} with a body this client cannot read: ${why}`,
    path,
    true,
  );
}

const maskRun = (run: string) => `${run.slice(0, 6)}${'*'.repeat(run.length - 10)}${run.slice(-4)}`;

/** Card-number-like digit runs are masked in any message PAYON sends that we keep or show. */
function scrub(text: string): string {
  return maskCardNumbers(text).replace(/\d{13,19}/g, maskRun);
}

// docs/payon-assumptions.md A25.
/** A card number PAYON returns is kept masked (first 6 / last 4), even if PAYON sent it whole. */
function maskPan(pan: string | undefined): string | undefined {
  return pan !== undefined && /^\d{12,19}$/.test(pan) ? maskRun(pan) : pan;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** `resultCode` / `resultCd` and `resultMsg` / `resultMessage`, whichever PAYON used. */
export function readEnvelope(json: Json): {
  code: string | undefined;
  message: string | undefined;
} {
  const code = text(json.resultCode) ?? text(json.resultCd);
  const message = text(json.resultMsg) ?? text(json.resultMessage);
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

function parseWith<T extends z.ZodType>(schema: T, value: unknown, path: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'} ${i.code}`)
    .join(', ');
  throw garbage(path, where);
}

const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));
const requiredText = z.union([z.string().min(1), z.number()]).transform(String);
const wireAmount = z.union([z.number(), z.string()]);
// DEFAULTS.md "Deciding a payment's state": only `Y` and `N` say anything; `""`, other values and
// an absent flag are "cannot tell", never `N`.
const yesNo = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform((v) => {
    const flag = typeof v === 'string' ? v.trim().toUpperCase() : undefined;
    return flag === 'Y' ? true : flag === 'N' ? false : undefined;
  });

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
 * PAYON returns `clientId` as merchantId + termId + the clientId sent (SPEC §4); both forms are the
 * same customer. Returns the short form.
 */
export function shortClientId(clientId: string, ids: MerchantTerminal): string {
  const prefix = `${ids.merchantId}${ids.termId}`;
  return clientId.startsWith(prefix) && clientId.length > prefix.length
    ? clientId.slice(prefix.length)
    : clientId;
}

const registrationSchema = z.looseObject({
  txId: optionalText,
  checkoutUrl: z.url({ protocol: /^https?$/ }),
  qrString: optionalText,
  expiresAt: optionalText,
});

// Assumed (docs/payon-assumptions.md A12).
export function readRegisteredOrder(json: unknown, path: string, txId: string): RegisteredOrder {
  // Assumed shape (DEFAULTS.md "Order registration"): PAYON documents no response.
  const data = parseWith(registrationSchema, payload(successObject(json, path)), path);
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

const moneyMoveSchema = z.looseObject({
  txId: optionalText,
  amount: wireAmount.nullish(),
  currency: optionalText,
  approvalNo: optionalText,
  approvalDate: optionalText,
  refNo: optionalText,
});

// Assumed (docs/payon-assumptions.md A23).
/** Reversal, refund and (undocumented, read alike) pre-auth completion answers. */
export function readMoneyMove(json: unknown, path: string, txId: string): MoneyMoveResult {
  const data = parseWith(moneyMoveSchema, payload(successObject(json, path)), path);
  const { amount, approvalDate } = data;
  return {
    // The documented example echoes another txId ("2435", SPEC §20.12): the request's is kept.
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

const statusSchema = z.looseObject({
  txStCd: requiredText,
  trt: optionalText,
  paymentMethod: optionalText,
  wdlAcNo: optionalText,
  tracNo: optionalText,
  amount: wireAmount,
  currencyCode: optionalText,
  apprNo: optionalText,
  apprDttm: optionalText,
});

// Assumed (docs/payon-assumptions.md A19).
/**
 * A status pull. HTTP 302 or code `9999` means "not found or not successful" (SPEC §9.6); any
 * other refusal (`0001` invalid merchant, ...) is an error, never mistaken for a payment signal.
 */
export function readTransactionStatus(
  httpStatus: number,
  json: unknown,
  path: string,
  txId: string,
  log?: Log,
): TransactionStatus {
  if (isObject(json) && readEnvelope(json).code === NOT_SUCCESSFUL_CODE) {
    return { found: false, signal: 'not_successful' };
  }
  if (httpStatus === 302) {
    throw garbage(path, 'HTTP 302 without the documented 9999 body');
  }
  const body = successObject(json, path);
  if (!isObject(body.resultData)) throw garbage(path, 'resultData is missing');
  const data = parseWith(statusSchema, body.resultData, path);
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
    maskedPan: maskPan(data.wdlAcNo),
    approvalNo: data.apprNo,
    approvedAt:
      apprDttm === undefined
        ? undefined
        : dateOr(path, () => parsePayonDateTime(apprDttm, 'yyyyMMddHHmmss')),
  };
}

const orderSchema = z.looseObject({
  txDt: requiredText,
  txSeqNo: optionalText,
  txStCd: optionalText,
  trt: optionalText,
  paymentType: optionalText,
  tracNo: requiredText,
  amount: wireAmount,
  currencyCode: optionalText,
  settleYn: yesNo,
  cancelYn: yesNo,
  refundYn: yesNo,
  apprNo: optionalText,
  apprDttm: optionalText,
  resultCd: optionalText,
  resultCode: optionalText,
  resultMsg: optionalText,
  resultMessage: optionalText,
  stan: optionalText,
});

export function readOrders(
  json: unknown,
  path: string,
  input: ListOrdersInput,
  log?: Log,
): OrderRecord[] {
  const rows = successArray(json, path);
  const records: OrderRecord[] = [];
  for (const [index, item] of rows.entries()) {
    // One unreadable row must not hide the others (nor block resolving a payment on that page):
    // it is skipped and reported; its own payment then reads as "PAYON cannot tell yet".
    try {
      records.push(readOrder(item, path, input, log));
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

function readOrder(item: unknown, path: string, input: ListOrdersInput, log?: Log): OrderRecord {
  const o = parseWith(orderSchema, item, path);
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
 * locally only after the page was read (DEFAULTS.md "Dates"). Without one, the row is unchanged.
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

const createdBindingSchema = z.looseObject({
  bindingId: requiredText,
  clientId: optionalText,
  wdlAcNo: optionalText,
  wdlExpiry: optionalText,
});

export function readCreatedBinding(
  json: unknown,
  path: string,
  ids: MerchantTerminal,
  clientId: string,
): CreatedBinding {
  const data = parseWith(createdBindingSchema, payload(successObject(json, path)), path);
  if (data.clientId !== undefined && shortClientId(data.clientId, ids) !== clientId) {
    throw garbage(path, 'clientId is not the customer asked for');
  }
  return {
    bindingId: data.bindingId,
    clientId,
    maskedPan: maskPan(data.wdlAcNo),
    expiry: data.wdlExpiry,
  };
}

const bindingSchema = z.looseObject({
  bindingId: requiredText,
  txDt: optionalText,
  clientId: optionalText,
  wdlAcNo: optionalText,
  wdlExpiry: optionalText,
  wdlNm: optionalText,
  phone: optionalText,
  email: optionalText,
  verifyYn: yesNo,
  paymentType: optionalText,
});

// Assumed (docs/payon-assumptions.md A24).
export function readBindings(
  json: unknown,
  path: string,
  ids: MerchantTerminal,
  clientId: string,
): BindingRecord[] {
  return successArray(json, path).map((item) => {
    // `pin` (an opaque stored blob, SPEC §9.8) is deliberately not read.
    const b = parseWith(bindingSchema, item, path);
    const { txDt } = b;
    return {
      bindingId: b.bindingId,
      clientId: b.clientId === undefined ? clientId : shortClientId(b.clientId, ids),
      maskedPan: maskPan(b.wdlAcNo),
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

const reconciliationSchema = z.looseObject({
  txId: requiredText,
  reconciliationDv: optionalText,
  grandToTAmt: wireAmount.nullish(),
  buyerId: optionalText,
  sellerId: optionalText,
});

export function readReconciliation(
  json: unknown,
  path: string,
  items: readonly ReconciliationItemInput[],
): ReconciliationResult[] {
  const currencyByTx = new Map(items.map((i) => [i.txId, i.grandTotal.currency]));
  return successArray(json, path).map((item) => {
    const r = parseWith(reconciliationSchema, item, path);
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
