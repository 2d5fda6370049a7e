import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '#local/payon-sandbox/index.ts';
import {
  MERCHANT_ID,
  paidOrder,
  pg,
  post,
  signed,
  startTestSandbox,
  TERM_ID,
  waitFor,
} from './helpers.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterEach(async () => {
  await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
});
afterAll(() => sandbox.stop());

const addFault = async (fault: Record<string, unknown>) => {
  const answer = await fetch(`${sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    body: JSON.stringify(fault),
  });
  expect(answer.status).toBe(201);
};

const refundBody = (txId: string) => signed({ merchantId: MERCHANT_ID, termId: TERM_ID, txId });

describe('injected faults', () => {
  it('latency: answers normally after the delay and records it in the journal', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await addFault({ path: '/pg/refund', kind: 'latency', ms: 250 });
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(answer.json).toMatchObject({ resultCode: '0000' });
    const entry = sandbox.journal.requests('/pg/refund').at(-1);
    expect(entry?.fault).toBe('latency');
    expect(entry?.durationMs).toBeGreaterThanOrEqual(240);
  });

  it('5xx: answers 502 with an HTML body and leaves the ledger unchanged', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await addFault({ path: '/pg/refund', kind: '5xx' });
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(answer.status).toBe(502);
    expect(answer.text).toContain('<title>502 Bad Gateway</title>');
    expect(sandbox.transaction(txId)?.state).toBe('APPROVED');
  });

  it('applies a fault only `times` times, then answers normally', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await addFault({ path: '/pg/refund', kind: '5xx', status: 503, times: 2 });
    // Act
    const first = await pg(sandbox, '/pg/refund', { txId });
    const second = await pg(sandbox, '/pg/refund', { txId });
    const third = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(third.json).toMatchObject({ resultCode: '0000' });
  });

  it('timeout: holds the answer until the client gives up', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await addFault({ path: '/pg/refund', kind: 'timeout', ms: 30_000 });
    // Act
    const outcome = await post(`${sandbox.url}/pg/refund`, refundBody(txId), {
      signal: AbortSignal.timeout(300),
    }).then(
      () => 'answered',
      (error: unknown) => (error instanceof Error ? error.name : 'error'),
    );
    // Assess
    expect(outcome).toBe('TimeoutError');
    expect(sandbox.transaction(txId)?.state).toBe('APPROVED');
  });

  it('reset: destroys the connection without an answer', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await addFault({ path: '/pg/refund', kind: 'reset' });
    // Act
    const outcome = await post(`${sandbox.url}/pg/refund`, refundBody(txId)).then(
      () => 'answered',
      (error: unknown) => (error instanceof TypeError ? 'network error' : 'other'),
    );
    // Assess
    expect(outcome).toBe('network error');
    const entry = await waitFor(() => {
      const last = sandbox.journal.requests('/pg/refund').at(-1);
      return last?.fault === 'reset' ? last : undefined;
    });
    expect(entry.status).toBe(0);
  });

  it('malformed: answers 200 with a body that is not JSON', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await addFault({ path: '/pg/refund', kind: 'malformed' });
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toBeUndefined();
    expect(answer.text.startsWith('{"resultCode"')).toBe(true);
  });

  it('401-once: answers 401 with body 1 once, then the same request succeeds', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await addFault({ path: '/pg/refund', kind: '401-once' });
    // Act
    const first = await pg(sandbox, '/pg/refund', { txId });
    const second = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect([first.status, first.text]).toEqual([401, '1']);
    expect(second.json).toMatchObject({ resultCode: '0000' });
  });

  it('applyFirst: the refund takes effect in the ledger although the answer is lost', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await addFault({ path: '/pg/refund', kind: 'reset', applyFirst: true });
    // Act
    const outcome = await post(`${sandbox.url}/pg/refund`, refundBody(txId)).then(
      () => 'answered',
      () => 'lost',
    );
    const retry = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(outcome).toBe('lost');
    expect(sandbox.transaction(txId)?.state).toBe('REFUNDED');
    expect(retry.json).toMatchObject({ resultCode: '3003' });
  });

  it('applyFirst with 5xx: the completion is recorded although a 500 is answered', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { trt: '12', amount: '8.00' });
    await addFault({ path: '/pg/preAuthCompletion', kind: '5xx', status: 500, applyFirst: true });
    // Act
    const answer = await pg(sandbox, '/pg/preAuthCompletion', {
      txId,
      currency: 'USD',
      amount: '8.00',
    });
    // Assess
    expect(answer.status).toBe(500);
    expect(sandbox.transaction(txId)?.state).toBe('COMPLETED');
  });

  it('refuses a fault of an unknown kind', async () => {
    // Act
    const answer = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/pg/refund', kind: 'gremlins' }),
    });
    // Assess
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toContain('kind must be one of');
  });
});
