/** Everything a route needs, built once by startSandbox. */
import type { SandboxClock } from './clock.ts';
import type { MerchantConfig, ResolvedConfig, SandboxBehaviour } from './config.ts';
import type { FaultTable } from './faults.ts';
import type { Journal } from './journal.ts';
import type { Ledger } from './ledger.ts';
import type { Prng } from './prng.ts';
import type { Profiles } from './profiles.ts';
import type { PushDispatcher } from './push.ts';
import type { PinDecryptor } from './rsa.ts';

export interface SandboxContext {
  config: ResolvedConfig;
  seed: number;
  clock: SandboxClock;
  ledger: Ledger;
  journal: Journal;
  push: PushDispatcher;
  faults: FaultTable;
  chaosRng: Prng;
  idRng: Prng;
  pins: PinDecryptor;
  /** The orders-list readings in force now (reset returns to `config.behaviour`). */
  behaviour: SandboxBehaviour;
  /** The PAYON profile in force (profiles.ts); reset returns to the start one. */
  profiles: Profiles;
  /** Scripted reconciliation answers by txId (what the sandbox cannot derive: fees, refusals). */
  reconciliationAnswers: Map<string, ReconciliationScript>;
  /** Base URL of checkout links (publicUrl, or the server's own URL). */
  publicUrl(): string;
  /** The merchant with this id, if configured. */
  merchant(merchantId: string): MerchantConfig | undefined;
}

/**
 * How PAYON's reconciliation answers one txId instead of checking the ledger: a refusal code
 * (0001/0002/3003/0006, as PAYON documents them) or an approval whose grand total differs (fees).
 */
export type ReconciliationScript =
  | { readonly resultCode: '0001' | '0002' | '3003' | '0006'; readonly message?: string }
  | { readonly grandTotalCents: number };

/** `clientId` as the merchant sent it: a namespaced form (merchantId+termId+clientId) is shortened. */
export function shortClientId(merchant: MerchantConfig, clientId: string): string {
  const prefix = `${merchant.merchantId}${merchant.termId}`;
  return clientId.startsWith(prefix) && clientId.length > prefix.length
    ? clientId.slice(prefix.length)
    : clientId;
}

/** `clientId` as PAYON answers it: merchantId + termId + clientId. */
export function namespacedClientId(merchant: MerchantConfig, clientId: string): string {
  return `${merchant.merchantId}${merchant.termId}${clientId}`;
}
