import { describe, expect, it } from 'vitest';
import { BACKGROUND_FUNCTIONS, FUNCTIONS as DESCRIPTORS, ROUTES } from '#functions/index.ts';
import { BUNDLE_BUDGET_BYTES, PACKAGE_OWNERS } from '#scripts/bench/budgets.ts';
import { bundle, handlerEntry } from '#scripts/bench/bundle.ts';

const FUNCTIONS = [...new Set([...ROUTES, ...BACKGROUND_FUNCTIONS].map((r) => r.function))].sort();
const OUT = new URL('../../.tmp/budget-bundles', import.meta.url).pathname;

// Production bundles, built as the stack builds them (scripts/bench/bundle.ts), held to budgets.
describe('bundle budgets', async () => {
  const measures = await Promise.all(FUNCTIONS.map((fn) => bundle(fn, handlerEntry(fn), OUT)));

  it('has a budget for every function and none for a function that is gone', () => {
    expect(Object.keys(BUNDLE_BUDGET_BYTES).sort()).toEqual(FUNCTIONS);
  });

  it.each(measures.map((m) => [m.name, m]))('%s stays within its bundle budget', (name, m) => {
    expect(m.bytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES[name] ?? 0);
  });

  // node-forge only where PINs are encrypted, the SQS client only in the webhook, the Lambda client
  // only in start-reconciliation — and there they must be (a function missing its part would fail).
  it.each(Object.entries(PACKAGE_OWNERS))(
    'carries %s only where it is needed, and there it must',
    (pkg, owners) => {
      const carriers = measures.filter((m) => m.packages.includes(pkg)).map((m) => m.name);
      expect(carriers.sort()).toEqual([...owners].sort());
    },
  );

  // The client and the grant say the same: Secrets Manager only where the descriptor lets the
  // function read the merchant secret, EventBridge only where it may put events (merchant events,
  // or start-reconciliation's request) (issue 27).
  it.each([
    ['@aws-sdk/client-secrets-manager', DESCRIPTORS.filter((f) => f.aws.merchantSecret)],
    [
      '@aws-sdk/client-eventbridge',
      DESCRIPTORS.filter((f) => f.aws.publishEvents === true || f.aws.requestReconcile === true),
    ],
  ])('carries %s exactly where the descriptor grants its use', (pkg, granted) => {
    const carriers = measures.filter((m) => m.packages.includes(pkg)).map((m) => m.name);
    expect(carriers.sort()).toEqual(granted.map((f) => f.function).sort());
  });

  it('brings the X-Ray SDK tracer back with the sdkTracer build, and the credential chain stays out', async () => {
    // Prepare / Act: the bundle the stack builds with `-c sdkTracer=true`
    const traced = await bundle(
      'register-payment',
      handlerEntry('register-payment'),
      `${OUT}/sdk`,
      {
        sdkTracer: true,
      },
    );

    // Assess
    expect(traced.packages).toEqual(
      expect.arrayContaining(['aws-xray-sdk-core', '@aws-lambda-powertools/tracer']),
    );
    expect(traced.packages).not.toContain('@aws-sdk/credential-provider-node');
    const plain = measures.find((m) => m.name === 'register-payment');
    expect(traced.bytes - (plain?.bytes ?? 0)).toBeGreaterThan(50_000);
  });
});
