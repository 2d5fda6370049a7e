import type * as z from 'zod';
import { dayStart } from '#shared/domain/business-day.ts';
import type { PaymentFilter } from '#shared/store/payment-list.ts';
import type { listPaymentsSchemas } from './route.ts';

const DAY_MS = 86_400_000;

/** The store's filter from the validated query: instants in UTC as stored, a day as its bounds. */
export function filterOf(query: z.output<typeof listPaymentsSchemas.query>): PaymentFilter {
  const from = query.day ? dayStart(query.day) : query.createdFrom && new Date(query.createdFrom);
  const to = query.day
    ? new Date(dayStart(query.day).getTime() + DAY_MS)
    : query.createdTo && new Date(query.createdTo);
  return {
    ...(query.state ? { states: query.state } : {}),
    ...(query.paymentMethod ? { paymentMethod: query.paymentMethod } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.reference !== undefined ? { reference: query.reference } : {}),
    ...(query.clientId !== undefined ? { clientId: query.clientId } : {}),
    ...(from ? { createdFrom: from.toISOString() } : {}),
    ...(to ? { createdTo: to.toISOString() } : {}),
    ...(query.needsAttention === 'true' ? { needsAttention: true } : {}),
  };
}
