/**
 * Saved cards (PAYON "binding"): create (optionally paying at once), list, PIN, PIN verification,
 * unbind. Card data goes to PAYON and nowhere else; the product keeps each binding's status itself
 * because PAYON has no unbind and silently deactivates an older binding of the same card
 * (docs/payon-assumptions.md A42: detected by comparing PAYON's list before and after). Every
 * change is an event.
 */

import type { CardRequest } from '#shared/bindings/input.ts';
import { type Binding, bindingView, type Customer, withStatus } from '#shared/domain/binding.ts';
import { maskPan } from '#shared/domain/card.ts';
import { NotFoundError, UnprocessableError } from '#shared/errors.ts';
import { bindingEvent, pinEvent } from '#shared/events/envelope.ts';
import type { BindingRecord } from '#shared/payon/types.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';

export type BindingDeps = Pick<
  Dependencies,
  'payon' | 'bindings' | 'clock' | 'config' | 'logger' | 'events'
>;

/** Why a binding left the active state. */
export const DEACTIVATION_REASONS = {
  rebound: 'PAYON deactivated it when the same card was bound again',
  unlisted: "PAYON's binding list no longer shows it",
} as const;

/** Counts one binding or PIN call of the customer against the rate limit (429 past it). */
export async function rateLimit(deps: BindingDeps, clientId: string): Promise<void> {
  const { limit, windowMs } = deps.config.bindings.rateLimit;
  await deps.bindings.take(clientId, { now: deps.clock(), limit, windowMs });
}

export interface CreateBindingRequest {
  readonly clientId: string;
  readonly paymentMethod: 'PAYON' | 'CREDIT_DEBIT';
  readonly card: CardRequest;
  readonly phone?: string;
  readonly email?: string;
  readonly pin?: string;
  readonly payonPin?: string;
}

/**
 * Binds a card at PAYON and records it (masked). Bindings PAYON dropped meanwhile (the same card
 * bound again) are marked deactivated, each with its event; their ids are returned.
 */
export async function createBinding(
  deps: BindingDeps,
  request: CreateBindingRequest,
): Promise<{ binding: Binding; deactivated: Binding[] }> {
  const { clientId, card } = request;
  const before = await payonList(deps, clientId);
  const created = await deps.payon.createBinding({
    clientId,
    paymentMethod: request.paymentMethod,
    card: {
      number: card.number,
      expiry: card.expiry.replace('-', ''),
      ...(card.cvv ? { cvv: card.cvv } : {}),
      ...(card.holderName ? { holderName: card.holderName } : {}),
    },
    ...(request.phone ? { phone: request.phone } : {}),
    ...(request.email ? { email: request.email } : {}),
    ...(request.pin ? { pin: request.pin } : {}),
    ...(request.payonPin ? { payonPin: request.payonPin } : {}),
  });
  const now = deps.clock().toISOString();
  const binding: Binding = {
    bindingId: created.bindingId,
    clientId,
    paymentMethod: request.paymentMethod,
    // From the number we were given, never from PAYON's answer (whose masks differ).
    maskedPan: maskPan(card.number),
    expiry: card.expiry,
    status: 'active',
    statusReason: undefined,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await deps.bindings.save(binding, bindingEvent(binding, 'binding.created', deps.events.stage));
  if (request.pin) await recordPin(deps, clientId, { pinSet: true });
  const after = await payonList(deps, clientId);
  const deactivated =
    after === undefined
      ? []
      : await deactivateMissing(deps, clientId, {
          listed: after,
          before,
          keep: binding.bindingId,
        });
  return { binding, deactivated };
}

/**
 * The customer's bindings: the product's own, each checked against PAYON's list (one that PAYON no
 * longer shows is marked deactivated, with its event). PAYON's PIN verification flag is kept.
 */
export async function listBindings(
  deps: BindingDeps,
  clientId: string,
): Promise<{ bindings: Binding[]; pinVerification: boolean | undefined }> {
  const listed = await deps.payon.listBindings(clientId);
  await deactivateMissing(deps, clientId, { listed });
  const pinVerification = listed.find((b) => b.pinVerification !== undefined)?.pinVerification;
  return { bindings: await deps.bindings.list(clientId), pinVerification };
}

/** Sets the customer's passcode at PAYON (RSA-encrypted by the client). */
export async function createPin(
  deps: BindingDeps,
  clientId: string,
  pin: string,
): Promise<Customer> {
  await deps.payon.createPin({ clientId, pin });
  return recordPin(deps, clientId, { pinSet: true });
}

/** Turns PAYON's PIN verification on or off for the customer. */
export async function setPinVerification(
  deps: BindingDeps,
  clientId: string,
  enabled: boolean,
): Promise<Customer> {
  await deps.payon.setPinVerification({ clientId, enabled });
  return recordPin(deps, clientId, { pinVerification: enabled });
}

/**
 * Unbinds locally (PAYON has no unbind): the product refuses every later charge of this binding.
 * When it was the customer's last active binding, PIN verification is switched off at PAYON too
 * (best effort: a failure there is logged, the unbind stands).
 */
export async function unbind(
  deps: BindingDeps,
  clientId: string,
  bindingId: string,
): Promise<Binding> {
  const binding = await deps.bindings.get(clientId, bindingId);
  if (!binding) throw new NotFoundError(`customer ${clientId} has no binding ${bindingId}`);
  if (binding.status === 'unbound') return binding;
  const next = withStatus(binding, {
    status: 'unbound',
    reason: 'unbound by the merchant',
    at: deps.clock(),
  });
  await deps.bindings.save(next, bindingEvent(next, 'binding.unbound', deps.events.stage));
  const others = (await deps.bindings.list(clientId)).filter((b) => b.status === 'active');
  const customer = await deps.bindings.customer(clientId);
  if (others.length === 0 && customer?.pinVerification !== false) {
    try {
      await setPinVerification(deps, clientId, false);
    } catch (error) {
      deps.logger.warn('PIN verification could not be switched off after the last unbind', {
        clientId,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
  return next;
}

/**
 * The binding a saved-card payment may use: the customer's, and active. Anything else is refused
 * before PAYON is called (an unbound or deactivated card is never charged).
 */
export async function usableBinding(
  deps: Pick<Dependencies, 'bindings'>,
  clientId: string,
  bindingId: string,
): Promise<Binding> {
  const binding = await deps.bindings.get(clientId, bindingId);
  if (!binding) {
    throw new UnprocessableError(
      'binding_not_usable',
      `binding ${bindingId} is not a saved card of customer ${clientId}`,
    );
  }
  if (binding.status !== 'active') {
    throw new UnprocessableError(
      'binding_not_usable',
      `binding ${bindingId} is ${binding.status} (${binding.statusReason ?? 'no reason'}); it cannot be charged`,
    );
  }
  return binding;
}

export { bindingView };

async function payonList(
  deps: BindingDeps,
  clientId: string,
): Promise<BindingRecord[] | undefined> {
  try {
    return await deps.payon.listBindings(clientId);
  } catch (error) {
    // The comparison is best effort: the next list catches what this one missed.
    deps.logger.warn("PAYON's binding list could not be read", {
      clientId,
      error: error instanceof Error ? error.name : 'unknown',
    });
    return undefined;
  }
}

/**
 * Deactivates the customer's active bindings that PAYON's list (`listed`) no longer shows, except
 * `keep` (the one just created); one that `before` (the list read before creating) still showed
 * was replaced by the new card (PAYON keeps one per card).
 */
async function deactivateMissing(
  deps: BindingDeps,
  clientId: string,
  lists: {
    readonly listed: readonly BindingRecord[];
    readonly before?: readonly BindingRecord[] | undefined;
    readonly keep?: string | undefined;
  },
): Promise<Binding[]> {
  const { listed, before, keep } = lists;
  const present = new Set(listed.map((b) => b.bindingId));
  const wasListed = new Set((before ?? []).map((b) => b.bindingId));
  const gone = (await deps.bindings.list(clientId)).filter(
    (b) => b.status === 'active' && b.bindingId !== keep && !present.has(b.bindingId),
  );
  const deactivated: Binding[] = [];
  for (const binding of gone) {
    const reason =
      keep !== undefined && wasListed.has(binding.bindingId)
        ? DEACTIVATION_REASONS.rebound
        : DEACTIVATION_REASONS.unlisted;
    const next = withStatus(binding, { status: 'deactivated', reason, at: deps.clock() });
    await deps.bindings.save(next, bindingEvent(next, 'binding.deactivated', deps.events.stage));
    deactivated.push(next);
  }
  return deactivated;
}

async function recordPin(
  deps: BindingDeps,
  clientId: string,
  change: { pinSet?: boolean; pinVerification?: boolean },
): Promise<Customer> {
  const current = await deps.bindings.customer(clientId);
  const next: Customer = {
    clientId,
    pinSet: change.pinSet ?? current?.pinSet ?? false,
    pinVerification: change.pinVerification ?? current?.pinVerification,
    version: (current?.version ?? 0) + 1,
    updatedAt: deps.clock().toISOString(),
  };
  await deps.bindings.saveCustomer(next, pinEvent(next, deps.events.stage));
  return next;
}
