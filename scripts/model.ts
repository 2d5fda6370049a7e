/**
 * `npm run model -- --seed N [--profile P] [--runs K] [--commands C] [--path P]`: runs (or
 * replays) the model-based lifecycle test (test/model/) with that seed, through vitest's `model`
 * project. A failure prints its seed and fast-check's path; both replay it exactly.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    profile: { type: 'string' },
    runs: { type: 'string' },
    commands: { type: 'string' },
    path: { type: 'string' },
  },
});
const env: Record<string, string> = {};
if (values.seed !== undefined) env.MODEL_SEED = values.seed;
if (values.profile !== undefined) env.MODEL_PROFILE = values.profile;
if (values.runs !== undefined) env.MODEL_RUNS = values.runs;
if (values.commands !== undefined) env.MODEL_COMMANDS = values.commands;
if (values.path !== undefined) env.MODEL_PATH = values.path;
for (const [name, value] of Object.entries(env)) {
  if (name !== 'MODEL_PROFILE' && name !== 'MODEL_PATH' && !/^\d+$/.test(value)) {
    console.error(`--${name.slice(6).toLowerCase()} must be a whole number, got ${value}`);
    process.exit(2);
  }
}
console.log(
  `model: ${
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || '(random seed)'
  }`,
);
const result = spawnSync('npx', ['vitest', 'run', '--project', 'model'], {
  stdio: 'inherit',
  env: { ...process.env, ...env },
});
process.exit(result.status ?? 1);
