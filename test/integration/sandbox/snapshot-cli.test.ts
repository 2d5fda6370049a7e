import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '#local/payon-sandbox/index.ts';
import { freePort } from '#test/support/services.ts';
import {
  newTxId,
  orderRowsOf,
  paidOrder,
  pg,
  registerOrder,
  startTestSandbox,
  waitFor,
} from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'payon-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('snapshot', () => {
  it('saves the ledger on stop and loads it at the next start, keeping the PAYON key pair', async () => {
    // Prepare
    const snapshotFile = join(dir, 'state.json');
    const first = await startTestSandbox({ snapshotFile, seed: 99 });
    const txId = await paidOrder(first, { amount: '6.00' });
    const refund = await pg(first, '/pg/refund', { txId });
    const key = first.payonPublicKeyPem;
    await first.stop();
    // Act
    const second = await startSandbox({ port: 0, log: false, snapshotFile });
    try {
      const status = await pg(second, '/pg/transaction/status', {
        txId,
        amount: '6.00',
        currency: 'USD',
      });
      const again = await pg(second, '/pg/refund', { txId });
      // Assess
      expect(refund.json).toMatchObject({ resultCode: '0000' });
      expect(second.seed).toBe(99);
      expect(second.payonPublicKeyPem).toBe(key);
      expect(second.transaction(txId)?.state).toBe('REFUNDED');
      expect(status.status).toBe(200);
      expect(again.json).toMatchObject({ resultCode: '3003' });
    } finally {
      await second.stop();
    }
  });

  it('loads a snapshot written before attempts: each decided payment gets one attempt from its state', async () => {
    // Prepare: a snapshot as an older sandbox wrote it (no attempts, money moves without txSeqNo/stan)
    const snapshotFile = join(dir, 'legacy.json');
    const first = await startTestSandbox({ snapshotFile, seed: 5 });
    const approved = await paidOrder(first, { amount: '6.00' });
    await pg(first, '/pg/refund', { txId: approved });
    const declined = await paidOrder(first, { amount: '2.00' }, 'decline');
    const unpaid = (await registerOrder(first)).txId;
    await first.stop();
    const saved = JSON.parse(readFileSync(snapshotFile, 'utf8')) as {
      ledger: { transactions: Array<Record<string, unknown>> };
    };
    for (const tx of saved.ledger.transactions) {
      delete tx.attempts;
      const refund = tx.refund as Record<string, unknown> | null;
      if (refund) {
        delete refund.txSeqNo;
        delete refund.stan;
      }
    }
    writeFileSync(snapshotFile, JSON.stringify(saved));
    // Act
    const second = await startSandbox({ port: 0, log: false, snapshotFile });
    try {
      const approvedRows = await orderRowsOf(second, approved);
      const declinedRows = await orderRowsOf(second, declined);
      const retried = second.pay(declined, 'approve');
      // Assess
      expect(second.transaction(approved)?.attempts).toEqual([
        expect.objectContaining({ resultCd: '0000', message: 'Success', late: false }),
      ]);
      expect(second.transaction(unpaid)?.attempts).toEqual([]);
      expect(approvedRows).toEqual([
        expect.objectContaining({ resultCd: '0000', amount: 6, refundYn: 'Y' }),
      ]);
      expect(approvedRows[0]?.txSeqNo).toBe(second.transaction(approved)?.txSeqNo);
      expect(second.transaction(approved)?.refund?.txSeqNo).toMatch(/^\d{16}$/);
      expect(declinedRows).toEqual([
        expect.objectContaining({ resultCd: '9999', resultMsg: 'Card declined', txStCd: '99' }),
      ]);
      expect(retried).toMatchObject({ state: 'APPROVED', attempts: 2 });
    } finally {
      await second.stop();
    }
  });

  it('saves after a change without waiting for stop (debounced)', async () => {
    // Prepare
    const snapshotFile = join(dir, 'debounced.json');
    const sandbox = await startTestSandbox({ snapshotFile, snapshotDebounceMs: 20 });
    try {
      // Act
      const txId = await paidOrder(sandbox);
      // Assess
      const saved = await waitFor(() => {
        try {
          const text = readFileSync(snapshotFile, 'utf8');
          return text.includes(txId) && text.includes('"APPROVED"') ? text : undefined;
        } catch {
          return undefined;
        }
      });
      expect(JSON.parse(saved)).toMatchObject({ version: 1 });
    } finally {
      await sandbox.stop();
    }
  });
});

describe('CLI', () => {
  it('prints its URL, merchant and seed, answers /health and stops cleanly on SIGINT', async () => {
    // Prepare
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/payon-sandbox/main.ts', '--port', String(port), '--seed', '1234'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      await waitFor(() => (out.includes('stop with Ctrl+C') ? true : undefined), 15_000);
      // Act
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      const state = (await (await fetch(`http://127.0.0.1:${port}/_sandbox/state`)).json()) as {
        seed: number;
      };
      child.kill('SIGINT');
      const code = await exited;
      // Assess
      expect(out).toContain(`PAYON sandbox listening on http://127.0.0.1:${port}`);
      expect(out).toContain('C0000143 / CT03000003  apiKey sandbox-api-key');
      expect(out).toContain('seed:            1234');
      expect(health.status).toBe(200);
      expect(state.seed).toBe(1234);
      expect(code).toBe(0);
      expect(out).toContain('GET /health 200');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 20_000);

  it('uses txIds that are unique', () => {
    expect(newTxId()).not.toBe(newTxId());
  });
});
