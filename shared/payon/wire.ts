/**
 * PAYON's requests as the product sends them, spelled exactly as PAYON spells them
 * (docs/payon-api.md#endpoints). PAYON's answers are described beside them, as zod schemas, in
 * `./wire-answers.ts`.
 *
 * No domain meaning here: `./requests.ts` builds these from domain values. The sandbox does not
 * import this file: it keeps its own reading of PAYON (`#local/payon-sandbox/wire.ts`), so that two
 * readings that could disagree are each held against PAYON's examples.
 */

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
