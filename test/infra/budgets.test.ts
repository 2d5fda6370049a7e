import { describe, expect, it } from 'vitest';
import { BACKGROUND_FUNCTIONS, ROUTES } from '#functions/routes.ts';
import { BUNDLE_BUDGET_BYTES, RSA_FUNCTIONS } from '#scripts/bench/budgets.ts';
import { bundle, handlerEntry } from '#scripts/bench/bundle.ts';

const FUNCTIONS = [...new Set([...ROUTES, ...BACKGROUND_FUNCTIONS].map((r) => r.function))].sort();
const OUT = new URL('../../.tmp/budget-bundles', import.meta.url).pathname;

// Production bundles, built as the stack builds them (scripts/bench/bundle.ts), held to budgets.
describe('bundle budgets', async () => {
  const measures = await Promise.all(FUNCTIONS.map((fn) => bundle(fn, handlerEntry(fn), OUT)));

  it('has a budget for every function and none for a function that is gone', () => {
    expect(Object.keys(BUNDLE_BUDGET_BYTES).sort()).toEqual(FUNCTIONS);
  });

  it.each(measures.map((m) => [m.name, m]))('%s stays within its bundle budget', (name, m) => {
    expect(m.bytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES[name] ?? 0);
  });

  it('carries node-forge only where PINs are encrypted, and there it must', () => {
    const withForge = measures.filter((m) => m.packages.includes('node-forge')).map((m) => m.name);
    expect(withForge.sort()).toEqual([...RSA_FUNCTIONS].sort());
  });
});
