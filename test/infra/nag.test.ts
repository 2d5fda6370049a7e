import { readdirSync, readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { NAG_SUPPRESSIONS } from '#infra/nag-suppressions.ts';
import { synth } from '#test/infra/synth.ts';

const packs = () => [new AwsSolutionsChecks(), new ServerlessChecks(), new PCIDSS321Checks()];

function findings(scope: IConstruct): string[] {
  return packs().flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.map(
        (v) =>
          `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
  );
}

function acknowledgements(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag: AwsSolutions, Serverless and PCI DSS 3.2.1', () => {
  it.each([
    ['the default (JWT) stack', {}],
    [
      'IAM auth with CORS and an alarm e-mail',
      { auth: 'iam', corsOrigins: 'https://shop.example.com', alarmEmail: 'ops@shop.example.com' },
    ],
    [
      'a PRODUCTION stack with fixed egress',
      { stage: 'prod', payonEnvironment: 'PRODUCTION', fixedEgress: 'true' },
    ],
    [
      'reserved concurrency for the money functions and route throttles from context',
      { moneyReservedConcurrency: '10', webhookThrottleRate: '5', returnThrottleBurst: '50' },
    ],
  ])('finds no unsuppressed error or warning in %s', (_, context: Record<string, string>) => {
    expect(findings(synth(context).stack)).toEqual([]);
  });

  it('gives every suppression a specific reason', () => {
    for (const suppression of NAG_SUPPRESSIONS) {
      expect(suppression.reason.trim().length, suppression.id).toBeGreaterThanOrEqual(20);
    }
    const applied = [
      ...acknowledgements(synth().stack),
      ...acknowledgements(synth({ fixedEgress: 'true' }).stack),
    ];
    expect(applied.length).toBeGreaterThan(0);
    for (const { path, id, reason } of applied) {
      expect(reason.trim().length, `${id} on ${path}`).toBeGreaterThanOrEqual(20);
    }
  });

  it('acknowledges the queue, event source and schedule findings only where they are inherent', () => {
    const s = synth();
    const where = (id: string) =>
      acknowledgements(s.stack)
        // aws-cdk-lib records an acknowledgement under `Annotation::<id>`.
        .filter((a) => a.id === id || a.id === `Annotation::${id}`)
        .map((a) => a.path);
    const path = (construct: IConstruct) => construct.node.path;
    // The dead-letter queue has no redrive of its own; the main queue is not excused.
    expect(where('Serverless-SQSRedrivePolicy')).toEqual([path(s.stack.confirmDeadLetters)]);
    expect(where('Serverless-LambdaEventSourceMappingDestination')).toEqual([
      path(s.stack.confirmQueueSource),
    ]);
    expect([...where('Serverless-EventBusDLQ')].sort()).toEqual(
      [
        path(s.stack.sweepSchedule),
        path(s.stack.reconcileSchedule),
        path(s.stack.reconcileRequests),
        path(s.stack.payments.webhookSchedule),
        path(s.stack.payments.webhookTrigger),
      ].sort(),
    );
    // Only the three scheduled functions go without an asynchronous failure destination.
    expect([...where('Serverless-LambdaAsyncFailureDestination')].sort()).toEqual(
      ['sync-payments', 'reconcile-day', 'deliver-webhooks']
        .map((name) => path(s.stack.functions.get(name)?.function ?? s.stack))
        .sort(),
    );
    // Each function's dead-letter finding is excused once, for the way it is invoked.
    const dlq = where('Serverless-LambdaDLQ');
    expect([...dlq].sort()).toEqual(
      [...s.stack.functions.values()].map((fn) => path(fn.function)).sort(),
    );
    // Only the two unauthenticated routes (the return page and PAYON's push) skip an authorizer.
    expect([...where('AwsSolutions-APIG4')].sort()).toEqual(
      s.stack.publicRoutes.map((route) => path(route)).sort(),
    );
    expect(s.stack.publicRoutes.map((route) => route.path).sort()).toEqual([
      '/payon/notifications/{token}',
      '/return',
    ]);
  });

  it('keeps every suppression in infra/nag-suppressions.ts', () => {
    const dir = new URL('../../infra/', import.meta.url);
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    const offenders = files.filter(
      (f) =>
        f !== 'nag-suppressions.ts' && /acknowledge\(/.test(readFileSync(new URL(f, dir), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('reports what is not suppressed (the check is live)', () => {
    const stack = new Stack(new App(), 'Bare');
    new Secret(stack, 'Unrotated');
    expect(findings(stack)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^error AwsSolutions-SMG4: Bare\/Unrotated/)]),
    );
  });
});
