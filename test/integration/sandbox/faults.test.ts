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

describe('scripted answers (kind answer)', () => {
  it('answers the scripted status and JSON body instead of the endpoint, leaving the ledger unchanged', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    const scripted = { resultCode: '3003', resultMessage: 'Invalid Transaction', txId };
    await addFault({ path: '/pg/refund', kind: 'answer', status: 200, json: scripted });
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId });
    const after = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.json).toEqual(scripted);
    expect(after.json).toMatchObject({ resultCode: '0000' });
    expect(sandbox.journal.requests('/pg/refund').at(-2)?.fault).toBe('answer 200');
  });

  it('sends any JSON value with the default status 200, and any HTTP status', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    sandbox.addFault({ path: '/pg/reversal', kind: 'answer', json: null });
    sandbox.addFault({ path: '/pg/reversal', kind: 'answer', status: 418, json: [1, 'two'] });
    sandbox.addFault({ path: '/pg/reversal', kind: 'answer', status: 204, text: '' });
    // Act
    const first = await pg(sandbox, '/pg/reversal', { txId });
    const second = await pg(sandbox, '/pg/reversal', { txId });
    const third = await pg(sandbox, '/pg/reversal', { txId });
    // Assess
    expect([first.status, first.text]).toEqual([200, 'null']);
    expect([second.status, second.json]).toEqual([418, [1, 'two']]);
    expect([third.status, third.text]).toEqual([204, '']);
    expect(sandbox.transaction(txId)?.state).toBe('APPROVED');
  });

  it('sends a text body as text/plain, or with the content type given', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await addFault({ path: '/pg/refund', kind: 'answer', status: 503, text: 'busy' });
    await addFault({
      path: '/pg/refund',
      kind: 'answer',
      status: 200,
      text: '<html>maintenance</html>',
      contentType: 'text/html',
    });
    // Act
    const plain = await pg(sandbox, '/pg/refund', { txId });
    const typed = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect([plain.status, plain.text]).toEqual([503, 'busy']);
    expect(plain.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect([typed.status, typed.text]).toEqual([200, '<html>maintenance</html>']);
    expect(typed.headers.get('content-type')).toBe('text/html');
  });

  it('applyFirst: the refund takes effect in the ledger, then the scripted refusal is answered', async () => {
    // Prepare: "the money moved but PAYON answered 3003"
    const txId = await paidOrder(sandbox);
    sandbox.addFault({
      path: '/pg/refund',
      kind: 'answer',
      applyFirst: true,
      json: { txId, resultCode: '3003', resultMessage: 'Invalid Transaction' },
    });
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(answer.json).toMatchObject({ resultCode: '3003' });
    expect(sandbox.transaction(txId)?.state).toBe('REFUNDED');
    expect(sandbox.journal.requests('/pg/refund').at(-1)?.fault).toBe('answer 200 (applied first)');
  });

  it('answers the status pull with a scripted 302 for one payment only', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { amount: '4.00' });
    await addFault({
      path: '/pg/transaction/status',
      kind: 'answer',
      status: 302,
      json: { resultMsg: 'System error', resultCode: '9999', resultData: null },
      txId,
    });
    const status = () =>
      pg(sandbox, '/pg/transaction/status', { txId, amount: '4.00', currency: 'USD' });
    // Act
    const scripted = await status();
    const real = await status();
    // Assess
    expect([scripted.status, scripted.headers.get('location')]).toEqual([302, null]);
    expect(real.status).toBe(200);
  });

  it('refuses an answer without a body, with two bodies, or with a status out of range', async () => {
    // Act
    const refusals = await Promise.all(
      [
        { path: '/pg/refund', kind: 'answer' },
        { path: '/pg/refund', kind: 'answer', json: {}, text: 'x' },
        { path: '/pg/refund', kind: 'answer', json: {}, status: 600 },
        { path: '/pg/refund', kind: '5xx', status: 418 },
        { path: '/pg/refund', kind: 'reset', json: {} },
      ].map(async (fault) => {
        const answer = await fetch(`${sandbox.url}/_sandbox/faults`, {
          method: 'POST',
          body: JSON.stringify(fault),
        });
        return [answer.status, ((await answer.json()) as { error: string }).error];
      }),
    );
    // Assess
    expect(refusals).toEqual([
      [400, 'an answer needs exactly one of json (any JSON value) or text (a string)'],
      [400, 'an answer needs exactly one of json (any JSON value) or text (a string)'],
      [400, 'status of an answer must be an HTTP status from 100 to 599'],
      [400, 'status must be 500, 502 or 503'],
      [400, 'json, text and contentType are only for kind answer'],
    ]);
    expect(sandbox.state().faults).toEqual([]);
  });
});

describe('faults for one txId', () => {
  it('hits only requests about that txId; others pass through and do not use up times', async () => {
    // Prepare
    const target = await paidOrder(sandbox);
    const other = await paidOrder(sandbox);
    const fault = sandbox.addFault({ path: '/pg/refund', kind: '5xx', status: 503, txId: target });
    // Act
    const otherAnswer = await pg(sandbox, '/pg/refund', { txId: other });
    const armed = sandbox.state().faults;
    const targetAnswer = await pg(sandbox, '/pg/refund', { txId: target });
    const retry = await pg(sandbox, '/pg/refund', { txId: target });
    // Assess
    expect(fault).toMatchObject({ kind: '5xx', status: 503, txId: target, times: 1 });
    expect(otherAnswer.json).toMatchObject({ resultCode: '0000' });
    expect(armed).toEqual([expect.objectContaining({ id: fault.id, times: 1 })]);
    expect(targetAnswer.status).toBe(503);
    expect(retry.json).toMatchObject({ resultCode: '0000' });
  });

  it('matches a reconciliation item with that txId in the array body', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { amount: '1.00' });
    await addFault({ path: '/pg/merchant/reconcilation', kind: 'malformed', txId });
    const item = (id: string) => ({
      merchantId: MERCHANT_ID,
      termId: TERM_ID,
      txId: id,
      transactionType: 'PURCHASE',
      grandToTAmt: 1,
    });
    // Act
    const without = await post(`${sandbox.url}/pg/merchant/reconcilation`, [item('other')]);
    const withIt = await post(`${sandbox.url}/pg/merchant/reconcilation`, [
      item('other'),
      item(txId),
    ]);
    // Assess
    expect(Array.isArray(without.json)).toBe(true);
    expect([withIt.status, withIt.json]).toEqual([200, undefined]);
  });
});
