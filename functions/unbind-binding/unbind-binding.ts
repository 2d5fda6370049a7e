import { checkFresh } from '#shared/bindings/input.ts';
import { type BindingDeps, rateLimit, unbind } from '#shared/bindings/service.ts';
import type { Binding } from '#shared/domain/binding.ts';

/**
 * Soft-unbinds a saved card: the product never charges it again (PAYON has no unbind). A stale
 * request (`requestedAt`) and a customer over the rate limit change nothing.
 */
export async function unbindBinding(
  deps: BindingDeps,
  request: { clientId: string; bindingId: string; requestedAt: string },
): Promise<Binding> {
  checkFresh(request.requestedAt, deps.clock());
  await rateLimit(deps, request.clientId);
  return unbind(deps, request.clientId, request.bindingId);
}
