import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IO_BUDGETS } from '#scripts/bench/budgets.ts';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';
import {
  COUNTED_ONLY,
  measureOperations,
  OPERATIONS,
  type OperationIo,
  totals,
} from '#test/support/io-operations.ts';

// The calls each operation makes, counted at the boundaries, held to budgets (issue 12).
describe('I/O per operation', () => {
  let api: ApiEnvironment;
  let measured: Record<string, OperationIo>;

  beforeAll(async () => {
    api = await startApi({ sandbox: { seed: 41 }, env: { BINDING_RATE_LIMIT: '1000' } });
    measured = await measureOperations(api);
    console.log(
      JSON.stringify(
        Object.fromEntries(
          Object.entries(measured).map(([k, v]) => [
            k,
            { cold: totals(v.cold), warm: totals(v.warm) },
          ]),
        ),
      ),
    );
  }, 120_000);
  afterAll(() => api.stop());

  it('has a budget for every operation measured', () => {
    expect(Object.keys(IO_BUDGETS).sort()).toEqual(Object.keys(OPERATIONS).sort());
    // The bench's list of operations it counts but does not replay names only operations.
    expect([...COUNTED_ONLY].filter((name) => !(name in OPERATIONS))).toEqual([]);
  });

  it.each(Object.keys(OPERATIONS))('%s stays within its I/O budget, cold and warm', (name) => {
    const budget = IO_BUDGETS[name];
    const io = measured[name];
    if (!budget || !io) throw new Error(name);
    for (const phase of ['cold', 'warm'] as const) {
      const t = totals(io[phase]);
      expect(t.payon, `${name} ${phase} PAYON`).toBeLessThanOrEqual(budget.payon);
      expect(t.dynamodb, `${name} ${phase} DynamoDB`).toBeLessThanOrEqual(budget.dynamodb);
      expect(t.eventbridge, `${name} ${phase} EventBridge`).toBeLessThanOrEqual(budget.eventbridge);
      expect(t.kms, `${name} ${phase} KMS`).toBeLessThanOrEqual(budget.kms ?? 0);
      if (budget.writeUnits !== undefined) {
        expect(t.writeUnits, `${name} ${phase} write units`).toBeLessThanOrEqual(budget.writeUnits);
      }
    }
    // The secret is read once per instance: on a cold start, never again while warm.
    expect(totals(io.warm).secretsmanager, `${name} warm`).toBe(0);
    expect(totals(io.cold).secretsmanager, `${name} cold`).toBeLessThanOrEqual(1);
  });
});
