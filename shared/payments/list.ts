/**
 * Finding payments (`GET /payments`): the filters a merchant reads from the query string, a page of
 * matches (shared/store/payment-list.ts), and the cursor that continues it. The cursor is opaque
 * and HMAC-signed with the merchant secret's `idempotencySecret`, bound to the filters it was made
 * for: an altered cursor, or one used with other filters, is refused (400 `invalid_cursor`).
 */
import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from '#shared/crypto/constant-time.ts';
import type { Payment } from '#shared/domain/payment.ts';
import { InvalidRequestError } from '#shared/errors.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import type { PaymentFilter } from '#shared/store/payment-list.ts';

export type ListDeps = Pick<Dependencies, 'payments' | 'secrets'>;

const fingerprint = (filter: PaymentFilter): string =>
  createHash('sha256')
    .update(
      JSON.stringify(
        Object.entries(filter)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : 1)),
      ),
    )
    .digest('base64url')
    .slice(0, 22);

const badCursor = (reason: string) => new InvalidRequestError([{ field: 'cursor', reason }]);

/** The opaque cursor for the entry after which the next page starts. */
export function encodeCursor(secret: string, filter: PaymentFilter, after: string): string {
  const body = Buffer.from(JSON.stringify({ v: 1, f: fingerprint(filter), a: after })).toString(
    'base64url',
  );
  const mac = createHmac('sha256', secret).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/**
 * Where a page continues, from a cursor this deployment issued for the same filters.
 *
 * @throws {InvalidRequestError} `invalid_cursor` when it was altered or made for other filters.
 */
export function decodeCursor(secret: string, filter: PaymentFilter, cursor: string): string {
  const [body = '', mac = '', extra] = cursor.split('.');
  const expected = createHmac('sha256', secret).update(body).digest('base64url');
  if (extra !== undefined || !safeEqual(mac, expected)) {
    throw badCursor('is not a cursor this API issued (altered or truncated)');
  }
  let parsed: { v?: unknown; f?: unknown; a?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) ?? {};
  } catch {
    throw badCursor('is not a cursor');
  }
  if (parsed.v !== 1 || typeof parsed.a !== 'string') throw badCursor('is not a cursor');
  if (parsed.f !== fingerprint(filter)) {
    throw badCursor('was issued for other filters; send the same filters with it');
  }
  return parsed.a;
}

export interface PaymentsPage {
  readonly payments: Payment[];
  readonly nextCursor: string | undefined;
}

/** One page of the merchant's payments matching `filter`, newest first. */
export async function findPayments(
  deps: ListDeps,
  page: { readonly filter: PaymentFilter; readonly limit: number; readonly cursor?: string },
): Promise<PaymentsPage> {
  const secret = await deps.secrets.idempotencySecret();
  const after =
    page.cursor === undefined ? undefined : decodeCursor(secret, page.filter, page.cursor);
  const found = await deps.payments.list({
    filter: page.filter,
    limit: page.limit,
    after,
  });
  return {
    payments: found.payments,
    nextCursor:
      found.after === undefined ? undefined : encodeCursor(secret, page.filter, found.after),
  };
}
