/**
 * What happens when a customer pays: the same decisions for the hosted checkout forms and for the
 * admin API's browser-free `pay`/`3ds-complete`. Every decided attempt is pushed to the merchant
 * (a declined one too: the order stays payable until its expiry, so several pushes may follow).
 */
import {
  type CardBehaviour,
  cardBehaviour,
  DECLINE_MESSAGES,
  isPayonCard,
  luhnValid,
  normalisePan,
  TEST_OTP,
} from './cards.ts';
import type { SandboxContext } from './context.ts';
import type { Binding, CardMask, Transaction } from './ledger.ts';

export type Step = 'approved' | 'declined' | 'otp';

export function cardMask(pan: string): CardMask {
  return { first6: pan.slice(0, 6), last4: pan.slice(-4), length: pan.length };
}

/** The merchant's return URL with `txId` appended, or `null` when it has none. */
export function returnUrlFor(ctx: SandboxContext, tx: Transaction): string | null {
  const base = ctx.merchant(tx.merchantId)?.returnUrl;
  if (!base) return null;
  const url = new URL(base);
  url.searchParams.set('txId', tx.txId);
  return url.toString();
}

function announce(ctx: SandboxContext, tx: Transaction): void {
  ctx.push.notify(ctx.merchant(tx.merchantId)?.notifyUrl, tx.txId, tx.state === 'APPROVED');
}

/** How an attempt was approved: the card paid with (none for a scan), how, and whether late. */
interface Approval {
  readonly card: CardMask | null;
  readonly via: string;
  readonly late?: boolean;
}

function approve(ctx: SandboxContext, tx: Transaction, approval: Approval): Step {
  ctx.ledger.approve(tx, approval);
  announce(ctx, tx);
  return 'approved';
}

function decline(
  ctx: SandboxContext,
  tx: Transaction,
  { card, reason }: { readonly card: CardMask | null; readonly reason: string },
): Step {
  ctx.ledger.decline(tx, card, reason);
  announce(ctx, tx);
  return 'declined';
}

function byBehaviour(
  ctx: SandboxContext,
  tx: Transaction,
  {
    card,
    behaviour,
    via,
  }: { readonly card: CardMask; readonly behaviour: CardBehaviour; readonly via: string },
): Step {
  switch (behaviour) {
    case 'approve':
      return approve(ctx, tx, { card, via });
    case 'decline':
      return decline(ctx, tx, { card, reason: DECLINE_MESSAGES.decline });
    case 'insufficient_funds':
      return decline(ctx, tx, { card, reason: DECLINE_MESSAGES.insufficient_funds });
    case '3ds':
      ctx.ledger.awaitOtp(tx, card, 'approve');
      return 'otp';
  }
}

/** A credit/debit card typed on the form (already checked by {@link checkCardNumber}). */
export function payByCard(ctx: SandboxContext, tx: Transaction, pan: string): Step {
  return byBehaviour(ctx, tx, { card: cardMask(pan), behaviour: cardBehaviour(pan), via: 'card' });
}

/** A PAYON card with its PIN checked: the OTP step follows. */
export function payByPayonCard(ctx: SandboxContext, tx: Transaction, pan: string): Step {
  ctx.ledger.awaitOtp(tx, cardMask(pan), 'approve');
  return 'otp';
}

/** A saved card whose passcode was checked: PAYON bindings approve, credit/debit ones ask the OTP. */
export function payBySavedCard(ctx: SandboxContext, tx: Transaction, binding: Binding): Step {
  if (binding.paymentMethod === 'PAYON')
    return approve(ctx, tx, { card: binding.card, via: 'saved PAYON card' });
  if (binding.behaviour === 'decline')
    return decline(ctx, tx, { card: binding.card, reason: DECLINE_MESSAGES.decline });
  ctx.ledger.awaitOtp(
    tx,
    binding.card,
    binding.behaviour === 'insufficient_funds' ? 'insufficient_funds' : 'approve',
  );
  return 'otp';
}

/** The KHQR / wallet "Scan and pay" button: the customer's app approves. */
export function payByScan(ctx: SandboxContext, tx: Transaction): Step {
  return approve(ctx, tx, { card: null, via: tx.checkout === 'khqr' ? 'KHQR scan' : 'wallet app' });
}

export function submitOtp(ctx: SandboxContext, tx: Transaction, otp: string): Step {
  if (otp.trim() !== TEST_OTP)
    return decline(ctx, tx, { card: null, reason: DECLINE_MESSAGES.otp });
  if (tx.otpThen === 'insufficient_funds') {
    return decline(ctx, tx, { card: null, reason: DECLINE_MESSAGES.insufficient_funds });
  }
  return approve(ctx, tx, { card: null, via: 'OTP verified' });
}

export type AdminOutcome = 'approve' | 'decline' | 'insufficient_funds';

/** The admin API's pay: an outcome directly, or a card that behaves as on the form. */
export function payByAdmin(
  ctx: SandboxContext,
  tx: Transaction,
  {
    outcome,
    card,
  }: { readonly outcome: AdminOutcome | undefined; readonly card: string | undefined },
): Step | string {
  if (card !== undefined) {
    const pan = normalisePan(card);
    const problem = checkCardNumber(pan, tx.checkout === 'payon-card');
    if (problem) return problem;
    if (tx.checkout === 'payon-card') return payByPayonCard(ctx, tx, pan);
    if (outcome === undefined) return payByCard(ctx, tx, pan);
    return byBehaviour(ctx, tx, { card: cardMask(pan), behaviour: outcome, via: 'admin API' });
  }
  const mask = tx.paymentType === '03' ? null : defaultCard(ctx, tx);
  const chosen = outcome ?? 'approve';
  if (chosen === 'approve') return approve(ctx, tx, { card: mask, via: 'admin API' });
  return decline(ctx, tx, { card: mask, reason: DECLINE_MESSAGES[chosen] });
}

/**
 * The admin API's late approval: PAYON approving an order that is past its expiry or has only
 * declined attempts (its late answer), as one more attempt. The caller checks it is not approved.
 */
export function payLate(
  ctx: SandboxContext,
  tx: Transaction,
  card: string | undefined,
): Step | string {
  let mask = tx.paymentType === '03' ? null : defaultCard(ctx, tx);
  if (card !== undefined) {
    const pan = normalisePan(card);
    const problem = checkCardNumber(pan, tx.checkout === 'payon-card');
    if (problem) return problem;
    mask = cardMask(pan);
  }
  return approve(ctx, tx, { card: mask, via: 'admin API', late: true });
}

function defaultCard(ctx: SandboxContext, tx: Transaction): CardMask | null {
  if (tx.bindingId) return ctx.ledger.binding(tx.bindingId)?.card ?? null;
  return cardMask(tx.paymentType === '01' ? '1010499900000048' : '4111111111111111');
}

/** Why a typed card number cannot be used, or `undefined` when it can. */
export function checkCardNumber(pan: string, payon: boolean): string | undefined {
  if (payon) {
    return isPayonCard(pan)
      ? undefined
      : 'This is not a PAYON card number (16 digits starting 101049).';
  }
  return luhnValid(pan)
    ? undefined
    : 'The card number is not valid. Check the digits and try again.';
}
