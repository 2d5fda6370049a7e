import { describe, expect, it } from 'vitest';
import { FUNCTION_MEMORY_MB } from '#infra/constructs/payon-function.ts';
import { ASSUMPTIONS, costOfPayments, PRICES } from '#scripts/bench/cost.ts';

/** One payment's life as counted (warm), in the shape the bench writes. */
const counted = (payon: number, aws: Record<string, number>) => ({
  cold: {},
  warm: {
    payon,
    dynamodb: Object.entries(aws)
      .filter(([k]) => k.startsWith('dynamodb:'))
      .reduce((n, [, v]) => n + v, 0),
    eventbridge: aws['eventbridge:PutEventsCommand'] ?? 0,
  },
  detail: { aws },
});

const io = {
  'register-payment': counted(1, { 'dynamodb:PutItemCommand': 3, 'dynamodb:UpdateItemCommand': 1 }),
  'payon push (webhook + confirmation)': counted(1, {
    'dynamodb:PutItemCommand': 1,
    'dynamodb:GetItemCommand': 2,
    'dynamodb:TransactWriteItemsCommand': 1,
    'dynamodb:UpdateItemCommand': 2,
    'eventbridge:PutEventsCommand': 1,
  }),
  'get-payment (sync, paid)': counted(1, {
    'dynamodb:GetItemCommand': 1,
    'dynamodb:TransactWriteItemsCommand': 1,
    'dynamodb:UpdateItemCommand': 1,
    'eventbridge:PutEventsCommand': 1,
  }),
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

    // Assess: 8 writes × 2 WRU + 2 transactions × 6 WRU = 28 WRU a payment
    expect(cost.perPayment).toMatchObject({
      payonCalls: 3,
      dynamoReads: 3,
      dynamoWrites: 8,
      dynamoTransactions: 2,
      events: 2,
    });
    expect(cost.lines['DynamoDB writes']).toBe(cents(28 * PRICES.dynamoWrite.usd));
    expect(cost.lines['DynamoDB reads']).toBe(cents(3 * PRICES.dynamoRead.usd));
    expect(cost.lines.EventBridge).toBe(cents(2 * PRICES.eventBridgeEvents.usd));
    // 4 invocations × 40 ms own work + 3 PAYON calls × 300 ms, at the stack's memory
    const gbSeconds = 1_000_000 * (FUNCTION_MEMORY_MB / 1024) * ((4 * 40 + 3 * 300) / 1_000);
    expect(cost.lines['Lambda GB-seconds']).toBe(cents(gbSeconds * PRICES.lambdaArmGbSecond.usd));
    expect(cost.totalUsd).toBeCloseTo(
      Object.values(cost.lines).reduce((a, b) => a + b, 0),
      1,
    );
  });

  it('scales with the number of payments', () => {
    const million = costOfPayments(1_000_000, io);
    const tenMillion = costOfPayments(10_000_000, io);
    expect(tenMillion.totalUsd).toBeCloseTo(million.totalUsd * 10, 0);
  });
});
