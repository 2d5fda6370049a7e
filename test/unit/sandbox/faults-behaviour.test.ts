import { describe, expect, it } from 'vitest';
import { mergeBehaviour, type SandboxBehaviour } from '#local/payon-sandbox/config.ts';
import { bodyTxIds, FaultTable, parseFault, scriptedAnswer } from '#local/payon-sandbox/faults.ts';

describe('parseFault', () => {
  it('reads an answer with its defaults: status 200, once, not applied first, every txId', () => {
    // Act
    const fault = parseFault(
      { path: '/pg/refund', kind: 'answer', json: { resultCode: '3003' } },
      7,
    );
    // Assess
    expect(fault).toEqual({
      id: 7,
      path: '/pg/refund',
      kind: 'answer',
      ms: 0,
      times: 1,
      applyFirst: false,
      txId: null,
      status: 200,
      contentType: null,
      json: { resultCode: '3003' },
    });
  });

  it('keeps the 5xx status rule (502 unless 500 or 503) and gives every kind a txId filter', () => {
    // Act
    const fiveXx = parseFault({ path: '/pg/orders', kind: '5xx' }, 1);
    const filtered = parseFault({ path: '/pg/refund', kind: 'reset', txId: '1620803885401000' }, 2);
    // Assess
    expect(fiveXx).toMatchObject({ kind: '5xx', status: 502, txId: null });
    expect(filtered).toMatchObject({ kind: 'reset', txId: '1620803885401000' });
  });

  it.each([
    [
      'a status below 100',
      { kind: 'answer', text: 'x', status: 99 },
      'status of an answer must be an HTTP status from 100 to 599',
    ],
    [
      'a fractional status',
      { kind: 'answer', text: 'x', status: 200.5 },
      'status of an answer must be an HTTP status from 100 to 599',
    ],
    ['a text that is not a string', { kind: 'answer', text: 7 }, 'text must be a string'],
    [
      'an empty content type',
      { kind: 'answer', text: 'x', contentType: '' },
      'contentType must be a non-empty string',
    ],
    ['json that is not JSON', { kind: 'answer', json: 1n }, 'json must be a JSON value'],
    [
      'a body on another kind',
      { kind: 'latency', contentType: 'text/html' },
      'json, text and contentType are only for kind answer',
    ],
    ['an empty txId', { kind: 'answer', json: {}, txId: '' }, 'txId must be a non-empty string'],
  ])('refuses %s', (_, fields, message) => {
    expect(parseFault({ path: '/pg/refund', ...fields }, 1)).toBe(message);
  });

  it('accepts the edges of the status range and a null JSON body', () => {
    expect(
      parseFault({ path: '/pg/refund', kind: 'answer', json: null, status: 100 }, 1),
    ).toMatchObject({ status: 100, json: null });
    expect(
      parseFault({ path: '/pg/refund', kind: 'answer', text: '', status: 599 }, 1),
    ).toMatchObject({ status: 599, text: '' });
  });
});

describe('scriptedAnswer', () => {
  it('serialises JSON as application/json and text as text/plain unless a content type is given', () => {
    // Prepare
    const json = parseFault({ path: '/p', kind: 'answer', status: 302, json: { a: 1 } }, 1);
    const text = parseFault({ path: '/p', kind: 'answer', text: 'x', contentType: 'text/html' }, 2);
    if (typeof json === 'string' || json.kind !== 'answer') throw new Error(String(json));
    if (typeof text === 'string' || text.kind !== 'answer') throw new Error(String(text));
    // Act / Assess
    expect(scriptedAnswer(json)).toEqual({
      status: 302,
      text: '{"a":1}',
      contentType: 'application/json; charset=utf-8',
    });
    expect(scriptedAnswer(text)).toEqual({ status: 200, text: 'x', contentType: 'text/html' });
  });
});

describe('FaultTable with a txId filter', () => {
  it('skips requests about other payments without using up times, then hits the named one', () => {
    // Prepare
    const table = new FaultTable();
    table.add({ path: '/pg/refund', kind: '5xx', txId: 'A', times: 1 });
    table.add({ path: '/pg/refund', kind: 'malformed' });
    // Act
    const other = table.take('/pg/refund', ['B']);
    const named = table.take('/pg/refund', ['A']);
    const after = table.take('/pg/refund', ['A']);
    // Assess
    expect(other?.kind).toBe('malformed');
    expect(named).toMatchObject({ kind: '5xx', txId: 'A', times: 0 });
    expect(after).toBeUndefined();
    expect(table.list()).toEqual([]);
  });

  it('reads the txIds of an object body and of a reconciliation array body', () => {
    expect(bodyTxIds({ txId: '1' })).toEqual(['1']);
    expect(bodyTxIds({ txId: 1620803885401000 })).toEqual(['1620803885401000']);
    expect(bodyTxIds([{ txId: 'a' }, { nope: 1 }, 'x', { txId: 'b' }])).toEqual(['a', 'b']);
    expect(bodyTxIds('text')).toEqual([]);
  });
});

describe('mergeBehaviour', () => {
  const base: SandboxBehaviour = { ordersRowsPerMove: false, flags: 'yn' };

  it('merges the fields given over the current behaviour', () => {
    expect(mergeBehaviour(base, { flags: 'omit' })).toEqual({
      ordersRowsPerMove: false,
      flags: 'omit',
    });
    expect(mergeBehaviour(base, { ordersRowsPerMove: true })).toEqual({
      ordersRowsPerMove: true,
      flags: 'yn',
    });
    expect(mergeBehaviour(base, {})).toEqual(base);
  });

  it('names the bad field', () => {
    expect(mergeBehaviour(base, { ordersRowsPerMove: 'yes' })).toBe(
      'ordersRowsPerMove must be true or false',
    );
    expect(mergeBehaviour(base, { flags: 'Y' })).toBe('flags must be one of yn, blank, omit');
    expect(mergeBehaviour(base, { chaos: 1 })).toBe(
      'unknown behaviour field chaos (ordersRowsPerMove, flags)',
    );
    expect(mergeBehaviour(base, [])).toBe('behaviour must be a JSON object');
  });
});
