/**
 * The sandbox clock: real time plus an offset that the admin API can move (`advanceMs`, `set`).
 * Order expiry, dates on the wire and the ledger all read this clock, never `Date.now()` directly.
 */

export interface SandboxClock {
  now(): number;
  advance(ms: number): void;
  set(epochMs: number): void;
  offsetMs(): number;
}

export function createClock(initialOffsetMs = 0): SandboxClock {
  let offset = initialOffsetMs;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
    set: (epochMs) => {
      offset = epochMs - Date.now();
    },
    offsetMs: () => offset,
  };
}
