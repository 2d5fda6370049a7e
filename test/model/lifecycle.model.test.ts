import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { randomSeed } from '#local/payon-sandbox/prng.ts';
import { TALLY } from '#test/model/checker.ts';
import { ALL_PROFILES, type Harness, type Profile, startHarness } from '#test/model/harness.ts';
import { runModel } from '#test/model/run.ts';

// A model of PAYON drives whole payment lives through the real handlers, DynamoDB Local and the
// sandbox, and the invariants of DEFAULTS.md hold after every command (test/model/checker.ts).
// Replay: npm run model -- --seed N [--profile P] [--runs K] [--path P].
const SEED = Number(process.env.MODEL_SEED ?? randomSeed());
const RUNS = Number(process.env.MODEL_RUNS ?? 3);
const MAX_COMMANDS = Number(process.env.MODEL_COMMANDS ?? 36);
const MAX_PAYMENTS = Number(process.env.MODEL_PAYMENTS ?? 5);
const ONLY = process.env.MODEL_PROFILE as Profile | undefined;
const PROFILES = ALL_PROFILES.filter((p) => ONLY === undefined || p === ONLY);

describe.each(PROFILES)('payment lives against the %s PAYON profile', (profile) => {
  let h: Harness;
  const seed = SEED;
  let before = { ...TALLY };
  let started = 0;

  beforeAll(async () => {
    before = { ...TALLY, ends: {} };
    started = Date.now();
    TALLY.ends = {};
    h = await startHarness(profile, seed, process.env.MODEL_FULL_RATES === '1');
  });
  afterAll(async () => {
    await h?.stop();
    if (process.env.MODEL_REPORT) {
      // The soak's numbers (scripts/soak.ts reads them).
      const line = {
        profile,
        seed,
        ms: Date.now() - started,
        ...TALLY,
        ...Object.fromEntries(
          (['runs', 'commands', 'payments', 'checks', 'violations'] as const).map((k) => [
            k,
            TALLY[k] - before[k],
          ]),
        ),
      };
      appendFileSync(process.env.MODEL_REPORT, `${JSON.stringify(line)}\n`);
    }
    const d = (k: 'runs' | 'commands' | 'payments' | 'checks' | 'violations') =>
      TALLY[k] - before[k];
    console.log(
      `model ${profile}: seed ${seed}, ${d('runs')} runs, ${d('commands')} commands, ${d('payments')} payments, ${d('checks')} checks, ${d('violations')} violations, ${h?.logs.total} log lines read; ends ${JSON.stringify(TALLY.ends)} (replay: npm run model -- --seed ${seed} --profile ${profile} --runs ${RUNS})`,
    );
  });

  it(`keeps every invariant over ${RUNS} runs of up to ${MAX_COMMANDS} commands (seed ${SEED})`, async () => {
    console.log(
      `model ${profile}: seed ${seed} (replay: npm run model -- --seed ${seed} --profile ${profile})`,
    );
    await runModel(h, {
      seed,
      runs: RUNS,
      maxCommands: MAX_COMMANDS,
      maxPayments: MAX_PAYMENTS,
      ...(process.env.MODEL_PATH ? { path: process.env.MODEL_PATH } : {}),
    });
  });
});
