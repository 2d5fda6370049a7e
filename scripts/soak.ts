/**
 * `npm run soak [-- --runs K --commands C --payments P --seed N]` (not in CI): the model-based
 * lifecycle test (test/model/) at volume — every sandbox profile at its default rates (and a 600 ms
 * PAYON timeout, so that late answers cost less wall time), K runs per
 * profile of up to C commands and P payments each; each run starts a new simulated day and runs
 * its schedule out (25 h), so 7 runs are a simulated week. Prints the invariant counts (checks
 * made, violations: must be 0) and the throughput.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    commands: { type: 'string', default: '200' },
    payments: { type: 'string', default: '60' },
    seed: { type: 'string' },
    profile: { type: 'string' },
  },
});
const report = join(mkdtempSync(join(tmpdir(), 'payon-soak-')), 'report.jsonl');
const started = Date.now();
// One vitest test per profile, as long as its runs take (no 15-minute cap), and a failing run
// reported at once with its seed and path rather than shrunk (MODEL_NO_SHRINK; replay to shrink).
const result = spawnSync('npx', ['vitest', 'run', '--project', 'model', '--testTimeout=0'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    MODEL_RUNS: values.runs,
    MODEL_COMMANDS: values.commands,
    MODEL_PAYMENTS: values.payments,
    MODEL_FULL_RATES: '1',
    MODEL_NO_SHRINK: '1',
    MODEL_REPORT: report,
    ...(values.seed ? { MODEL_SEED: values.seed } : {}),
    ...(values.profile ? { MODEL_PROFILE: values.profile } : {}),
  },
});
const seconds = (Date.now() - started) / 1000;
interface Line {
  profile: string;
  seed: number;
  ms: number;
  runs: number;
  commands: number;
  payments: number;
  checks: number;
  violations: number;
}
const lines = readFileSync(report, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Line);
const sum = (k: 'runs' | 'commands' | 'payments' | 'checks' | 'violations') =>
  lines.reduce((n, l) => n + l[k], 0);
console.log(
  '\nprofile    seed        runs  payments  commands  checks     violations  payments/s  commands/s',
);
for (const l of lines) {
  const s = l.ms / 1000;
  console.log(
    `${l.profile.padEnd(10)} ${String(l.seed).padEnd(11)} ${String(l.runs).padStart(4)}  ${String(l.payments).padStart(8)}  ${String(l.commands).padStart(8)}  ${String(l.checks).padStart(9)}  ${String(l.violations).padStart(10)}  ${(l.payments / s).toFixed(2).padStart(10)}  ${(l.commands / s).toFixed(2).padStart(10)}`,
  );
}
console.log(
  `total: ${sum('runs')} runs, ${sum('payments')} payments, ${sum('commands')} commands, ${sum('checks')} checks, ${sum('violations')} violations in ${seconds.toFixed(0)} s (${(sum('payments') / seconds).toFixed(2)} payments/s, ${(sum('commands') / seconds).toFixed(2)} commands/s)`,
);
process.exit(result.status ?? 1);
