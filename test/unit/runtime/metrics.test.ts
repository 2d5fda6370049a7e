import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATOR_METRICS } from '#infra/monitoring.ts';
import { BUSINESS_METRICS } from '#shared/runtime/business-metrics.ts';
import { METRIC_NAMES, SWEEP_PAYMENT_COUNTS } from '#shared/runtime/metrics.ts';

const root = new URL('../../../', import.meta.url).pathname;

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path: path.slice(root.length), text: readFileSync(path, 'utf8') };
    });
}

const product = [...sources('shared'), ...sources('functions')];

// A metric an alarm watches must be the metric the code counts: names are types
// (shared/runtime/metrics.ts, and for the dashboard's business metrics with their dimensions
// shared/runtime/business-metrics.ts), and nothing counts around them.
const COUNTERS = ['shared/runtime/metrics.ts', 'shared/runtime/business-metrics.ts'];

describe('metric names', () => {
  it('are counted only through count() or publish(), which take a known name', () => {
    const around = product
      .filter((f) => !COUNTERS.includes(f.path))
      .filter((f) => /\.addMetric\(/.test(f.text))
      .map((f) => f.path);
    expect(around).toEqual([]);
  });

  it('are each counted somewhere (no name an alarm could watch in vain)', () => {
    const code = product
      .filter((f) => f.path !== 'shared/runtime/metrics.ts')
      .map((f) => f.text)
      .join('\n');
    expect(METRIC_NAMES.filter((name) => !code.includes(`'${name}'`))).toEqual([]);
  });

  it('of the business metrics are none of the counted names', () => {
    const counted: readonly string[] = METRIC_NAMES;
    expect(Object.keys(BUSINESS_METRICS).filter((name) => counted.includes(name))).toEqual([]);
  });

  it('that page an operator are names the code counts', () => {
    const counted: readonly string[] = [
      ...METRIC_NAMES,
      ...SWEEP_PAYMENT_COUNTS.map((name) => `sweep.${name}`),
    ];
    expect(Object.keys(OPERATOR_METRICS).filter((name) => !counted.includes(name))).toEqual([]);
  });
});
