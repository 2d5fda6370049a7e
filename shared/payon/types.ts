/**
 * Domain-side inputs and results of the PAYON client: amounts as {@link Money}, times as instants,
 * PAYON's ids in their short forms. Wire spellings stay in `./wire.ts`.
 */
import type { Money } from '#shared/domain/money.ts';
import type { PayDvCd, PaymentMethod } from '#shared/domain/payment-method.ts';
import type { GatewaySignal, TransactionKind } from '#shared/payon/status.ts';
import type { WireTransactionType } from '#shared/payon/wire.ts';

export type ReconciliationType = WireTransactionType;

export interface RegisterOrderInput {
  readonly txId: string;
  readonly kind: 'purchase' | 'preauth';
  readonly amount: Money;
  readonly paymentMethod: PaymentMethod;
  readonly payDvCd?: PayDvCd;
  readonly clientId?: string;
  readonly bindingId?: string;
  readonly buyerId?: string;
  readonly sellerId?: string;
}

export interface RegisteredOrder {
  readonly txId: string;
  /** Where the customer's browser goes to pay (PAYON's hosted page). */
  readonly checkoutUrl: string;
  /** KHQR payload for QR methods. */
  readonly qrString: string | undefined;
  readonly expiresAt: Date | undefined;
}

/** Answer to a reversal, refund or pre-auth completion. */
export interface MoneyMoveResult {
  readonly txId: string;
  readonly amount: Money | undefined;
  readonly approvalNo: string | undefined;
  readonly approvedAt: Date | undefined;
  readonly refNo: string | undefined;
}

export interface TransactionStatusInput {
  readonly txId: string;
  /** Part of PAYON's lookup key. */
  readonly amount: Money;
}

export type TransactionStatus =
  | {
      readonly found: true;
      readonly signal: GatewaySignal;
      /** PAYON's `txStCd`, as sent. */
      readonly statusCode: string;
      readonly kind: TransactionKind;
      readonly txId: string;
      readonly amount: Money;
      readonly paymentMethod: string | undefined;
      readonly maskedPan: string | undefined;
      readonly approvalNo: string | undefined;
      readonly approvedAt: Date | undefined;
    }
  | {
      /** HTTP 302 / `9999`: not found OR not successful; PAYON does not say which. */
      readonly found: false;
      readonly signal: 'not_successful';
    };

export interface ListOrdersInput {
  /** First and last Cambodian days of the range (inclusive). */
  readonly from: Date;
  readonly to: Date;
  /** PAYON's `index` (1-based, assumed to be a page number) and `limit`. */
  readonly index: number;
  readonly limit: number;
  readonly kind?: 'purchase' | 'preauth';
  /**
   * When each payment was created, where known locally: resolves the 12-hour `apprDttm`
   * (docs/payon-assumptions.md A18). Return undefined when unknown.
   */
  readonly createdAt?: (txId: string) => Date | undefined;
}

export interface OrderRecord {
  readonly txId: string;
  readonly kind: TransactionKind;
  readonly amount: Money;
  /** PAYON's `txStCd` (`"09"` in the examples; the list of codes is undocumented). */
  readonly statusCode: string | undefined;
  readonly resultCode: string | undefined;
  readonly resultMessage: string | undefined;
  readonly signal: GatewaySignal;
  /** `settleYn` / `cancelYn` / `refundYn`: `Y` true, `N` false, anything else undefined (cannot tell). */
  readonly settled: boolean | undefined;
  readonly cancelled: boolean | undefined;
  readonly refunded: boolean | undefined;
  readonly approvalNo: string | undefined;
  /** `apprDttm` read on the 12-hour clock (see `atLocalTime` of `./answers.ts`). */
  readonly approvedAt: Date | undefined;
  /** `apprDttm` as PAYON sent it (`dd/MM/yyyy hh:mm:ss`, no AM/PM). */
  readonly approvedAtText: string | undefined;
  /** Cambodian calendar day of the transaction, `yyyy-MM-dd`. */
  readonly day: string;
  readonly sequenceNo: string | undefined;
  readonly stan: string | undefined;
  readonly paymentType: string | undefined;
}

export interface CardInput {
  /** Full card number: sent to PAYON and nowhere else. */
  readonly number: string;
  readonly cvv?: string;
  /** `YYYYMM` */
  readonly expiry?: string;
  readonly holderName?: string;
}

export interface CreateBindingInput {
  readonly clientId: string;
  readonly paymentMethod: 'PAYON' | 'CREDIT_DEBIT';
  readonly card: CardInput;
  readonly phone?: string;
  readonly email?: string;
  /** The customer's passcode for this binding. */
  readonly pin?: string;
  /** PAYON card PIN (PAYON method). */
  readonly payonPin?: string;
}

export interface CreatedBinding {
  readonly bindingId: string;
  readonly clientId: string;
  readonly maskedPan: string | undefined;
  readonly expiry: string | undefined;
}

export interface BindingRecord {
  readonly bindingId: string;
  readonly clientId: string;
  readonly maskedPan: string | undefined;
  readonly expiry: string | undefined;
  readonly holderName: string | undefined;
  readonly phone: string | undefined;
  readonly email: string | undefined;
  /** PAYON's `verifyYn`. */
  readonly pinVerification: boolean | undefined;
  /** `01` PAYON card, `02` credit/debit (inferred, docs/payon-api.md#conventions). */
  readonly paymentType: string | undefined;
  /** Cambodian day the binding was made, `yyyy-MM-dd`. */
  readonly createdDay: string | undefined;
}

export interface ReconciliationItemInput {
  readonly txId: string;
  readonly type: ReconciliationType;
  /** Grand total including fees. */
  readonly grandTotal: Money;
  readonly buyerId?: string;
  readonly sellerId?: string;
}

export interface ReconciliationResult {
  readonly txId: string;
  readonly resultCode: string;
  readonly resultMessage: string | undefined;
  /** PAYON's `reconciliationDv` (`APPROVED` is the only documented value). */
  readonly verdict: string | undefined;
  readonly grandTotal: Money | undefined;
  readonly buyerId: string | undefined;
  readonly sellerId: string | undefined;
}
