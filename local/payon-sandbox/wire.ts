/**
 * The sandbox's own reading of PAYON's answers, written from PAYON's documentation and its
 * documented examples (docs/payon-api.md#endpoints), never imported from the product: two readings
 * that share code agree with each other, not with PAYON. `test/integration/payon/examples.test.ts`
 * holds this reading and the product's against the same examples.
 *
 * Every field PAYON's example shows is sent, `null` when there is nothing to say (as PAYON does);
 * amounts are JSON numbers, as in every example.
 */

/** `"Y"` / `"N"` flags (`settleYn`, `cancelYn`, `refundYn`, `verifyYn`). */
export type YesNo = 'Y' | 'N';

/**
 * The wrapped envelope: status (§9.6), binding list (§9.8), create PIN (§9.9), and the sandbox's
 * registration answer (docs/payon-assumptions.md A12, PAYON documents none).
 */
export interface WrappedResponse<T> {
  resultMsg: string;
  resultCode: string;
  resultData: T | null;
}

/**
 * `resultData` of POST /pg/order/register: the product's decision (docs/payon-assumptions.md A12;
 * no documented response).
 */
export interface OrderRegisterResultData {
  txId: string;
  checkoutUrl: string;
  /** KHQR payments only. */
  qrString?: string;
  /** `yyyyMMddHHmmss`, UTC+7. */
  expiresAt?: string;
}

/** POST /pg/reversal and /pg/refund (§9.2, §9.4): flat, with `resultMessage`. */
export interface MoneyMoveResponse {
  txId: string | null;
  merchantId: string | null;
  termId: string | null;
  amount: number | null;
  currency: string | null;
  resultCode: string;
  resultMessage: string;
  approvalNo: string | null;
  /** `ddMMyyyyHHmmss` */
  approvalDate: string | null;
  acsUrl: string | null;
  /** 12 digits: the approval number padded with zeros. */
  refNo: string | null;
  transactionAmount: number | null;
}

/** One item of the bare array of POST /pg/orders (§9.5). */
export interface OrderHistoryItem {
  /** `yyyyMMdd` */
  txDt: string;
  txSeqNo: string;
  txStCd: string;
  /** A code here: `"10"` purchase, `"12"` pre-auth. */
  trt: string;
  payDvCd: string;
  paymentType: string;
  merchantId: string;
  termId: string;
  /** The merchant's txId. */
  tracNo: string;
  amount: number;
  currencyCode: string;
  settleYn: YesNo;
  cancelYn: YesNo;
  refundYn: YesNo;
  apprNo: string | null;
  /** `dd/MM/yyyy hh:mm:ss`: a 12-hour clock without AM/PM. */
  apprDttm: string;
  /** `resultCd` here, `resultCode` everywhere else. */
  resultCd: string;
  resultMsg: string;
  stan: string;
}

/** `resultData` of POST /pg/transaction/status answered HTTP 200 (§9.6). */
export interface TransactionStatusData {
  txDt: string;
  txSeqNo: string;
  /** `COMPLETE` is the only documented value. */
  txStCd: string;
  /** A name here: `PURCHASE`. */
  trt: string;
  paymentMethod: string;
  merchantId: string;
  termId: string;
  /** Masked, `************0022`. */
  wdlAcNo: string | null;
  tracNo: string;
  amount: number;
  currencyCode: string;
  apprNo: string;
  /** `yyyyMMddHHmmss` */
  apprDttm: string;
}

/** The flat answer of create binding (§9.7); `wdlNm`, `phone`, `email` come back null. */
export interface CreateBindingResponse {
  txDt: string | null;
  txSeqNo: string | null;
  merchantId: string | null;
  termId: string | null;
  /** Masked `520473**1003`. */
  wdlAcNo: string | null;
  wdlExpiry: string | null;
  wdlNm: string | null;
  /** Namespaced: merchantId + termId + the clientId sent. */
  clientId: string | null;
  phone: string | null;
  email: string | null;
  bindingId: string | null;
  resultCode: string;
  resultMsg: string;
}

/** One item of `resultData` of POST /pg/bindingList (§9.8). */
export interface BindingListItem {
  txDt: string;
  txSeqNo: string;
  merchantId: string;
  termId: string;
  /** Masked `101049******1245`. */
  wdlAcNo: string;
  wdlExpiry: string | null;
  wdlNm: string | null;
  /** An opaque stored blob (RNCryptor v3 shaped), not RSA. */
  pin: string;
  clientId: string;
  phone: string | null;
  email: string | null;
  bindingId: string;
  encryptedAcNo: null;
  encryptedCvv: null;
  verifyYn: YesNo;
  /** `01` PAYON card, `02` credit/debit. */
  paymentType: string;
  resultCode: null;
  resultMsg: null;
}

/** One item of the bare array of POST /pg/merchant/reconcilation (§9.11). */
export interface ReconciliationResponseItem {
  merchantId: string | null;
  /** `APPROVED` is the only documented value. */
  reconciliationDv: string | null;
  termId: string | null;
  txId: string;
  buyerId: string | null;
  sellerId: string | null;
  grandToTAmt: number | null;
  resultMsg: string;
  resultCode: string;
}
