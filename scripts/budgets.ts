/**
 * Keeps `scripts/bench/bundle-budgets.json` in step with functions/index.ts: a function without a
 * budget gets its measured bundle + 5 % (rounded up to 5 KB), a budget whose function is gone is
 * dropped. An existing budget is never changed: a bundle over its budget is reported (and fails the
 * budget tests) until someone raises it by hand, which a reviewer then sees.
 */
import { writeFileSync } from 'node:fs';
import { FUNCTIONS } from '#functions/index.ts';
import { BUNDLE_BUDGET_BYTES, NEW_BUDGET_HEADROOM } from '#scripts/bench/budgets.ts';
import { bundle, handlerEntry } from '#scripts/bench/bundle.ts';

const STEP = 5_000;
const OUT = new URL('../.tmp/budget-bundles', import.meta.url).pathname;
const target = new URL('./bench/bundle-budgets.json', import.meta.url);

const next: Record<string, number> = {};
const over: string[] = [];
for (const { function: name } of [...FUNCTIONS].sort((a, b) =>
  a.function.localeCompare(b.function),
)) {
  const { bytes } = await bundle(name, handlerEntry(name), OUT);
  const budget = BUNDLE_BUDGET_BYTES[name];
  if (budget === undefined) {
    next[name] = Math.ceil((bytes * (1 + NEW_BUDGET_HEADROOM)) / STEP) * STEP;
    console.log(`+ ${name}: ${bytes} bytes, budget ${next[name]}`);
    continue;
  }
  next[name] = budget;
  if (bytes > budget) over.push(`${name}: ${bytes} bytes, over its budget of ${budget}`);
}
for (const name of Object.keys(BUNDLE_BUDGET_BYTES)) {
  if (!(name in next)) console.log(`- ${name}: no such function, budget dropped`);
}
writeFileSync(target, `${JSON.stringify(next, null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
if (over.length > 0) {
  console.error(`over budget (raise by hand in bundle-budgets.json if the growth is meant):`);
  for (const line of over) console.error(`  ${line}`);
  process.exitCode = 1;
}
