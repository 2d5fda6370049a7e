/**
 * How a customer pays (docs/payon-api.md#order-registration: its `paymentMethod` and `payDvCd`), as
 * the product's own vocabulary: the API's schemas, the stored payment and the PAYON client all take
 * these; the wire module only spells them for PAYON.
 */

/** PAYON wallet, card (3-D Secure), PPCBank transfer, Bakong KHQR. */
export const PAYMENT_METHODS = [
  'PAYON',
  'CREDIT_DEBIT',
  'PPCBANK_TRANSFER',
  'BAKONG_KHQR',
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** The channel within a method (PAYON's `payDvCd`). */
export const PAY_DV_CDS = ['PPCBANK_PAY', 'PAYON_PAY', 'PAYON_QR', 'KHQR', 'MPI'] as const;
export type PayDvCd = (typeof PAY_DV_CDS)[number];

/** The methods a saved card (binding) can be made for. */
export const BINDING_METHODS = [
  'CREDIT_DEBIT',
  'PAYON',
] as const satisfies readonly PaymentMethod[];
export type BindingMethod = (typeof BINDING_METHODS)[number];
