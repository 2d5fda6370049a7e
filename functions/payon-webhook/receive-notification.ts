import { BlockList, isIP } from 'node:net';
import * as z from 'zod';
import { safeEqual } from '#shared/crypto/constant-time.ts';
import { maskCardNumbers, maskedJson } from '#shared/domain/card.ts';
import { ForbiddenError, NotFoundError } from '#shared/errors.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import { count } from '#shared/runtime/metrics.ts';

/** When the sweep takes a push the confirmation queue has not settled. */
/**
 * The webhook's answer, in PAYON's own envelope (PAYON documents none; assumption A32):
 * openapi.json's `PayonAcknowledgement`.
 */
export const payonAcknowledgementSchema = z
  .object({
    resultCode: z.literal('0000'),
    /** `Duplicate` when the same push was received before. */
    resultMsg: z.enum(['Success', 'Duplicate']),
  })
  .meta({ id: 'PayonAcknowledgement', description: "The answer to PAYON's push" });

export const SWEEP_PICKUP_MS = 60_000;

export interface ReceivedRequest {
  readonly token: string;
  readonly sourceIp: string | undefined;
  readonly txId: string;
  readonly resultCode: string;
  readonly resultMsg: string | undefined;
  readonly rawBody: string;
}

let allowlist: { readonly cidrs: readonly string[]; readonly list: BlockList } | undefined;

function allowed(cidrs: readonly string[], ip: string | undefined): boolean {
  if (cidrs.length === 0) return true;
  if (ip === undefined || isIP(ip) === 0) return false;
  if (allowlist?.cidrs !== cidrs) {
    const list = new BlockList();
    for (const cidr of cidrs) {
      const [address = '', bits] = cidr.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(bits), type);
    }
    allowlist = { cidrs, list };
  }
  return allowlist.list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The source allowlist, then the URL token (constant time), before the body is even read: a wrong
 * or malformed token answers 404 like any unknown path, whatever the body (a guess learns nothing).
 */
export async function authorizePush(
  deps: Pick<Dependencies, 'config' | 'secrets' | 'metrics'>,
  token: string,
  sourceIp: string | undefined,
): Promise<void> {
  if (!allowed(deps.config.notifications.sourceCidrs, sourceIp)) {
    count(deps.metrics, 'notifications.forbiddenSource');
    throw new ForbiddenError('this address may not send notifications');
  }
  const { notificationToken } = await deps.secrets.get();
  if (!safeEqual(token, notificationToken)) {
    count(deps.metrics, 'notifications.badToken');
    throw new NotFoundError('no such route');
  }
}

/**
 * Accepts a push: source and token checked (again: this function may be called on its own), stored
 * once, handed to confirmation. Nothing here asks PAYON, so the answer does not wait for it.
 */
export async function receiveNotification(
  deps: Pick<
    Dependencies,
    'config' | 'secrets' | 'notifications' | 'confirmQueue' | 'clock' | 'logger' | 'metrics'
  >,
  request: ReceivedRequest,
): Promise<{ duplicate: boolean }> {
  await authorizePush(deps, request.token, request.sourceIp);
  const now = deps.clock();
  const { notification, duplicate } = await deps.notifications.receive(
    {
      txId: request.txId,
      resultCode: request.resultCode,
      resultMsg:
        request.resultMsg === undefined
          ? undefined
          : maskCardNumbers(request.resultMsg.slice(0, 200)),
      // Decoded before masking: an escaped or numeric card number is still a card number (A32).
      body: maskedJson(request.rawBody),
      sourceIp: request.sourceIp,
    },
    now,
    new Date(now.getTime() + SWEEP_PICKUP_MS),
  );
  count(deps.metrics, duplicate ? 'notifications.duplicate' : 'notifications.received');
  if (!duplicate) {
    try {
      await deps.confirmQueue.enqueue(notification);
    } catch (error) {
      // Stored and due in the sweep index: confirmed within a minute instead of at once.
      count(deps.metrics, 'notifications.handoffFailed');
      deps.logger.warn('could not queue the push for confirmation; the sweep will take it', {
        txId: notification.txId,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
  return { duplicate };
}
