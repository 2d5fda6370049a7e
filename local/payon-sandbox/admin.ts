/**
 * The admin API under /_sandbox (JSON): drive payments without a browser, inject faults, move the
 * clock, settle, read the ledger and the journal, tune push chaos and the orders-list behaviour,
 * update merchants. The same operations are methods of the `Sandbox` object returned by
 * startSandbox.
 */
import {
  checkMerchant,
  type MerchantConfig,
  mergeBehaviour,
  type SandboxBehaviour,
  SandboxConfigError,
} from './config.ts';
import type { ReconciliationScript, SandboxContext } from './context.ts';
import type { Fault } from './faults.ts';
import { type Answer, isRecord, json, parseJson, type SandboxRequest, text } from './http.ts';
import type { Transaction } from './ledger.ts';
import { type AdminOutcome, payByAdmin, payLate, returnUrlFor, submitOtp } from './payments.ts';
import { mergeProfile, type ProfileSettings } from './profiles.ts';
import { mergeChaos, type PushChaos } from './push.ts';
import { SIGNING_SCHEMES, type SigningScheme } from './signing.ts';

export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

export interface PaymentResult {
  txId: string;
  state: Transaction['state'];
  /** `0000` approved, `9999` declined, `null` while waiting for the OTP. */
  resultCode: '0000' | '9999' | null;
  approvalNo: string | null;
  declineReason: string | null;
  /** Whether the customer may try again on the same checkout (declined, not yet expired). */
  retryable: boolean;
  /** How many attempts the payment has had (each is one orders-list row). */
  attempts: number;
  /** Where the browser would be sent (merchant returnUrl with ?txId=), or null. */
  returnUrl: string | null;
}

function paymentResult(ctx: SandboxContext, tx: Transaction): PaymentResult {
  const decided = tx.state === 'APPROVED' || tx.state === 'DECLINED';
  return {
    txId: tx.txId,
    state: tx.state,
    resultCode: decided ? (tx.state === 'APPROVED' ? '0000' : '9999') : null,
    approvalNo: tx.approvalNo,
    declineReason: tx.declineReason,
    retryable: ctx.ledger.retryable(tx),
    attempts: tx.attempts.length,
    returnUrl: decided ? returnUrlFor(ctx, tx) : null,
  };
}

function transaction(ctx: SandboxContext, txId: string): Transaction {
  const tx = ctx.ledger.find(txId);
  if (!tx) throw new AdminError(`no payment ${txId}`, 404);
  return tx;
}

const OUTCOMES: readonly string[] = ['approve', 'decline', 'insufficient_funds'];

export interface PayInput {
  outcome?: AdminOutcome;
  card?: string;
  /**
   * PAYON's late answer: approve even past expiry or after declined attempts, as one more attempt
   * (outcome `approve` only; 409 once approved).
   */
  late?: boolean;
}

export function adminPay(ctx: SandboxContext, txId: string, input: PayInput): PaymentResult {
  const tx = transaction(ctx, txId);
  if (input.outcome !== undefined && !OUTCOMES.includes(input.outcome)) {
    throw new AdminError('outcome must be approve, decline or insufficient_funds');
  }
  if (input.late === true) {
    if (input.outcome !== undefined && input.outcome !== 'approve') {
      throw new AdminError('late is only for outcome approve (PAYON approving after all)');
    }
    if (tx.approvalNo !== null) {
      throw new AdminError(`This payment is already ${tx.state.toLowerCase()}.`, 409);
    }
    const step = payLate(ctx, tx, input.card);
    if (step !== 'approved') throw new AdminError(step);
    return paymentResult(ctx, tx);
  }
  const notPayable = ctx.ledger.payable(tx);
  if (notPayable) throw new AdminError(notPayable, 409);
  const step = payByAdmin(ctx, tx, { outcome: input.outcome, card: input.card });
  if (typeof step === 'string' && step !== 'approved' && step !== 'declined' && step !== 'otp') {
    throw new AdminError(step);
  }
  return paymentResult(ctx, tx);
}

export function adminComplete3ds(ctx: SandboxContext, txId: string, otp = '123456'): PaymentResult {
  const tx = transaction(ctx, txId);
  const notPayable = ctx.ledger.payable(tx, true);
  if (notPayable) throw new AdminError(notPayable, 409);
  submitOtp(ctx, tx, otp);
  return paymentResult(ctx, tx);
}

export function adminAddFault(ctx: SandboxContext, input: unknown): Fault {
  const fault = ctx.faults.add(input);
  if (typeof fault === 'string') throw new AdminError(fault);
  return fault;
}

export function clockState(ctx: SandboxContext): { now: string; nowMs: number; offsetMs: number } {
  const now = ctx.clock.now();
  return { now: new Date(now).toISOString(), nowMs: now, offsetMs: ctx.clock.offsetMs() };
}

export function adminClock(ctx: SandboxContext, input: unknown): ReturnType<typeof clockState> {
  if (!isRecord(input))
    throw new AdminError('clock body must be {"advanceMs": n} or {"set": "ISO instant"}');
  if (typeof input.advanceMs === 'number' && Number.isFinite(input.advanceMs)) {
    ctx.clock.advance(input.advanceMs);
  } else if (typeof input.set === 'string' && !Number.isNaN(Date.parse(input.set))) {
    ctx.clock.set(Date.parse(input.set));
  } else {
    throw new AdminError('clock body must be {"advanceMs": n} or {"set": "ISO instant"}');
  }
  return clockState(ctx);
}

export function adminSetChaos(ctx: SandboxContext, input: unknown): PushChaos {
  const merged = mergeChaos(ctx.push.chaos, input);
  if (typeof merged === 'string') throw new AdminError(merged);
  ctx.push.chaos = merged;
  return merged;
}

export function adminSetBehaviour(ctx: SandboxContext, input: unknown): SandboxBehaviour {
  const merged = mergeBehaviour(ctx.behaviour, input);
  if (typeof merged === 'string') throw new AdminError(merged);
  ctx.behaviour = merged;
  return { ...merged };
}

export function adminUpdateMerchant(
  ctx: SandboxContext,
  merchantId: string,
  input: unknown,
): MerchantConfig {
  if (!isRecord(input)) throw new AdminError('merchant body must be a JSON object');
  const current: MerchantConfig = ctx.merchant(merchantId) ?? {
    merchantId,
    termId: '',
    apiKey: '',
    signingScheme: 'hmac-sha256',
  };
  const next: MerchantConfig = { ...current };
  for (const name of [
    'termId',
    'apiKey',
    'signingPublicKeyPem',
    'notifyUrl',
    'returnUrl',
    'name',
  ] as const) {
    const value = input[name];
    if (value === undefined) continue;
    if (value === null && name !== 'termId' && name !== 'apiKey') delete next[name];
    else if (typeof value === 'string') next[name] = value;
    else throw new AdminError(`${name} must be a string`);
  }
  if (input.signingScheme !== undefined) {
    if (!SIGNING_SCHEMES.includes(input.signingScheme as SigningScheme)) {
      throw new AdminError(`signingScheme must be one of ${SIGNING_SCHEMES.join(', ')}`);
    }
    next.signingScheme = input.signingScheme as SigningScheme;
  }
  for (const url of [next.notifyUrl, next.returnUrl]) {
    if (url !== undefined && !URL.canParse(url)) throw new AdminError(`${url} is not a URL`);
  }
  try {
    checkMerchant(next);
  } catch (error) {
    throw new AdminError(error instanceof SandboxConfigError ? error.message : 'invalid merchant');
  }
  ctx.config.merchants.set(merchantId, next);
  return next;
}

/** The merchant as shown by the admin API: no API key. */
export function publicMerchant(merchant: MerchantConfig): Record<string, unknown> {
  return {
    merchantId: merchant.merchantId,
    termId: merchant.termId,
    signingScheme: merchant.signingScheme,
    notifyUrl: merchant.notifyUrl ?? null,
    returnUrl: merchant.returnUrl ?? null,
    name: merchant.name ?? null,
  };
}

export function ledgerView(ctx: SandboxContext): Record<string, unknown> {
  return {
    transactions: ctx.ledger.all(),
    bindings: ctx.ledger.state().bindings.map(({ panFingerprint: _omit, ...binding }) => binding),
    customers: ctx.ledger.state().customers.map((c) => ({
      merchantId: c.merchantId,
      clientId: c.clientId,
      hasPin: c.pinHash !== null,
      verifyYn: c.verifyYn,
    })),
  };
}

export function stateView(ctx: SandboxContext): Record<string, unknown> {
  const config = ctx.config;
  return {
    seed: ctx.seed,
    clock: clockState(ctx),
    url: ctx.publicUrl(),
    merchants: [...config.merchants.values()].map(publicMerchant),
    authHeader: config.authHeader ?? null,
    rsaPadding: config.rsaPadding,
    bindingPinEncryption: config.bindingPinEncryption,
    orderExpiryMinutes: config.orderExpiryMinutes,
    createBindingPaths: config.createBindingPaths,
    pinVerificationPath: config.pinVerificationPath,
    pushChaos: ctx.push.chaos,
    behaviour: ctx.behaviour,
    ...ctx.profiles.view(),
    faults: ctx.faults.list(),
    snapshotFile: config.snapshotFile ?? null,
    transactions: ctx.ledger.all().length,
  };
}

/** Switches the profile (and merges knobs over the ones in force); 400 naming a bad field. */
export function adminSetProfile(ctx: SandboxContext, input: unknown): ProfileSettings {
  if (isRecord(input) && input.profile === undefined) {
    throw new AdminError('profile is required (default, literal, ambiguous, hostile)');
  }
  const merged = mergeProfile(ctx.profiles.view(), input);
  if (typeof merged === 'string') throw new AdminError(merged);
  return ctx.profiles.set(merged);
}

export interface AdminHooks {
  reset(): void;
  changed(): void;
}

function readJson(body: string): unknown {
  if (body.trim() === '') return {};
  const parsed = parseJson(body);
  if (!parsed.ok) throw new AdminError('Malformed JSON');
  return parsed.value;
}

/** Answers a /_sandbox or /health request, or `undefined` for other paths. */
/** A scripted reconciliation answer from the admin API's JSON. */
export function parseReconciliationScript(input: unknown): ReconciliationScript {
  if (!isRecord(input)) throw new AdminError('body must be a JSON object');
  const { resultCode, grandTotalCents, message } = input;
  if (message !== undefined && typeof message !== 'string')
    throw new AdminError('message must be a string');
  if (resultCode !== undefined) {
    if (
      resultCode !== '0001' &&
      resultCode !== '0002' &&
      resultCode !== '3003' &&
      resultCode !== '0006'
    )
      throw new AdminError('resultCode must be one of 0001, 0002, 3003, 0006');
    return typeof message === 'string' ? { resultCode, message } : { resultCode };
  }
  if (
    typeof grandTotalCents !== 'number' ||
    !Number.isSafeInteger(grandTotalCents) ||
    grandTotalCents < 0
  )
    throw new AdminError('give resultCode, or grandTotalCents as a whole number of cents');
  return { grandTotalCents };
}

export function adminRoute(
  ctx: SandboxContext,
  hooks: AdminHooks,
  { method, url, body }: SandboxRequest,
): Answer | undefined {
  const path = url.pathname;
  if (path === '/health' && method === 'GET') return json(200, { status: 'ok' });
  if (!path.startsWith('/_sandbox/')) return undefined;
  try {
    const route = `${method} ${path}`;
    const payment = /^POST \/_sandbox\/payments\/([^/]+)\/(pay|3ds-complete)$/.exec(route);
    if (payment) {
      const txId = decodeURIComponent(payment[1] ?? '');
      const input = readJson(body);
      if (!isRecord(input)) throw new AdminError('body must be a JSON object');
      if (payment[2] === 'pay') {
        if (input.card !== undefined && typeof input.card !== 'string')
          throw new AdminError('card must be a string');
        if (input.late !== undefined && typeof input.late !== 'boolean')
          throw new AdminError('late must be true or false');
        const request: PayInput = {};
        if (input.outcome !== undefined) request.outcome = input.outcome as AdminOutcome;
        if (typeof input.card === 'string') request.card = input.card;
        if (input.late === true) request.late = true;
        return json(200, adminPay(ctx, txId, request));
      }
      return json(
        200,
        adminComplete3ds(ctx, txId, typeof input.otp === 'string' ? input.otp : undefined),
      );
    }
    const merchant = /^PUT \/_sandbox\/merchants\/([^/]+)$/.exec(route);
    if (merchant) {
      const updated = adminUpdateMerchant(
        ctx,
        decodeURIComponent(merchant[1] ?? ''),
        readJson(body),
      );
      return json(200, publicMerchant(updated));
    }
    const scripted = /^PUT \/_sandbox\/reconciliation\/([^/]+)$/.exec(route);
    if (scripted) {
      const txId = decodeURIComponent(scripted[1] ?? '');
      const script = parseReconciliationScript(readJson(body));
      ctx.reconciliationAnswers.set(txId, script);
      return json(200, { txId, ...script });
    }
    switch (route) {
      case 'GET /_sandbox/state':
        return json(200, stateView(ctx));
      case 'GET /_sandbox/payon-public-key':
        return text(200, ctx.pins.publicKeyPem, 'application/x-pem-file');
      case 'POST /_sandbox/faults':
        return json(201, adminAddFault(ctx, readJson(body)));
      case 'GET /_sandbox/faults':
        return json(200, ctx.faults.list());
      case 'DELETE /_sandbox/faults':
        ctx.faults.clear();
        return json(200, { cleared: true });
      case 'GET /_sandbox/clock':
        return json(200, clockState(ctx));
      case 'POST /_sandbox/clock': {
        const state = adminClock(ctx, readJson(body));
        hooks.changed();
        return json(200, state);
      }
      case 'POST /_sandbox/settle': {
        const input = readJson(body);
        const txIds =
          isRecord(input) && Array.isArray(input.txIds) ? input.txIds.map(String) : undefined;
        return json(200, { settled: ctx.ledger.settle(txIds) });
      }
      case 'POST /_sandbox/reset':
        hooks.reset();
        return json(200, { reset: true });
      case 'GET /_sandbox/ledger':
        return json(200, ledgerView(ctx));
      case 'GET /_sandbox/journal': {
        const filter = url.searchParams.get('path');
        const kind = url.searchParams.get('kind');
        const entries = ctx.journal
          .all()
          .filter(
            (e) =>
              (kind === null || e.kind === kind) &&
              (filter === null || (e.kind === 'request' && e.path === filter)),
          );
        return json(200, { entries, counts: ctx.journal.counts() });
      }
      case 'DELETE /_sandbox/journal':
        ctx.journal.clear();
        return json(200, { cleared: true });
      case 'GET /_sandbox/push-chaos':
        return json(200, ctx.push.chaos);
      case 'PUT /_sandbox/push-chaos':
        return json(200, adminSetChaos(ctx, readJson(body)));
      case 'GET /_sandbox/behaviour':
        return json(200, ctx.behaviour);
      case 'PUT /_sandbox/behaviour':
        return json(200, adminSetBehaviour(ctx, readJson(body)));
      case 'GET /_sandbox/profile':
        return json(200, ctx.profiles.view());
      case 'PUT /_sandbox/profile':
        return json(200, adminSetProfile(ctx, readJson(body)));
      default:
        return json(404, { error: `no admin route ${route}` });
    }
  } catch (error) {
    if (error instanceof AdminError) return json(error.status, { error: error.message });
    throw error;
  }
}
