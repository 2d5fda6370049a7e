import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '#shared/config/index.ts';
import { createDependencies } from '#shared/runtime/dependencies.ts';
import { createTracing as activeTracing } from '#shared/runtime/tracing.ts';
import { createTracing as sdkTracing } from '#shared/runtime/tracing-sdk.ts';

const ENV = {
  STAGE: 'test',
  PAYON_ENVIRONMENT: 'TEST',
  PAYON_SECRET_ID: 'payon/test',
  TABLE_NAME: 'payon-test',
  EVENT_BUS_NAME: 'payon-test',
};
const middlewareNames = (client: DynamoDBClient) =>
  client.middlewareStack.identify().map((line) => line.split(' ')[0]);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('tracing', () => {
  it("is Lambda's active tracing by default: clients as they are, no handler middleware", () => {
    // Prepare
    const client = new DynamoDBClient({ region: 'ap-southeast-1' });
    const before = middlewareNames(client);

    // Act
    const tracing = createDependencies(loadConfig(ENV)).tracer;
    const captured = tracing.captureAWSv3Client(client);

    // Assess: `#tracing` resolves to the active module outside an sdkTracer build
    expect(tracing.mode).toBe('active');
    expect(captured).toBe(client);
    expect(middlewareNames(client)).toEqual(before);
    expect(tracing.handlerMiddleware()).toBeUndefined();
    expect(activeTracing('x').mode).toBe('active');
  });

  it('with the SDK tracer, instruments every AWS client and opens a subsegment per invocation', () => {
    // Prepare: as in Lambda (Powertools traces nothing elsewhere)
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
    const client = new DynamoDBClient({ region: 'ap-southeast-1' });
    const before = middlewareNames(client);

    // Act
    const tracing = sdkTracing('payon-test');
    tracing.captureAWSv3Client(client);

    // Assess
    expect(tracing.mode).toBe('sdk');
    const added = middlewareNames(client).filter((name) => !before.includes(name));
    expect(added.some((name) => /xray|segment/i.test(name ?? ''))).toBe(true);
    const middleware = tracing.handlerMiddleware();
    expect(typeof middleware?.before).toBe('function');
    expect(typeof middleware?.after).toBe('function');
  });
});
