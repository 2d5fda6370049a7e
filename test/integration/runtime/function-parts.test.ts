import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { loadConfig } from '#shared/config/index.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { sqsConfirmQueue } from '#shared/notifications/sqs-queue.ts';
import { lambdaReconciliationStarter } from '#shared/reconciliation/lambda-starter.ts';
import { createDependencies } from '#shared/runtime/dependencies.ts';
import { LOCAL_AWS } from '#test/support/aws.ts';

// The parts only some functions bring (dependenciesWith): built from the configuration, they reach
// the real service; a function built without one refuses clearly instead of sending nowhere.
const base = {
  STAGE: 'test',
  PAYON_ENVIRONMENT: 'TEST',
  PAYON_SECRET_ID: 'payon/test/parts',
  TABLE_NAME: 'payon-test-parts',
  EVENT_BUS_NAME: 'payon-test-parts',
};

function useLocalAws(service: 'SQS' | 'LAMBDA', endpoint: string) {
  // The factories build plain clients (`new SQSClient({})`), as in AWS; point them at the emulator.
  vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, endpoint);
  vi.stubEnv('AWS_REGION', LOCAL_AWS.region);
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_AWS.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_AWS.credentials.secretAccessKey);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the webhook hand-off (sqsConfirmQueue)', () => {
  it('sends a message naming the notification, and only that, to the configured queue', async () => {
    // Prepare
    const endpoint = inject('motoEndpoint');
    const sqs = new SQSClient({ ...LOCAL_AWS, endpoint });
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `confirm-${randomUUID().slice(0, 8)}` }),
    );
    useLocalAws('SQS', endpoint);
    const deps = createDependencies(loadConfig({ ...base, CONFIRM_QUEUE_URL: QueueUrl ?? '' }), {
      confirmQueue: sqsConfirmQueue,
    });

    // Act
    await deps.confirmQueue.enqueue({ txId: '1795000000000042', id: 'n_abc123' });

    // Assess
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(Messages.map((m) => JSON.parse(m.Body ?? ''))).toEqual([
      { txId: '1795000000000042', id: 'n_abc123' },
    ]);
  });
});

describe('starting a run (lambdaReconciliationStarter)', () => {
  let lambda: Server;
  let url: string;
  const invocations: { path: string; type: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    // Lambda's Invoke API, as far as an asynchronous invoke goes: 202 and nothing else.
    lambda = createServer(async (request: IncomingMessage, response) => {
      let body = '';
      for await (const chunk of request) body += String(chunk);
      invocations.push({
        path: request.url ?? '',
        type: request.headers['x-amz-invocation-type'] as string | undefined,
        body,
      });
      response.writeHead(202, { 'content-type': 'application/json' }).end();
    });
    await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => lambda.close(() => resolve())));

  it('invokes reconcile-day asynchronously with the day', async () => {
    // Prepare
    useLocalAws('LAMBDA', url);
    const deps = createDependencies(
      loadConfig({ ...base, RECONCILE_FUNCTION_NAME: 'payon-test-reconcile-day' }),
      { reconciliationStarter: lambdaReconciliationStarter },
    );

    // Act
    await deps.reconciliationStarter.start('2026-11-21');

    // Assess
    expect(invocations).toEqual([
      {
        path: '/2015-03-31/functions/payon-test-reconcile-day/invocations',
        type: 'Event',
        body: '{"day":"2026-11-21"}',
      },
    ]);
  });

  it('refuses to start without the function name, sending nothing', async () => {
    // Prepare
    useLocalAws('LAMBDA', url);
    invocations.length = 0;
    const deps = createDependencies(loadConfig(base), {
      reconciliationStarter: lambdaReconciliationStarter,
    });

    // Act
    const started = deps.reconciliationStarter.start('2026-11-21');

    // Assess
    await expect(started).rejects.toThrow(/RECONCILE_FUNCTION_NAME is not configured/);
    expect(invocations).toEqual([]);
  });
});

describe('a function built without them', () => {
  it('refuses a hand-off or a run with a configuration error naming what it lacks', async () => {
    // Prepare
    const deps = createDependencies(loadConfig(base));

    // Act
    const handOff = deps.confirmQueue.enqueue({ txId: '1795000000000042', id: 'n_abc123' });
    const run = deps.reconciliationStarter.start('2026-11-21');

    // Assess
    await expect(handOff).rejects.toThrow(ConfigurationError);
    await expect(handOff).rejects.toThrow(/without a confirmation queue/);
    await expect(run).rejects.toThrow(/without a reconciliation starter/);
  });
});
