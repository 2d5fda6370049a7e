import * as z from 'zod';
import { type BindingDeps, listBindings } from '#shared/bindings/service.ts';
import { bindingView, bindingViewSchema } from '#shared/domain/binding.ts';

const DAY_MS = 86_400_000;

/** `GET /customers/{clientId}/bindings`: openapi.json's `CustomerBindings`. */
export const customerBindingsSchema = z
  .object({
    clientId: z.string(),
    /** PAYON's PIN verification for the customer, when its list says. */
    pinVerification: z.boolean().nullable(),
    items: z.array(
      bindingViewSchema.extend({
        /** Whole days since the card was saved. */
        ageDays: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'CustomerBindings', description: "A customer's saved cards" });

export type CustomerBindings = z.output<typeof customerBindingsSchema>;

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
