import { describe, expect, it } from 'vitest';
import { type SweepCounts, SweepSummary } from '#local/runtime/background.ts';

function report(payments: Partial<SweepCounts['payments']> = {}): SweepCounts {
  return {
    events: { delivered: 0, failed: 0, errors: 0 },
    notifications: { confirmed: 0, failed: 0 },
    payments: {
      changed: 0,
      expired: 0,
      escalated: 0,
      unreachable: 0,
      refused: 0,
      failed: 0,
      conflicts: 0,
      ...payments,
    },
  };
}

describe('the local sweep summary', () => {
  it('prints nothing for runs that did nothing, however many', () => {
    const lines: string[] = [];
    const summary = new SweepSummary(1_000, (line) => lines.push(line));

    for (let run = 0; run < 600; run += 1) summary.add(report());

    expect(lines).toEqual([]);
  });

  it('prints the first run that did something at once, then at most one line per minute of runs', () => {
    const lines: string[] = [];
    const summary = new SweepSummary(10_000, (line) => lines.push(line));

    // 30 runs of 10 s (5 minutes), each changing a payment, one failing outright.
    for (let run = 0; run < 30; run += 1) {
      summary.add(run === 3 ? undefined : report({ changed: 1 }));
    }

    expect(lines).toEqual([
      '  [sweep] payments changed 1 (1 run)',
      '  [sweep] payments changed 5, runs failed 1 (6 runs)',
      '  [sweep] payments changed 6 (6 runs)',
      '  [sweep] payments changed 6 (6 runs)',
      '  [sweep] payments changed 6 (6 runs)',
    ]);
  });

  it('keeps what happened until a minute of runs has passed since the last line', () => {
    const lines: string[] = [];
    const summary = new SweepSummary(1_000, (line) => lines.push(line));

    summary.add(report({ expired: 1 }));
    for (let run = 0; run < 58; run += 1) summary.add(report());
    summary.add(report({ unreachable: 2 }));
    const beforeTheMinute = [...lines];
    summary.add(report());

    expect(beforeTheMinute).toEqual(['  [sweep] expired 1 (1 run)']);
    expect(lines).toEqual([
      '  [sweep] expired 1 (1 run)',
      '  [sweep] PAYON unreachable 2 (60 runs)',
    ]);
  });
});
