/**
 * Least privilege, in one place: what each function of the route table may touch. The stack grants
 * exactly this and the infra tests assert it against the synthesized IAM policies.
 */
import type { TableAccess } from '#infra/constructs/payon-function.ts';

export interface FunctionAccess {
  /** Access to the payments table, or none. */
  readonly table?: TableAccess;
  /** Whether the function reads the merchant's PAYON secret (to sign calls to PAYON). */
  readonly merchantSecret: boolean;
}

export const FUNCTION_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  // Money moves: payment record + conditional idempotency record (put/update/delete), PAYON call.
  'register-payment': { table: 'readWrite', merchantSecret: true },
  'capture-payment': { table: 'readWrite', merchantSecret: true },
  'cancel-payment': { table: 'readWrite', merchantSecret: true },
  'refund-payment': { table: 'readWrite', merchantSecret: true },
  // Reads the payment; `?sync=true` asks PAYON and writes the settled state back.
  'get-payment': { table: 'readWrite', merchantSecret: true },
  // PAYON's order history only: nothing of ours is read or written.
  'list-transactions': { merchantSecret: true },
  // Public: reads one payment's returnUrl; must never reach PAYON's credentials.
  'payment-return': { table: 'read', merchantSecret: false },
};

/** The access of one function; a route whose function is not listed stops the synth. */
export function accessOf(fn: string): FunctionAccess {
  const access = FUNCTION_ACCESS[fn];
  if (access === undefined) {
    throw new Error(`infra/access.ts has no entry for function "${fn}": add its least privilege.`);
  }
  return access;
}
