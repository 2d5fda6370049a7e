import { checkFresh } from '#shared/bindings/input.ts';
import { type BindingDeps, rateLimit, setPinVerification } from '#shared/bindings/service.ts';
import type { Customer } from '#shared/domain/binding.ts';

/**
 * Turns PAYON's PIN verification of saved-card payments on or off for a customer. A stale request
 * (`requestedAt`) and a customer over the rate limit change nothing.
 */
export async function setCustomerPinVerification(
  deps: BindingDeps,
  request: { clientId: string; enabled: boolean; requestedAt: string },
): Promise<Customer> {
  checkFresh(request.requestedAt, deps.clock());
  await rateLimit(deps, request.clientId);
  return setPinVerification(deps, request.clientId, request.enabled);
}
