import { type BindingDeps, listBindings } from '#shared/bindings/service.ts';
import { type BindingView, bindingView } from '#shared/domain/binding.ts';

const DAY_MS = 86_400_000;

export interface CustomerBindings {
  readonly clientId: string;
  /** PAYON's PIN verification for the customer, when its list says. */
  readonly pinVerification: boolean | null;
  readonly items: (BindingView & { readonly ageDays: number })[];
}

/** The customer's saved cards, checked against PAYON's list, with PIN verification and age. */
export async function customerBindings(
  deps: BindingDeps,
  clientId: string,
): Promise<CustomerBindings> {
  const { bindings, pinVerification } = await listBindings(deps, clientId);
  const now = deps.clock().getTime();
  return {
    clientId,
    pinVerification: pinVerification ?? null,
    items: bindings.map((b) => ({
      ...bindingView(b),
      ageDays: Math.floor((now - Date.parse(b.createdAt)) / DAY_MS),
    })),
  };
}
