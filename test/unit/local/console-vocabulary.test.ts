import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ATTENTION_FLAGS } from '#shared/domain/attention.ts';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { ACKNOWLEDGEABLE as DOMAIN_ACKNOWLEDGEABLE } from '#shared/domain/payment.ts';
import { PAYMENT_METHODS } from '#shared/domain/payment-method.ts';
import { MONEY_OPERATIONS, PAYMENT_STATES } from '#shared/domain/payment-state.ts';
import { paymentViewSchema } from '#shared/domain/payment-view.ts';
import { DIFFERENCE_KINDS } from '#shared/reconciliation/compare.ts';

// The operator console (local/console) is plain browser JavaScript; what it explains is held here
// to the product's own lists, so that a new flag, state or difference cannot go unexplained.
const vocabulary = (await import(
  new URL('../../../local/console/vocabulary.js', import.meta.url).href
)) as {
  FLAGS: Record<string, { title: string; says: string; todo: string }>;
  ACKNOWLEDGEABLE: string[];
  CHANGES: Record<string, string>;
  STATES: Record<string, string>;
  METHODS: Record<string, string>;
  OPERATIONS: Record<string, string>;
  DIFFERENCES: Record<string, string>;
  cambodianDay: (at?: Date, daysBack?: number) => string;
  cambodianTime: (iso: string) => string;
};

const historyChanges = paymentViewSchema.shape.history.element.shape.change.unwrap().options;

describe('the operator console’s vocabulary', () => {
  it('explains every attention flag in words, with what to do', () => {
    expect(Object.keys(vocabulary.FLAGS).sort()).toEqual([...ATTENTION_FLAGS].sort());
    for (const text of Object.values(vocabulary.FLAGS)) {
      expect(text.title.length).toBeGreaterThan(3);
      expect(text.says.length).toBeGreaterThan(30);
      expect(text.todo.length).toBeGreaterThan(20);
    }
  });

  it('offers the acknowledgement for exactly the flags the product lets an operator end', () => {
    expect([...vocabulary.ACKNOWLEDGEABLE].sort()).toEqual([...DOMAIN_ACKNOWLEDGEABLE].sort());
  });

  it('names every state, method, money move, history change and reconciliation difference', () => {
    expect(Object.keys(vocabulary.STATES).sort()).toEqual([...PAYMENT_STATES].sort());
    expect(Object.keys(vocabulary.METHODS).sort()).toEqual([...PAYMENT_METHODS].sort());
    expect(Object.keys(vocabulary.OPERATIONS).sort()).toEqual([...MONEY_OPERATIONS].sort());
    expect(Object.keys(vocabulary.CHANGES).sort()).toEqual([...historyChanges].sort());
    expect(Object.keys(vocabulary.DIFFERENCES).sort()).toEqual(
      Object.keys(DIFFERENCE_KINDS).sort(),
    );
  });

  it.each(['2026-12-01T16:59:59.999Z', '2026-12-01T17:00:00.000Z', '2026-12-31T23:30:00.000Z'])(
    'takes the Cambodian day of %s as the product does',
    (iso) => {
      expect(vocabulary.cambodianDay(new Date(iso))).toBe(cambodiaDay(new Date(iso)));
    },
  );

  it('shows an instant as Cambodian wall-clock time, and the day before for the daily run', () => {
    expect(vocabulary.cambodianTime('2026-12-01T17:05:09.000Z')).toBe('2026-12-02 00:05:09');
    expect(vocabulary.cambodianDay(new Date('2026-12-01T17:05:09.000Z'), 1)).toBe('2026-12-01');
  });
});

// The pages show text other people wrote (references, reasons, PAYON's messages). Chromium
// enforces the pages' Trusted Types policy (local/runtime/statics.ts); this keeps the sinks out of
// the source as well, where a reviewer reads it.
describe('the pages that show API data', () => {
  it.each(['console/console.js', 'console/vocabulary.js', 'demo/demo.js', 'demo/result.js'])(
    '%s uses no HTML sink',
    (file) => {
      const source = readFileSync(new URL(`../../../local/${file}`, import.meta.url), 'utf8');
      expect(source).not.toMatch(
        /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|\beval\(|new Function\(/,
      );
    },
  );
});
