/**
 * Confirming a stored push (docs/payon-assumptions.md A34, A35, A48): a push never changes a
 * payment by itself. It triggers the same status sync the sweep runs (a `9999` push only makes the
 * product look sooner: a decline is recorded from PAYON's orders list, and FAILED needs the order
 * to be past its expiry and grace period). A push that disagrees with a settled payment triggers a
 * pull too. Whatever PAYON says, the notification is then marked as agreeing or disagreeing: a
 * disagreeing push has changed nothing, is kept for review, and counts in
 * `notifications.disagreed` (alarmed).
 */

import { maskCardNumbers } from '#shared/domain/card.ts';
import { awaitsPayon, noteAttention, type Payment } from '#shared/domain/payment.ts';
import {
  CONCLUDED_UNPAID,
  type KnownState,
  type PaymentState,
} from '#shared/domain/payment-state.ts';
import { ConflictError } from '#shared/errors.ts';
import { type StatusEvidence, statusEvidence } from '#shared/payments/evidence.ts';
import { type SyncDeps, syncPayment } from '#shared/payments/sync.ts';
import { isPayonFault } from '#shared/payon/outcome.ts';
import { type PushClaim, pushClaim } from '#shared/payon/status.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import { count } from '#shared/runtime/metrics.ts';
import type { NotificationRef, NotificationStatus } from '#shared/store/notifications.ts';

export type ConfirmDeps = SyncDeps & Pick<Dependencies, 'notifications'>;

/**
 * Waits before asking again about a push for a payment not stored yet (the registration may still
 * be writing it) or one PAYON could not be asked about: about 24 h in all, then it is kept as
 * orphaned (retried later, never dropped).
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000,
  28_800_000,
];

/**
 * How often a success claim PAYON does not (yet) confirm is re-checked before it is a disagreement.
 */
export const UNCONFIRMED_CLAIM_CHECKS = 3;

export type ConfirmResult =
  | { readonly status: NotificationStatus; readonly note: string }
  | { readonly status: 'skipped'; readonly note: string };

/**
 * What to do with a push: settle it with a status, or look again later (and, once its schedule is
 * over, settle it as `giveUpAs`).
 */
type Decision =
  | { readonly kind: 'settle'; readonly status: NotificationStatus; readonly note: string }
  | {
      readonly kind: 'again';
      readonly status: NotificationStatus;
      readonly note: string;
      readonly giveUpAs: NotificationStatus;
    };

const settle = (status: NotificationStatus, note: string): Decision => ({
  kind: 'settle',
  status,
  note,
});

const again = (
  status: NotificationStatus,
  note: string,
  giveUpAs: NotificationStatus,
): Decision => ({
  kind: 'again',
  status,
  note,
  giveUpAs,
});

/** A status answer, as the note of a disagreeing push puts it. */
const STATUS_SAYS: Readonly<Record<StatusEvidence['kind'], string>> = {
  confirmed: 'confirms it',
  other_amount: 'confirms another amount',
  not_successful: 'finds no successful transaction',
  cannot_tell: 'does not tell',
};

const PAID: readonly PaymentState[] = ['AUTHORIZED', 'SUCCEEDED', 'CANCELLED', 'REFUNDED'];

function verdictOnSettled(claim: PushClaim, state: PaymentState): NotificationStatus {
  if (claim === 'not_confirmed') return 'no_change';
  if (claim === 'claims_success') return PAID.includes(state) ? 'agreed' : 'disagreed';
  return state === 'FAILED' || state === 'EXPIRED' ? 'agreed' : 'disagreed';
}

/** Confirms one stored push; PAYON or a concurrent writer failing leaves it due again. */
export async function confirmNotification(
  deps: ConfirmDeps,
  ref: NotificationRef,
): Promise<ConfirmResult> {
  const notification = await deps.notifications.get(ref);
  if (notification === undefined) return { status: 'skipped', note: 'no such notification' };
  if (!['received', 'waiting_payment'].includes(notification.status)) {
    return { status: 'skipped', note: `already ${notification.status}` };
  }
  const retryAt = (attempt: number) => {
    const delay = RETRY_DELAYS_MS[attempt];
    return delay === undefined ? undefined : new Date(deps.clock().getTime() + delay);
  };
  const finish = async (status: NotificationStatus, note: string): Promise<ConfirmResult> => {
    if (status === 'disagreed') {
      count(deps.metrics, 'notifications.disagreed');
      deps.logger.warn(
        'a PAYON push disagrees with PAYON; it changed nothing and is kept for review',
        {
          txId: notification.txId,
          notificationId: notification.id,
          resultCode: notification.resultCode,
          note,
        },
      );
      await flagDisagreement(deps, notification.txId, note);
    }
    if (status === 'orphaned') {
      count(deps.metrics, 'notifications.orphaned');
      deps.logger.warn('a PAYON push names no payment of ours; kept for review', {
        txId: notification.txId,
        notificationId: notification.id,
      });
    }
    await deps.notifications.record(notification, { status, note });
    return { status, note };
  };
  /** Carries out a decision: settles the push, or leaves it due again on its schedule. */
  const apply = async (decision: Decision): Promise<ConfirmResult> => {
    if (decision.kind === 'settle') return finish(decision.status, decision.note);
    const at = retryAt(notification.attempts);
    if (at === undefined) {
      return finish(
        decision.giveUpAs,
        `${decision.note}; gave up after ${notification.attempts + 1} attempts`,
      );
    }
    const { status, note } = decision;
    await deps.notifications.record(notification, { status, note, retryAt: at });
    return { status, note };
  };

  const claim = pushClaim(notification.resultCode, {
    warn: (message, extra) => deps.logger.warn(message, extra ?? {}),
  });
  try {
    const payment = await deps.payments.get(notification.txId);
    if (payment === undefined) {
      return await apply(again('waiting_payment', 'no payment with this txId yet', 'orphaned'));
    }
    const state = payment.snapshot.state;
    if (!awaitsPayon(state) && !CONCLUDED_UNPAID.includes(state as KnownState)) {
      return await apply(await judgeSettled(deps, payment, claim));
    }
    const outcome = await syncPayment(deps, payment, { push: claim });
    return await apply(judge({ ...outcome, claim, attempts: notification.attempts }));
  } catch (error) {
    // PAYON refused or did not answer (a refused read tells nothing), or a writer came first.
    if (isPayonFault(error) || error instanceof ConflictError) {
      count(deps.metrics, 'notifications.retried');
      return apply(again('received', `could not confirm yet (${error.name})`, 'no_change'));
    }
    // Anything else (an answer nothing could read, a store fault): counted and backed off like
    // the rest, so that one push never blocks the others. If the store is down, this throws.
    count(deps.metrics, 'notifications.failed');
    const name = error instanceof Error ? error.name : 'unknown';
    deps.logger.error('a push could not be confirmed; it is retried on its schedule', {
      notificationId: notification.id,
      error: name,
      message: error instanceof Error ? maskCardNumbers(error.message).slice(0, 300) : '',
    });
    try {
      return await apply(again('received', `could not confirm (${name})`, 'no_change'));
    } catch {
      throw error;
    }
  }
}

/**
 * The payment a push disagreed with is flagged `push_disagreed` for an operator (once; a history
 * entry with its own version and no event). A concurrent writer gets one re-read.
 */
async function flagDisagreement(deps: ConfirmDeps, txId: string, note: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const payment = await deps.payments.get(txId);
    if (payment === undefined) return;
    const noted = noteAttention(payment, {
      change: 'push_disagreed',
      source: 'payon',
      reason: `a PAYON push disagrees with PAYON: ${note}`,
      now: deps.clock(),
    });
    if (noted === undefined) return;
    try {
      await deps.payments.update(noted);
      return;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt > 0) throw error;
    }
  }
}

// Assumed (docs/payon-assumptions.md A48).
/**
 * A push about a payment that is already settled. If it agrees, nothing to do. If it disagrees,
 * PAYON is asked (never only a log line): a `9999` push for a payment PAYON's status confirms is an
 * earlier declined attempt (no change); anything else is a disagreement kept for review.
 */
async function judgeSettled(
  deps: ConfirmDeps,
  payment: Payment,
  claim: PushClaim,
): Promise<Decision> {
  const state = payment.snapshot.state;
  const verdict = verdictOnSettled(claim, state);
  if (verdict !== 'disagreed') return settle(verdict, `the payment is already ${state}`);
  const evidence = statusEvidence(
    await deps.payon.transactionStatus({ txId: payment.txId, amount: payment.amount }),
    payment.amount,
  );
  const confirmed = evidence.kind === 'confirmed';
  if (claim === 'claims_failure' && confirmed) {
    return settle(
      'no_change',
      `the payment is already ${state}; PAYON's status confirms it, so the 9999 was an earlier declined attempt`,
    );
  }
  return settle(
    'disagreed',
    `the payment is ${state}; PAYON's status ${STATUS_SAYS[evidence.kind]}`,
  );
}

/** What a push means once its payment has been synced with PAYON. */
function judge(synced: {
  readonly payment: Payment;
  readonly changed: boolean;
  readonly claim: PushClaim;
  /** How often this push was looked at before. */
  readonly attempts: number;
}): Decision {
  const { payment, changed, claim, attempts } = synced;
  const state = payment.snapshot.state;
  if (claim === 'not_confirmed') return settle('no_change', `unknown resultCode; payment ${state}`);
  if (changed && !awaitsPayon(state)) {
    return settle(verdictOnSettled(claim, state), `PAYON's answer made the payment ${state}`);
  }
  if (claim === 'claims_failure' && (state === 'FAILED' || state === 'EXPIRED')) {
    return settle('agreed', `the payment is already ${state}`);
  }
  if (claim === 'claims_success' && attempts + 1 >= UNCONFIRMED_CLAIM_CHECKS) {
    return settle(
      'disagreed',
      `PAYON's status does not confirm the claimed success (payment ${state})`,
    );
  }
  return again('received', `PAYON does not confirm it yet (payment ${state})`, 'no_change');
}
