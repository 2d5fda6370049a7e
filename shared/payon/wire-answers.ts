/**
 * PAYON's answers, described once: one zod schema per answer (or per item of a list answer),
 * spelled as PAYON spells them (docs/payon-api.md#endpoints), quirks included: amounts as numbers
 * or strings, `resultMsg` / `resultMessage` / `resultCd`, nullable fields, namespaced `clientId`.
 * The schemas are tolerant (loose objects, every field PAYON may leave out optional; a field the
 * product does not read accepts any value, so that it never makes an answer unreadable) and only
 * normalise spelling: `null`, `""` and absent text all become `undefined`, numbers sent for text
 * become text, `Y` / `N` flags become booleans. Meaning (amounts, dates, signals) is given by
 * `./answers.ts`; the types below are derived from the schemas, never written twice.
 *
 * `z.input<…>` is the answer as PAYON sends it, `z.output<…>` (the exported types) as read.
 */
import * as z from 'zod';

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
