/**
 * PAYON's wire types, spelled exactly as PAYON spells them (SPEC §9–§11, examples/). Requests are
 * what the product sends; responses are what PAYON has been seen to send, quirks included: amounts
 * as numbers or strings, `resultMsg` / `resultMessage` / `resultCd`, bare arrays, nullable fields.
 *
 * No domain meaning here: `#shared/payon/mappers.ts` turns these into domain values. The sandbox may
 * import this file (types only) and nothing else of the product.
 */

/** `"Y"` / `"N"` flags (`settleYn`, `cancelYn`, `refundYn`, `verifyYn`). */
export type YesNo = 'Y' | 'N';

/** Amounts as PAYON returns them: numbers in every example, strings in every request table. */
export type WireAmount = number | string;

/** Fields on every merchant request. */
export interface MerchantTerminal {
  merchantId: string;
  termId: string;
}

/** `sign` is added by the transport to every object body (DEFAULTS.md). */
export interface Signed {
  sign?: string;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** `trt`: `10` purchase, `12` pre-authorisation (SPEC §9.1). */
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

/** Enable/Disable PIN: undocumented; path and body are DEFAULTS.md decisions. */
export interface PinVerificationRequest extends MerchantTerminal, Signed {
  clientId: string;
  verifyYn: YesNo;
}

/** One item of POST /pg/merchant/reconcilation (sic); the body is a bare array, unsigned. */
export interface ReconciliationRequestItem extends MerchantTerminal {
  txId: string;
  transactionType: WireTransactionType;
  grandToTAmt: WireAmount;
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
// Responses (as seen; every field may be missing or null in practice)
// ---------------------------------------------------------------------------------------------

/** The wrapped envelope (status, binding list, create PIN, and — decided — registration). */
export interface WrappedResponse<T> {
  resultCode: string;
  resultMsg?: string | null;
  resultData: T | null;
}

/** DEFAULTS.md decision for the undocumented registration response. */
export interface OrderRegisterResultData {
  txId: string;
  checkoutUrl: string;
  qrString?: string | null;
  /** `yyyyMMddHHmmss`, UTC+7 */
  expiresAt?: string | null;
}

/** Refund and reversal answer flat, with `resultMessage` (SPEC §9.2, §9.4). */
export interface MoneyMoveResponse {
  txId?: string | null;
  merchantId?: string | null;
  termId?: string | null;
  amount?: WireAmount | null;
  currency?: string | null;
  resultCode: string;
  resultMessage?: string | null;
  resultMsg?: string | null;
  approvalNo?: string | null;
  /** `ddMMyyyyHHmmss` */
  approvalDate?: string | null;
  acsUrl?: string | null;
  refNo?: string | null;
  transactionAmount?: WireAmount | null;
}

/** One item of the bare array from POST /pg/orders. */
export interface OrderHistoryItem {
  /** `yyyyMMdd` */
  txDt: string;
  txSeqNo?: string | null;
  txStCd?: string | null;
  trt?: string | null;
  payDvCd?: string | null;
  paymentType?: string | null;
  merchantId?: string | null;
  termId?: string | null;
  /** Echoes the merchant's txId. */
  tracNo: string;
  amount: WireAmount;
  currencyCode: string;
  settleYn?: YesNo | null;
  cancelYn?: YesNo | null;
  refundYn?: YesNo | null;
  apprNo?: string | null;
  /** `dd/MM/yyyy hh:mm:ss`, a 12-hour clock without AM/PM. */
  apprDttm?: string | null;
  resultCd?: string | null;
  resultCode?: string | null;
  resultMsg?: string | null;
  stan?: string | null;
}

/** `resultData` of POST /pg/transaction/status with HTTP 200. */
export interface TransactionStatusData {
  txDt?: string | null;
  txSeqNo?: string | null;
  /** `COMPLETE` is the only documented value. */
  txStCd: string;
  /** `PURCHASE` here, `"10"` in the orders list. */
  trt?: string | null;
  paymentMethod?: string | null;
  merchantId?: string | null;
  termId?: string | null;
  wdlAcNo?: string | null;
  tracNo: string;
  amount: WireAmount;
  currencyCode: string;
  apprNo?: string | null;
  /** `yyyyMMddHHmmss` */
  apprDttm?: string | null;
}

/** Flat answer of create binding. */
export interface CreateBindingResponse {
  txDt?: string | null;
  txSeqNo?: string | null;
  merchantId?: string | null;
  termId?: string | null;
  wdlAcNo?: string | null;
  wdlExpiry?: string | null;
  wdlNm?: string | null;
  /** Namespaced: merchantId + termId + the clientId sent. */
  clientId?: string | null;
  phone?: string | null;
  email?: string | null;
  bindingId?: string | null;
  resultCode: string;
  resultMsg?: string | null;
}

/** One item of `resultData` from POST /pg/bindingList. */
export interface BindingListItem {
  txDt?: string | null;
  txSeqNo?: string | null;
  merchantId?: string | null;
  termId?: string | null;
  wdlAcNo?: string | null;
  wdlExpiry?: string | null;
  wdlNm?: string | null;
  /** An opaque stored blob, not RSA (SPEC §9.8). Never use it. */
  pin?: string | null;
  clientId?: string | null;
  phone?: string | null;
  email?: string | null;
  bindingId: string;
  encryptedAcNo?: string | null;
  encryptedCvv?: string | null;
  verifyYn?: YesNo | null;
  paymentType?: string | null;
  resultCode?: string | null;
  resultMsg?: string | null;
}

/** One item of the bare array from POST /pg/merchant/reconcilation. */
export interface ReconciliationResponseItem {
  merchantId?: string | null;
  termId?: string | null;
  txId: string;
  reconciliationDv?: string | null;
  buyerId?: string | null;
  sellerId?: string | null;
  grandToTAmt?: WireAmount | null;
  resultCode: string;
  resultMsg?: string | null;
}

/** PAYON's push to the merchant's notification URL (unsigned). */
export interface PushNotification {
  txId: string;
  resultCode: string;
  resultMsg?: string;
}
