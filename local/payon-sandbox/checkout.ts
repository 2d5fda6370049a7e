/**
 * Hosted checkout routes: GET /checkout/{txId} shows the page for the payment method and state;
 * POSTs of its forms (application/x-www-form-urlencoded) move the payment on. A decided attempt
 * redirects (303) to the merchant's returnUrl with `?txId=` (or to its own result page). After a
 * decline the result page offers "Try again" (GET /checkout/{txId}?retry=1: the form again) until
 * the order expires.
 */
import { normalisePan, PAYON_CARD_PIN } from './cards.ts';
import {
  cardFormPage,
  messagePage,
  otpPage,
  passcodePage,
  payonCardFormPage,
  qrPage,
  resultPage,
  walletPage,
} from './checkout-pages.ts';
import type { SandboxContext } from './context.ts';
import { type Answer, html, redirect, type SandboxRequest } from './http.ts';
import type { Transaction } from './ledger.ts';
import {
  checkCardNumber,
  payByCard,
  payByPayonCard,
  payBySavedCard,
  payByScan,
  returnUrlFor,
  type Step,
  submitOtp,
} from './payments.ts';

const merchantName = (ctx: SandboxContext, tx: Transaction): string =>
  ctx.merchant(tx.merchantId)?.name ?? tx.merchantId;

const selfUrl = (tx: Transaction): string => `/checkout/${encodeURIComponent(tx.txId)}`;

function afterStep(ctx: SandboxContext, tx: Transaction, step: Step): Answer {
  if (step === 'otp') return redirect(selfUrl(tx));
  return redirect(returnUrlFor(ctx, tx) ?? selfUrl(tx));
}

function savedCardText(ctx: SandboxContext, tx: Transaction): string {
  const binding = tx.bindingId ? ctx.ledger.binding(tx.bindingId) : undefined;
  return binding ? `${binding.card.first6.slice(0, 4)} •••• ${binding.card.last4}` : 'unknown';
}

function needsPasscode(ctx: SandboxContext, tx: Transaction): boolean {
  return tx.clientId !== null && ctx.ledger.passcodeRequired(tx.merchantId, tx.clientId);
}

/**
 * The page for the payment's method and state; `error` re-shows a form with a message. A declined
 * order shows its result page, or with `retry` (and before expiry) the form again.
 */
function show(
  ctx: SandboxContext,
  tx: Transaction,
  { error, retry = false }: { readonly error?: string | undefined; readonly retry?: boolean } = {},
): Answer {
  const name = merchantName(ctx, tx);
  const status = error ? 422 : 200;
  const retryable = ctx.ledger.retryable(tx);
  switch (tx.state) {
    case 'EXPIRED':
      return html(410, resultPage(tx, name, false));
    case 'AWAITING_OTP':
      return html(200, otpPage(tx, name));
    case 'REGISTERED':
      break;
    case 'DECLINED':
      if (retryable && (retry || error)) break;
      return html(200, resultPage(tx, name, retryable));
    default:
      return html(200, resultPage(tx, name, false));
  }
  switch (tx.checkout) {
    case 'card':
      return html(status, cardFormPage(tx, name, error));
    case 'payon-card':
      return html(status, payonCardFormPage(tx, name, error));
    case 'khqr':
      return html(200, qrPage(tx, name));
    case 'wallet':
      return html(200, walletPage(tx, name));
    case 'saved-card':
      return html(
        status,
        passcodePage(tx, name, {
          cardText: savedCardText(ctx, tx),
          needsPasscode: needsPasscode(ctx, tx),
          error,
        }),
      );
  }
}

type FormStep = 'card' | 'payon-card' | 'scan' | 'passcode' | 'otp';
const FORM_STEPS: readonly string[] = ['card', 'payon-card', 'scan', 'passcode', 'otp'];

function post(
  ctx: SandboxContext,
  tx: Transaction,
  { step, form }: { readonly step: FormStep; readonly form: URLSearchParams },
): Answer {
  const notPayable = ctx.ledger.payable(tx, step === 'otp');
  if (notPayable) {
    return html(
      ctx.ledger.closedByExpiry(tx) ? 410 : 409,
      messagePage('Payment not possible', notPayable),
    );
  }
  const expected: Record<FormStep, Transaction['checkout'][]> = {
    card: ['card'],
    'payon-card': ['payon-card'],
    scan: ['khqr', 'wallet'],
    passcode: ['saved-card'],
    otp: ['card', 'payon-card', 'saved-card'],
  };
  if (!expected[step].includes(tx.checkout)) {
    return html(
      409,
      messagePage('Wrong form', 'This form does not belong to this payment method.'),
    );
  }
  const field = (name: string): string => form.get(name) ?? '';
  switch (step) {
    case 'card': {
      const pan = normalisePan(field('cardNumber'));
      const problem = checkCardNumber(pan, false);
      if (problem) return show(ctx, tx, { error: problem });
      return afterStep(ctx, tx, payByCard(ctx, tx, pan));
    }
    case 'payon-card': {
      const pan = normalisePan(field('cardNumber'));
      const problem = checkCardNumber(pan, true);
      if (problem) return show(ctx, tx, { error: problem });
      if (field('pin') !== PAYON_CARD_PIN) {
        return show(ctx, tx, { error: 'Incorrect PIN. Try again.' });
      }
      return afterStep(ctx, tx, payByPayonCard(ctx, tx, pan));
    }
    case 'scan':
      return afterStep(ctx, tx, payByScan(ctx, tx));
    case 'passcode': {
      const binding = tx.bindingId ? ctx.ledger.binding(tx.bindingId) : undefined;
      if (!binding?.active) {
        return html(
          409,
          messagePage('Card not available', 'The saved card is no longer available.'),
        );
      }
      if (
        needsPasscode(ctx, tx) &&
        !ctx.ledger.checkPin(tx.merchantId, tx.clientId ?? '', field('passcode'))
      ) {
        return show(ctx, tx, { error: 'Wrong passcode. Try again.' });
      }
      return afterStep(ctx, tx, payBySavedCard(ctx, tx, binding));
    }
    case 'otp':
      return afterStep(ctx, tx, submitOtp(ctx, tx, field('otp')));
  }
}

/** Answers a /checkout request, or `undefined` when the path is not a checkout path. */
export function checkoutRoute(
  ctx: SandboxContext,
  { method, url, body }: SandboxRequest,
): Answer | undefined {
  const match = /^\/checkout\/([^/]+)(?:\/([a-z-]+))?$/.exec(url.pathname);
  if (!match) return undefined;
  const txId = decodeURIComponent(match[1] ?? '');
  const step = match[2];
  const tx = ctx.ledger.find(txId);
  if (!tx) return html(404, messagePage('Payment not found', `There is no payment ${txId}.`));
  if (step === undefined) {
    if (method !== 'GET' && method !== 'HEAD')
      return html(405, messagePage('Not allowed', 'Use GET.'));
    return show(ctx, tx, { retry: url.searchParams.has('retry') });
  }
  if (method !== 'POST' || !FORM_STEPS.includes(step)) {
    return html(405, messagePage('Not allowed', 'This address only takes the checkout form.'));
  }
  return post(ctx, tx, { step: step as FormStep, form: new URLSearchParams(body) });
}
