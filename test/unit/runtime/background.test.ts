import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syncPaymentsFunction } from '#functions/sync-payments/background.ts';
import { lambdaContext } from '#local/runtime/apigw.ts';
import { backgroundHandler } from '#shared/runtime/background.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import { createTracing } from '#shared/runtime/tracing.ts';

/** What the process writes to stdout (EMF metrics) and stderr (warnings) while `run` runs. */
async function capture(run: () => Promise<unknown>) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return { out: out.join(''), err: err.join('') };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('backgroundHandler', () => {
  it('counts every run, so a run with nothing else to count publishes a metric and no warning', async () => {
    // Prepare: a run that records no metric of its own (a sweep that found nothing)
    const serviceName = 'payon-test';
    const deps = {
      logger: new Logger({ serviceName, logLevel: 'SILENT' }),
      metrics: new Metrics({ serviceName, namespace: 'PayonServerless' }),
      tracer: createTracing(serviceName),
    } as unknown as Dependencies;
    const handler = backgroundHandler(
      syncPaymentsFunction,
      () => deps,
      async () => 'nothing due',
    );

    // Act
    const { out, err } = await capture(async () => {
      await handler({}, lambdaContext('sync-payments', 60_000));
      await handler({}, lambdaContext('sync-payments', 60_000));
    });

    // Assess
    const runs = out
      .split('\n')
      .filter((line) => line.includes('"sync-payments.runs"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ 'sync-payments.runs': 1, service: serviceName });
    expect(err).not.toContain('No application metrics');
  });
});
