/**
 * A saved card (PAYON "binding") as the product keeps it: never the card number, CVV or PIN; only
 * the masked number (first 6, last 4), the expiry, PAYON's bindingId and the customer's clientId.
 * PAYON has no unbind and deactivates older bindings of the same card silently, so the product
 * keeps each binding's status itself and refuses to charge one that is not active.
 */
import * as z from 'zod';
import { instant } from '#shared/http/schemas.ts';

export const BINDING_STATUSES = ['active', 'deactivated', 'unbound'] as const;
export type BindingStatus = (typeof BINDING_STATUSES)[number];

export interface Binding {
  readonly bindingId: string;
  readonly clientId: string;
  readonly paymentMethod: 'PAYON' | 'CREDIT_DEBIT';
  /** First 6 and last 4 digits, the rest `*`. */
  readonly maskedPan: string;
  /** `YYYY-MM`, when the card has one. */
  readonly expiry: string | undefined;
  readonly status: BindingStatus;
  /** Why the status last changed (`deactivated`, `unbound`). */
  readonly statusReason: string | undefined;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A customer's PIN settings as far as the product made them (PAYON keeps the PIN itself). */
export interface Customer {
  readonly clientId: string;
  readonly pinSet: boolean;
  /** PAYON's `verifyYn` as last set or seen; undefined when never known. */
  readonly pinVerification: boolean | undefined;
  readonly version: number;
  readonly updatedAt: string;
}

/** A saved card as the API shows it: openapi.json's `Binding`. */
export const bindingViewSchema = z
  .object({
    id: z.string(),
    clientId: z.string(),
    paymentMethod: z.enum(['PAYON', 'CREDIT_DEBIT']),
    /** First 6 and last 4 digits, the rest `*`. */
    maskedPan: z.string(),
    /** `YYYY-MM` */
    expiry: z.string().nullable(),
    status: z.enum(BINDING_STATUSES),
    statusReason: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Binding', description: 'A saved card (never its number, CVV or PIN)' });

export type BindingView = z.output<typeof bindingViewSchema>;

/** A customer's PIN settings as the API shows them (create-binding-pin, set-pin-verification). */
export const customerPinViewSchema = z
  .object({
    clientId: z.string(),
    pinSet: z.boolean(),
    /** PAYON's passcode check; null when never known. */
    pinVerification: z.boolean().nullable(),
  })
  .meta({ id: 'CustomerPin', description: "A customer's saved-card passcode settings" });

export type CustomerPinView = z.output<typeof customerPinViewSchema>;

export function customerPinView(c: Customer): CustomerPinView {
  return { clientId: c.clientId, pinSet: c.pinSet, pinVerification: c.pinVerification ?? null };
}

export function bindingView(b: Binding): BindingView {
  return {
    id: b.bindingId,
    clientId: b.clientId,
    paymentMethod: b.paymentMethod,
    maskedPan: b.maskedPan,
    expiry: b.expiry ?? null,
    status: b.status,
    statusReason: b.statusReason ?? null,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

/** The binding moved to `status` (a new version). */
export function withStatus(
  b: Binding,
  { status, reason, at }: { status: BindingStatus; reason: string; at: Date },
): Binding {
  return {
    ...b,
    status,
    statusReason: reason,
    version: b.version + 1,
    updatedAt: at.toISOString(),
  };
}
