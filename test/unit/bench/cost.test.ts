import { describe, expect, it } from 'vitest';
import { FUNCTION_MEMORY_MB } from '#infra/constructs/payon-function.ts';
import { ASSUMPTIONS, costOfPayments, PRICES } from '#scripts/bench/cost.ts';

/** One payment's life as counted (warm), in the shape the bench writes. */
const io = {
  'payment life (register, push, confirmation, result page)': {
    cold: {},
    warm: { payon: 2, dynamodb: 9, eventbridge: 1, writeUnits: 46, readUnits: 3 },
  },
};

/** The lines are in cents. */
const cents = (usd: number) => Math.round(usd * 100) / 100;

describe('the cost of a million payments', () => {
  it('prices Lambda at the memory the stack deploys', () => {
    expect(ASSUMPTIONS.memoryGb * 1024).toBe(FUNCTION_MEMORY_MB);
  });

  it('adds up the counted I/O of one payment times list prices', () => {
    // Act
    const cost = costOfPayments(1_000_000, io);

    // Assess: the request units DynamoDB reported for the life, times the prices
    expect(cost.perPayment).toMatchObject({
      payonCalls: 2,
      dynamoCommands: 9,
      writeUnits: 46,
      readUnits: 3,
      events: 1,
    });
    expect(cost.lines['DynamoDB writes']).toBe(cents(46 * PRICES.dynamoWrite.usd));
    expect(cost.lines['DynamoDB reads']).toBe(cents(3 * PRICES.dynamoRead.usd));
    expect(cost.lines.EventBridge).toBe(cents(1 * PRICES.eventBridgeEvents.usd));
    // 4 invocations × 40 ms own work + 2 PAYON calls × 300 ms, at the stack's memory
    const gbSeconds = 1_000_000 * (FUNCTION_MEMORY_MB / 1024) * ((4 * 40 + 2 * 300) / 1_000);
    expect(cost.lines['Lambda GB-seconds']).toBe(cents(gbSeconds * PRICES.lambdaArmGbSecond.usd));
    expect(cost.totalUsd).toBeCloseTo(
      Object.values(cost.lines).reduce((a, b) => a + b, 0),
      1,
    );
  });

  it('refuses to price a count without the payment life', () => {
    expect(() => costOfPayments(1_000_000, {})).toThrow(/payment life/);
  });

  it('scales with the number of payments', () => {
    const million = costOfPayments(1_000_000, io);
    const tenMillion = costOfPayments(10_000_000, io);
    expect(tenMillion.totalUsd).toBeCloseTo(million.totalUsd * 10, 0);
  });
});
