import { describe, expect, it } from 'vitest';
import { createClock } from '#local/payon-sandbox/clock.ts';
import { Ledger, type LedgerState, type RegisterInput } from '#local/payon-sandbox/ledger.ts';
import { mulberry32 } from '#local/payon-sandbox/prng.ts';

const EXPIRY_MS = 15 * 60_000;

function setup(state?: LedgerState) {
  const clock = createClock();
  clock.set(Date.parse('2024-06-01T03:00:00.000Z'));
  const ledger = new Ledger(clock, mulberry32(1), state);
  const register = (txId: string, trt: '10' | '12' = '10') => {
    const input: RegisterInput = {
      txId,
      merchantId: 'C0000143',
      termId: 'CT03000003',
      trt,
      amountCents: 1_000,
      paymentMethod: 'CREDIT_DEBIT',
      payDvCd: null,
      clientId: null,
      bindingId: null,
      buyerId: null,
      sellerId: null,
      checkout: 'card',
      paymentType: '02',
      expiryMs: EXPIRY_MS,
    };
    const tx = ledger.register(input, () => null);
    if (!('txId' in tx)) throw new Error(tx.message);
    return tx;
  };
  return { clock, ledger, register };
}

describe('ledger attempts', () => {
  it('keeps a declined order payable, records each attempt with its own txSeqNo and stan, and ends at the approval', () => {
    // Prepare
    const { ledger, register } = setup();
    const tx = register('A1');
    // Act
    ledger.decline(tx, null, 'Card declined');
    const payableAfterDecline = ledger.payable(tx);
    ledger.approve(tx, { card: null, via: 'card' });
    // Assess
    expect(payableAfterDecline).toBeUndefined();
    expect(ledger.payable(tx)).toBe('This payment is already approved.');
    expect(tx.attempts.map((a) => a.resultCd)).toEqual(['9999', '0000']);
    expect(tx.attempts[0]?.txSeqNo).toBe(tx.txSeqNo);
    expect(tx.attempts[1]?.txSeqNo).toMatch(new RegExp(`^${tx.txDt}\\d{8}$`));
    expect(tx.attempts[1]?.txSeqNo).not.toBe(tx.txSeqNo);
    expect(tx.attempts[0]?.stan).not.toBe(tx.attempts[1]?.stan);
    expect(tx.declineReason).toBeNull();
    expect(() => ledger.decline(tx, null, 'late decline')).toThrow('already approved');
  });

  it('closes an unpaid order at expiry: EXPIRED without attempts, DECLINED with declined ones', () => {
    // Prepare
    const { clock, ledger, register } = setup();
    const untried = register('B1');
    const declined = register('B2');
    ledger.decline(declined, null, 'Insufficient funds');
    const retryableBefore = ledger.retryable(declined);
    // Act
    clock.advance(EXPIRY_MS);
    const states = [ledger.find('B1')?.state, ledger.find('B2')?.state];
    clock.advance(-EXPIRY_MS);
    // Assess: closed for good, also when the clock is set back (as EXPIRED is)
    expect(retryableBefore).toBe(true);
    expect(states).toEqual(['EXPIRED', 'DECLINED']);
    expect(ledger.payable(untried)).toBe('This payment link has expired.');
    expect(ledger.payable(declined)).toBe('This payment link has expired.');
    expect(ledger.closedByExpiry(declined)).toBe(true);
    expect(ledger.retryable(declined)).toBe(false);
    expect(declined.history.filter((h) => h.event === 'expired')).toHaveLength(1);
  });

  it('approves late past expiry as one more attempt', () => {
    // Prepare
    const { clock, ledger, register } = setup();
    const tx = register('C1');
    clock.advance(EXPIRY_MS + 1);
    ledger.find('C1');
    // Act
    ledger.approve(tx, { card: null, via: 'admin API', late: true });
    // Assess
    expect(tx.state).toBe('APPROVED');
    expect(tx.attempts).toEqual([expect.objectContaining({ resultCd: '0000', late: true })]);
    expect(tx.history.at(-1)?.detail).toMatch(/^late, admin API; approvalNo \d{6}$/);
  });

  it('gives each money move its own txSeqNo and stan', () => {
    // Prepare
    const { ledger, register } = setup();
    const tx = register('D1', '12');
    ledger.approve(tx, { card: null, via: 'card' });
    // Act
    const completion = ledger.complete(tx, 800);
    const refund = ledger.refund(tx);
    // Assess
    if (!('txSeqNo' in completion) || !('txSeqNo' in refund)) throw new Error('refused');
    expect(new Set([tx.attempts[0]?.txSeqNo, completion.txSeqNo, refund.txSeqNo]).size).toBe(3);
    expect(new Set([tx.attempts[0]?.stan, completion.stan, refund.stan]).size).toBe(3);
    expect(refund.amountCents).toBe(800);
  });

  it('loads a state saved before attempts: one attempt from the decided state, moves numbered', () => {
    // Prepare
    const { ledger, register } = setup();
    const approved = register('E1');
    ledger.approve(approved, { card: null, via: 'card' });
    ledger.refund(approved);
    const declined = register('E2');
    ledger.decline(declined, null, 'Card declined');
    register('E3');
    const legacy = JSON.parse(JSON.stringify(ledger.state())) as LedgerState;
    for (const tx of legacy.transactions as unknown as Array<Record<string, unknown>>) {
      delete tx.attempts;
      const refund = tx.refund as Record<string, unknown> | null;
      if (refund) {
        delete refund.txSeqNo;
        delete refund.stan;
      }
    }
    // Act
    const loaded = setup(legacy).ledger;
    // Assess
    expect(loaded.find('E1')?.attempts).toEqual([
      {
        atMs: approved.decidedAtMs,
        resultCd: '0000',
        message: 'Success',
        txSeqNo: approved.txSeqNo,
        stan: approved.stan,
        approvalNo: approved.approvalNo,
        late: false,
      },
    ]);
    expect(loaded.find('E1')?.refund).toMatchObject({
      approvalNo: approved.refund?.approvalNo,
      txSeqNo: expect.stringMatching(/^\d{16}$/),
      stan: expect.stringMatching(/^\d{6}$/),
    });
    expect(loaded.find('E2')?.attempts).toEqual([
      expect.objectContaining({ resultCd: '9999', message: 'Card declined', approvalNo: null }),
    ]);
    expect(loaded.find('E3')?.attempts).toEqual([]);
  });
});
