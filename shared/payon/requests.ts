/**
 * PAYON's requests, built from domain values (domain → wire, unsigned; the transport adds `sign`).
 * Inputs are checked here: what PAYON would refuse, or what the product must never send, is an
 * {@link InvalidRequestError} before anything leaves. PAYON's answers are read by `./answers.ts`.
 */
import { type Money, toWireAmount } from '#shared/domain/money.ts';
import { InvalidRequestError } from '#shared/errors.ts';
import { formatPayonDate } from '#shared/payon/dates.ts';
import type {
  CreateBindingInput,
  ListOrdersInput,
  ReconciliationItemInput,
  RegisterOrderInput,
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
      // (docs/payon-assumptions.md A7), which never depends on how a float prints.
      grandToTAmt: toWireAmount(item.grandTotal),
    }),
  );
}
