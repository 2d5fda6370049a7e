/**
 * The sandbox's configuration: the options of `startSandbox` (or the JSON file of the CLI) with
 * their defaults filled in and checked once at start.
 */
import { readFileSync } from 'node:fs';
import {
  type AmbiguitySettings,
  DEFAULT_AMBIGUITY,
  DEFAULT_HOSTILITY,
  type HostilitySettings,
  mergeProfile,
  type ProfileName,
  type ProfileSettings,
} from './profiles.ts';
import type { PushChaos } from './push.ts';
import { createPinDecryptor, type PayonKeyPair, RSA_PADDINGS, type RsaPadding } from './rsa.ts';
import { checkPublicKey, SIGNING_SCHEMES, type SigningScheme } from './signing.ts';

export const DEFAULT_PORT = 36605;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_CREATE_BINDING_PATHS = ['/pg/binding/register', '/pg/createBinding'];
export const DEFAULT_PIN_VERIFICATION_PATH = '/pg/binding/pinVerification';

export interface MerchantConfig {
  merchantId: string;
  termId: string;
  apiKey: string;
  signingScheme: SigningScheme;
  /** Verifies `sign` for `rsa-sha256` (PEM SPKI, or base64 DER SPKI). */
  signingPublicKeyPem?: string | undefined;
  notifyUrl?: string | undefined;
  returnUrl?: string | undefined;
  /** Shown on checkout pages and in KHQR tag 59 (at most 25 characters are used). */
  name?: string | undefined;
}

export const DEFAULT_MERCHANT: MerchantConfig = {
  merchantId: 'C0000143',
  termId: 'CT03000003',
  apiKey: 'sandbox-api-key',
  signingScheme: 'hmac-sha256',
  name: 'Sandbox Merchant',
};

/** How the orders list shows `settleYn`/`cancelYn`/`refundYn`: `Y`/`N`, `""` on every row, or not at all. */
export type OrdersFlags = 'yn' | 'blank' | 'omit';
export const ORDERS_FLAGS: readonly OrdersFlags[] = ['yn', 'blank', 'omit'];

/**
 * Readings of PAYON's orders list that its documentation does not rule out, switchable at run
 * time (`PUT /_sandbox/behaviour`) so the product can be tested against each.
 */
export interface SandboxBehaviour {
  /** Completion, reversal and refund each add their own row (same tracNo), flags on that row. */
  ordersRowsPerMove: boolean;
  flags: OrdersFlags;
}

/** The behaviour settings in `input` merged over `base`, or an error message naming the bad field. */
export function mergeBehaviour(base: SandboxBehaviour, input: unknown): SandboxBehaviour | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return 'behaviour must be a JSON object';
  }
  const record = input as Record<string, unknown>;
  const out: SandboxBehaviour = { ...base };
  const unknown = Object.keys(record).find(
    (name) => name !== 'ordersRowsPerMove' && name !== 'flags',
  );
  if (unknown) return `unknown behaviour field ${unknown} (ordersRowsPerMove, flags)`;
  if (record.ordersRowsPerMove !== undefined) {
    if (typeof record.ordersRowsPerMove !== 'boolean')
      return 'ordersRowsPerMove must be true or false';
    out.ordersRowsPerMove = record.ordersRowsPerMove;
  }
  if (record.flags !== undefined) {
    if (!ORDERS_FLAGS.includes(record.flags as OrdersFlags)) {
      return `flags must be one of ${ORDERS_FLAGS.join(', ')}`;
    }
    out.flags = record.flags as OrdersFlags;
  }
  return out;
}

/** Options of {@link startSandbox}; every field has a default. */
export interface SandboxOptions {
  /** Port to listen on (0 = any free port). Default 36605, PAYON TEST's port. */
  port?: number;
  /** Loopback address to listen on. Default 127.0.0.1; other addresses are refused. */
  host?: string;
  /** Default: the dev merchant C0000143 / CT03000003, apiKey `sandbox-api-key`, hmac-sha256. */
  merchants?: MerchantConfig[];
  /** When set, every /pg request must carry this header with the merchant's apiKey (else 401). */
  authHeader?: string;
  /** PAYON's RSA key pair for PINs; generated at start when not given. */
  payonKeyPair?: PayonKeyPair;
  rsaPadding?: RsaPadding;
  /** How `pin`/`payonPin` arrive in Create Binding. Default `rsa`. */
  bindingPinEncryption?: 'rsa' | 'plain';
  orderExpiryMinutes?: number;
  createBindingPaths?: string[];
  pinVerificationPath?: string;
  /** Base of checkout links. Default: the server's own URL. */
  publicUrl?: string;
  /** Seed of the chaos PRNG. Default: random (printed and shown on /_sandbox/state). */
  seed?: number;
  /** JSON file: loaded at start when it exists, saved (debounced) after each change and on stop. */
  snapshotFile?: string;
  snapshotDebounceMs?: number;
  pushChaos?: Partial<PushChaos>;
  /** Timeout of one push attempt. Default 5000 ms. */
  pushTimeoutMs?: number;
  /** One line per request: `true` (stdout, default), `false`, or a function. */
  log?: boolean | ((line: string) => void);
  /** Bakong account shown in KHQR tag 30 (must contain `@`). */
  bakongAccountId?: string;
  /** Orders list: one row per completion, reversal and refund too (default false). */
  ordersRowsPerMove?: boolean;
  /** Orders list flags: `yn` (default), `blank` (`""`), `omit` (fields left out). */
  ordersFlags?: OrdersFlags;
  /** PAYON profile (docs/sandbox.md#profiles): `default` (as always), `literal`, `ambiguous`, `hostile`. */
  profile?: ProfileName;
  /** `ambiguous` knobs: rates 0..1 (default 0.2 each), `lateAnswerMs` (3000), `ordersPageCap` (3). */
  ambiguity?: Partial<AmbiguitySettings>;
  /** `hostile` knobs: rates 0..1 (default 0.2 each), `latePushMs` (2000). */
  hostility?: Partial<HostilitySettings>;
}

export interface ResolvedConfig {
  port: number;
  host: string;
  merchants: Map<string, MerchantConfig>;
  authHeader: string | undefined;
  payonKeyPair: PayonKeyPair | undefined;
  rsaPadding: RsaPadding;
  bindingPinEncryption: 'rsa' | 'plain';
  orderExpiryMinutes: number;
  createBindingPaths: string[];
  pinVerificationPath: string;
  publicUrl: string | undefined;
  seed: number | undefined;
  snapshotFile: string | undefined;
  snapshotDebounceMs: number;
  pushChaos: Partial<PushChaos>;
  pushTimeoutMs: number;
  log: (line: string) => void;
  bakongAccountId: string;
  /** The behaviour the sandbox starts with (and returns to on reset). */
  behaviour: SandboxBehaviour;
  /** The profile the sandbox starts with (and returns to on reset). */
  profile: ProfileSettings;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export class SandboxConfigError extends Error {
  override readonly name = 'SandboxConfigError';
}

export function checkMerchant(merchant: MerchantConfig): void {
  const where = `merchant ${merchant.merchantId || '(no merchantId)'}`;
  if (!merchant.merchantId || !merchant.termId) {
    throw new SandboxConfigError(`${where}: merchantId and termId are required`);
  }
  if (typeof merchant.apiKey !== 'string' || merchant.apiKey === '') {
    throw new SandboxConfigError(`${where}: apiKey is required`);
  }
  if (!SIGNING_SCHEMES.includes(merchant.signingScheme)) {
    throw new SandboxConfigError(
      `${where}: signingScheme must be one of ${SIGNING_SCHEMES.join(', ')}`,
    );
  }
  if (merchant.signingScheme === 'rsa-sha256') {
    if (!merchant.signingPublicKeyPem) {
      throw new SandboxConfigError(`${where}: rsa-sha256 needs signingPublicKeyPem`);
    }
    try {
      checkPublicKey(merchant.signingPublicKeyPem);
    } catch {
      throw new SandboxConfigError(`${where}: signingPublicKeyPem is not an RSA public key`);
    }
  }
}

export function resolveConfig(options: SandboxOptions): ResolvedConfig {
  const host = options.host ?? DEFAULT_HOST;
  if (!LOOPBACK.has(host) && !host.startsWith('127.')) {
    throw new SandboxConfigError(
      `host ${host} is not a loopback address; the sandbox is local only`,
    );
  }
  const merchants = new Map<string, MerchantConfig>();
  for (const merchant of options.merchants ?? [DEFAULT_MERCHANT]) {
    checkMerchant(merchant);
    merchants.set(merchant.merchantId, { ...merchant });
  }
  const rsaPadding = options.rsaPadding ?? 'pkcs1';
  if (!RSA_PADDINGS.includes(rsaPadding)) {
    throw new SandboxConfigError(`rsaPadding must be one of ${RSA_PADDINGS.join(', ')}`);
  }
  if (options.payonKeyPair) {
    try {
      createPinDecryptor(options.payonKeyPair, rsaPadding);
    } catch {
      throw new SandboxConfigError('payonKeyPair is not a readable RSA key pair (PEM)');
    }
  }
  const expiry = options.orderExpiryMinutes ?? 15;
  if (!(expiry > 0)) throw new SandboxConfigError('orderExpiryMinutes must be positive');
  const log = options.log ?? true;
  const behaviour = mergeBehaviour(
    { ordersRowsPerMove: false, flags: 'yn' },
    {
      ...(options.ordersRowsPerMove === undefined
        ? {}
        : { ordersRowsPerMove: options.ordersRowsPerMove }),
      ...(options.ordersFlags === undefined ? {} : { flags: options.ordersFlags }),
    },
  );
  if (typeof behaviour === 'string') {
    throw new SandboxConfigError(behaviour.replace(/^flags/, 'ordersFlags'));
  }
  const profile = mergeProfile(
    { profile: 'default', ambiguity: DEFAULT_AMBIGUITY, hostility: DEFAULT_HOSTILITY },
    {
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.ambiguity === undefined ? {} : { ambiguity: options.ambiguity }),
      ...(options.hostility === undefined ? {} : { hostility: options.hostility }),
    },
  );
  if (typeof profile === 'string') throw new SandboxConfigError(profile);
  return {
    port: options.port ?? DEFAULT_PORT,
    host,
    merchants,
    authHeader: options.authHeader?.toLowerCase(),
    payonKeyPair: options.payonKeyPair,
    rsaPadding,
    bindingPinEncryption: options.bindingPinEncryption ?? 'rsa',
    orderExpiryMinutes: expiry,
    createBindingPaths: options.createBindingPaths ?? DEFAULT_CREATE_BINDING_PATHS,
    pinVerificationPath: options.pinVerificationPath ?? DEFAULT_PIN_VERIFICATION_PATH,
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    seed: options.seed,
    snapshotFile: options.snapshotFile,
    snapshotDebounceMs: options.snapshotDebounceMs ?? 200,
    pushChaos: options.pushChaos ?? {},
    pushTimeoutMs: options.pushTimeoutMs ?? 5_000,
    log: typeof log === 'function' ? log : log ? (line) => console.log(line) : () => {},
    bakongAccountId: options.bakongAccountId ?? 'payon_sandbox@payon',
    behaviour,
    profile,
  };
}

/** Reads a JSON options file (the CLI's `--config`). */
export function readOptionsFile(path: string): SandboxOptions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SandboxConfigError(`cannot read config file ${path}: ${String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SandboxConfigError(`config file ${path} must hold a JSON object`);
  }
  // The file is trusted local configuration; each field is checked by resolveConfig.
  return parsed as SandboxOptions;
}
