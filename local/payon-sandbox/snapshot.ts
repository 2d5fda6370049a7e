/**
 * Optional persistence: the ledger, the clock offset and the PRNG states in one JSON file, loaded at
 * start and saved (debounced) after each change and on stop. A PAYON key pair the sandbox generated
 * is kept too, so that a restart does not change the public key merchants encrypt PINs with.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { LedgerState } from './ledger.ts';
import type { PayonKeyPair } from './rsa.ts';

export interface Snapshot {
  version: 1;
  savedAt: string;
  seed: number;
  clockOffsetMs: number;
  chaosRngState: number;
  idRngState: number;
  ledger: LedgerState;
  generatedKeyPair: PayonKeyPair | null;
}

export function readSnapshot(file: string): Snapshot | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`snapshot ${file} is not JSON: ${String(error)}`);
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { version?: unknown }).version !== 1 ||
    typeof (parsed as { ledger?: unknown }).ledger !== 'object'
  ) {
    throw new Error(`snapshot ${file} is not a PAYON sandbox snapshot (version 1)`);
  }
  // Written by this module; the version check above is the contract.
  return parsed as Snapshot;
}

export function writeSnapshot(file: string, snapshot: Snapshot): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(snapshot, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** Saves at most once per `debounceMs`; `flush` saves now if anything is pending. */
export class SnapshotSaver {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  private readonly file: string;
  private readonly debounceMs: number;
  private readonly take: () => Snapshot;
  private readonly onError: (error: unknown) => void;

  constructor({
    file,
    debounceMs,
    take,
    onError,
  }: {
    readonly file: string;
    readonly debounceMs: number;
    /** The state to save, read when the save happens. */
    readonly take: () => Snapshot;
    readonly onError: (error: unknown) => void;
  }) {
    this.file = file;
    this.debounceMs = debounceMs;
    this.take = take;
    this.onError = onError;
  }

  schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.debounceMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    try {
      writeSnapshot(this.file, this.take());
    } catch (error) {
      this.onError(error);
    }
  }
}
