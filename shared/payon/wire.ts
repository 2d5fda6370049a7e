/**
 * PAYON's wire, described once and spelled exactly as PAYON spells it (docs/payon-api.md#endpoints):
 * the requests the product sends, and PAYON's answers as zod schemas (one per answer, or per item of
 * a list answer), quirks included: amounts as numbers or strings, `resultMsg` / `resultMessage` /
 * `resultCd`, nullable fields, namespaced `clientId`. The answer types are derived from the schemas
 * (`z.output<…>`; `z.input<…>` is the answer as PAYON sends it), never written twice.
 *
 * The schemas are tolerant (loose objects, every field PAYON may leave out optional; a field the
 * product does not read accepts any value, so that it never makes an answer unreadable) and only
 * normalise spelling: `null`, `""` and absent text all become `undefined`, numbers sent for text
 * become text, `Y` / `N` flags become booleans. No domain meaning here: `./requests.ts` builds the
 * requests from domain values and `./answers.ts` gives the answers their meaning (amounts, dates,
 * signals).
 *
 * The sandbox does not import this file: it keeps its own reading of PAYON
 * (`#local/payon-sandbox/wire.ts`), so that two readings that could disagree are each held against
 * PAYON's examples.
 */
import * as z from 'zod';

/** `"Y"` / `"N"` flags (`settleYn`, `cancelYn`, `refundYn`, `verifyYn`). */
export type YesNo = 'Y' | 'N';

/** Fields on every merchant request. */
export interface MerchantTerminal {
  merchantId: string;
  termId: string;
}

/** `sign` is added by the transport to every object body (docs/payon-assumptions.md A1, A22). */
export interface Signed {
  sign?: string;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** `trt`: `10` purchase, `12` pre-authorisation (docs/payon-api.md#order-registration). */
export type WireTrt = '10' | '12';
export type WirePaymentMethod = 'PAYON' | 'CREDIT_DEBIT' | 'PPCBANK_TRANSFER' | 'BAKONG_KHQR';
export type WirePayDvCd = 'PPCBANK_PAY' | 'PAYON_PAY' | 'PAYON_QR' | 'KHQR' | 'MPI';

/** POST /pg/order/register */
export interface OrderRegisterRequest extends MerchantTerminal, Signed {
  txId: string;
  trt: WireTrt;
  currency: string;
  amount: string;
  paymentMethod: WirePaymentMethod;
  clientId?: string;
  bindingId?: string;
  payDvCd?: WirePayDvCd;
  buyerId?: string;
  sellerId?: string;
}

/** POST /pg/reversal, POST /pg/refund */
export interface TxRequest extends MerchantTerminal, Signed {
  txId: string;
}

/** POST /pg/preAuthCompletion */
export interface PreAuthCompletionRequest extends MerchantTerminal, Signed {
  txId: string;
  currency: string;
  amount: string;
}

/** POST /pg/orders — dates `ddMMyyyy`; `index`/`limit` are JSON numbers. */
export interface OrdersRequest extends MerchantTerminal, Signed {
  fromDate: string;
  toDate: string;
  index: number;
  limit: number;
  trt?: WireTrt;
}

/** POST /pg/transaction/status — amount and currency are part of the lookup key. */
export interface TransactionStatusRequest extends MerchantTerminal, Signed {
  txId: string;
  amount: string;
  currency: string;
}

/** POST /pg/binding/register (documented) or /pg/createBinding (its example). */
export interface CreateBindingRequest extends MerchantTerminal, Signed {
  clientId: string;
  paymentMethod: 'PAYON' | 'CREDIT_DEBIT';
  wdlAcNo: string;
  wdlCvv?: string;
  /** `YYYYMM` */
  wdlExpiry?: string;
  wdlNm?: string;
  payonPin?: string;
  phone?: string;
  pin?: string;
  email?: string;
}

/** POST /pg/bindingList */
export interface BindingListRequest extends MerchantTerminal, Signed {
  clientId: string;
}

/** POST /pg/binding/createPIN — `pin` RSA-encrypted with PAYON's public key. */
export interface CreatePinRequest extends MerchantTerminal, Signed {
  clientId: string;
  pin: string;
}

/** Enable/Disable PIN: undocumented; path and body are decided (docs/payon-assumptions.md A15). */
export interface PinVerificationRequest extends MerchantTerminal, Signed {
  clientId: string;
  verifyYn: YesNo;
}

/** One item of POST /pg/merchant/reconcilation (sic); the body is a bare array, unsigned. */
export interface ReconciliationRequestItem extends MerchantTerminal {
  txId: string;
  transactionType: WireTransactionType;
  /** A JSON number in PAYON's example; the product sends the exact two-decimal string. */
  grandToTAmt: string;
  buyerId?: string;
  sellerId?: string;
}

export type WireTransactionType =
  | 'PURCHASE'
  | 'REFUND'
  | 'PRE_AUTH'
  | 'PRE_AUTH_COMPLETE'
  | 'PURCHASE_REVERSAL'
  | 'PRE_AUTH_REVERSAL'
  | 'PRE_AUTH_COMPLETE_REVERSAL';

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Field kinds
// ---------------------------------------------------------------------------------------------

/** Text PAYON may send as a string or a number, or leave out: `null` and `""` are "not sent". */
const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));

/** Text that must be there (a txId, a bindingId): a non-empty string, or a number. */
const requiredText = z.union([z.string().min(1), z.number()]).transform(String);

/** An amount as PAYON sends it: a JSON number in every example, a string in every request table. */
const wireAmount = z.union([z.number(), z.string()]);

// docs/payon-assumptions.md A21: only `Y` and `N` say anything; `""`, other values and
// an absent flag are "cannot tell", never `N`.
/** `settleYn`, `cancelYn`, `refundYn`, `verifyYn`: true, false, or undefined (cannot tell). */
const yesNo = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform((v) => {
    const flag = typeof v === 'string' ? v.trim().toUpperCase() : undefined;
    return flag === 'Y' ? true : flag === 'N' ? false : undefined;
  });

/**
 * Text of a field that must never make an answer unreadable (the envelope, and fields the product
 * does not read): any value is accepted; only a non-empty string or a finite number is kept.
 */
const anyText = z
  .unknown()
  .transform((v) =>
    typeof v === 'string' && v !== ''
      ? v
      : typeof v === 'number' && Number.isFinite(v)
        ? String(v)
        : undefined,
  )
  .optional();

/** Envelope text: any value is accepted; a string (even `""`) or a finite number is kept. */
const envelopeText = z
  .unknown()
  .transform((v) =>
    typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined,
  )
  .optional();

// ---------------------------------------------------------------------------------------------
// Envelope
// ---------------------------------------------------------------------------------------------

/**
 * The result fields of any answer (or reconciliation item), under every name PAYON uses: `resultCode`
 * (`resultCd` in the orders list) and `resultMsg` (`resultMessage` in refund and reversal).
 * Wrapped answers (status, binding list, create PIN, registration) carry their payload in
 * `resultData`; the orders list and reconciliation answer a bare array.
 */
export const envelopeSchema = z.looseObject({
  resultCode: envelopeText,
  resultCd: envelopeText,
  resultMsg: envelopeText,
  resultMessage: envelopeText,
});
export type Envelope = z.output<typeof envelopeSchema>;

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

// Assumed (docs/payon-assumptions.md A12): PAYON documents no response; this is the decided
// `resultData`.
/** `resultData` of POST /pg/order/register. `expiresAt` is `yyyyMMddHHmmss`, UTC+7. */
export const registrationSchema = z.looseObject({
  txId: optionalText,
  checkoutUrl: z.url({ protocol: /^https?$/ }),
  qrString: optionalText,
  expiresAt: optionalText,
});
export type RegistrationAnswer = z.output<typeof registrationSchema>;

/**
 * POST /pg/reversal and /pg/refund answer flat (docs/payon-api.md#reversal, #refund); pre-auth
 * completion, not documented, is read alike. `approvalDate` is `ddMMyyyyHHmmss`; `refNo` 12 digits.
 */
export const moneyMoveSchema = z.looseObject({
  txId: optionalText,
  merchantId: anyText,
  termId: anyText,
  amount: wireAmount.nullish(),
  currency: optionalText,
  approvalNo: optionalText,
  approvalDate: optionalText,
  acsUrl: anyText,
  refNo: optionalText,
  transactionAmount: anyText,
});
export type MoneyMoveAnswer = z.output<typeof moneyMoveSchema>;

/**
 * `resultData` of POST /pg/transaction/status answered 200 (docs/payon-api.md#transaction-status).
 * `txStCd` `COMPLETE` is the only documented value; `trt` is a name (`PURCHASE`) here; `apprDttm`
 * is `yyyyMMddHHmmss`.
 */
export const statusSchema = z.looseObject({
  txDt: anyText,
  txSeqNo: anyText,
  txStCd: requiredText,
  trt: optionalText,
  paymentMethod: optionalText,
  merchantId: anyText,
  termId: anyText,
  wdlAcNo: optionalText,
  /** Echoes the merchant's txId. */
  tracNo: optionalText,
  amount: wireAmount,
  currencyCode: optionalText,
  apprNo: optionalText,
  apprDttm: optionalText,
});
export type StatusAnswer = z.output<typeof statusSchema>;

/**
 * One item of the bare array of POST /pg/orders (docs/payon-api.md#orders-history). `txDt`
 * `yyyyMMdd`; `apprDttm` `dd/MM/yyyy hh:mm:ss`, a 12-hour clock without AM/PM; `trt` a code
 * (`"10"`) here; `tracNo` echoes the merchant's txId; the result is `resultCd` (elsewhere
 * `resultCode`).
 */
export const orderRowSchema = z.looseObject({
  txDt: requiredText,
  txSeqNo: optionalText,
  txStCd: optionalText,
  trt: optionalText,
  payDvCd: anyText,
  paymentType: optionalText,
  merchantId: anyText,
  termId: anyText,
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
export type OrderRowAnswer = z.output<typeof orderRowSchema>;

/**
 * The flat answer of create binding (docs/payon-api.md#create-binding); `wdlAcNo` masked
 * `520473**1003`.
 */
export const createdBindingSchema = z.looseObject({
  txDt: anyText,
  txSeqNo: anyText,
  merchantId: anyText,
  termId: anyText,
  wdlAcNo: optionalText,
  wdlExpiry: optionalText,
  wdlNm: anyText,
  /** Namespaced: merchantId + termId + the clientId sent. */
  clientId: optionalText,
  phone: anyText,
  email: anyText,
  bindingId: requiredText,
});
export type CreatedBindingAnswer = z.output<typeof createdBindingSchema>;

/**
 * One item of `resultData` of POST /pg/bindingList (docs/payon-api.md#binding-list). `pin` is an
 * opaque stored blob, not RSA: it is deliberately not described, so that nothing reads it.
 */
export const bindingSchema = z.looseObject({
  txDt: optionalText,
  txSeqNo: anyText,
  merchantId: anyText,
  termId: anyText,
  wdlAcNo: optionalText,
  wdlExpiry: optionalText,
  wdlNm: optionalText,
  clientId: optionalText,
  phone: optionalText,
  email: optionalText,
  bindingId: requiredText,
  encryptedAcNo: anyText,
  encryptedCvv: anyText,
  verifyYn: yesNo,
  paymentType: optionalText,
});
export type BindingAnswer = z.output<typeof bindingSchema>;

/**
 * One item of the bare array of POST /pg/merchant/reconcilation (docs/payon-api.md#reconciliation);
 * its result fields are read through {@link envelopeSchema}. `APPROVED` is the only documented
 * `reconciliationDv`.
 */
export const reconciliationItemSchema = z.looseObject({
  merchantId: anyText,
  termId: anyText,
  txId: requiredText,
  reconciliationDv: optionalText,
  buyerId: optionalText,
  sellerId: optionalText,
  grandToTAmt: wireAmount.nullish(),
});
export type ReconciliationItemAnswer = z.output<typeof reconciliationItemSchema>;

// ---------------------------------------------------------------------------------------------
// Reads described whole
// ---------------------------------------------------------------------------------------------

/**
 * A PAYON read (a call that moves no money) described whole, for `PayonClient.read`: where it
 * goes, what it sends beside `merchantId` and `termId` (the transport adds `sign`), and what comes
 * back. A new read-only endpoint needs only this and the function that gives the answer its
 * meaning (docs/adding-an-endpoint.md); money moves keep their own client methods.
 */
export interface PayonRead<Input, Answer extends z.ZodType, Shape extends 'object' | 'list'> {
  /** The path as PAYON documents it (docs/payon-api.md#endpoints). */
  readonly path: string;
  /** The request's own fields. */
  readonly body: (input: Input) => Record<string, unknown>;
  /** `object`: one object, flat or in `resultData`; `list`: an array, bare or in `resultData`. */
  readonly shape: Shape;
  /** The answer (or a list answer's item), read as tolerantly as the schemas above. */
  readonly answer: Answer;
}

/** A read's description, its types kept for `PayonClient.read`. */
export const defineRead = <Input, Answer extends z.ZodType, Shape extends 'object' | 'list'>(
  read: PayonRead<Input, Answer, Shape>,
) => read;

/** What `PayonClient.read` returns for a described read. */
export type ReadAnswer<
  Answer extends z.ZodType,
  Shape extends 'object' | 'list',
> = Shape extends 'list' ? z.output<Answer>[] : z.output<Answer>;
