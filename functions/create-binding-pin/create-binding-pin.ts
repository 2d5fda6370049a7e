import { checkFresh } from '#shared/bindings/input.ts';
import { type BindingDeps, createPin, rateLimit } from '#shared/bindings/service.ts';
import type { Customer } from '#shared/domain/binding.ts';

/**
 * Sets the customer's saved-card passcode at PAYON, RSA-encrypted by the client; the PIN is never
 * kept. A stale request (`requestedAt`) and a customer over the rate limit change nothing.
 */
export async function createBindingPin(
  deps: BindingDeps,
  request: { clientId: string; pin: string; requestedAt: string },
): Promise<Customer> {
  checkFresh(request.requestedAt, deps.clock());
  await rateLimit(deps, request.clientId);
  return createPin(deps, request.clientId, request.pin);
}
