import { randomUUID } from 'node:crypto';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { loadConfig } from '#shared/config/index.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { sqsConfirmQueue } from '#shared/notifications/sqs-queue.ts';
import { eventBridgeReconciliationStarter } from '#shared/reconciliation/eventbridge-starter.ts';
import { RECONCILE_REQUEST } from '#shared/reconciliation/starter.ts';
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

function useLocalAws(service: 'SQS' | 'EVENTBRIDGE', endpoint: string) {
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

describe('starting a run (eventBridgeReconciliationStarter)', () => {
  it("puts one request event with the day on the stage's bus, which the request rule matches", async () => {
    // Prepare: the stage's bus with the stack's request rule into a queue (for reading it back)
    const endpoint = inject('motoEndpoint');
    const name = `parts-${randomUUID().slice(0, 8)}`;
    const eventBridge = new EventBridgeClient({ ...LOCAL_AWS, endpoint });
    const sqs = new SQSClient({ ...LOCAL_AWS, endpoint });
    await eventBridge.send(new CreateEventBusCommand({ Name: name }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await eventBridge.send(
      new PutRuleCommand({
        Name: `${name}-requests`,
        EventBusName: name,
        EventPattern: JSON.stringify({
          source: [RECONCILE_REQUEST.source],
          'detail-type': [RECONCILE_REQUEST.detailType],
        }),
      }),
    );
    await eventBridge.send(
      new PutTargetsCommand({
        Rule: `${name}-requests`,
        EventBusName: name,
        Targets: [{ Id: 'requests', Arn: Attributes?.QueueArn }],
      }),
    );
    useLocalAws('EVENTBRIDGE', endpoint);
    const deps = createDependencies(loadConfig({ ...base, EVENT_BUS_NAME: name }), {
      reconciliationStarter: eventBridgeReconciliationStarter,
    });

    // Act
    await deps.reconciliationStarter.start('2026-11-21');

    // Assess
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
    );
    expect(
      Messages.map((m) => {
        const event = JSON.parse(m.Body ?? '{}') as Record<string, unknown>;
        return { source: event.source, type: event['detail-type'], detail: event.detail };
      }),
    ).toEqual([
      {
        source: 'payon.serverless.internal',
        type: 'Reconciliation requested',
        detail: { day: '2026-11-21' },
      },
    ]);
  });

  it('fails the start when EventBridge does not take the request', async () => {
    // Prepare: a bus that is not there
    const endpoint = inject('motoEndpoint');
    useLocalAws('EVENTBRIDGE', endpoint);
    const deps = createDependencies(
      loadConfig({ ...base, EVENT_BUS_NAME: `missing-${randomUUID().slice(0, 8)}` }),
      { reconciliationStarter: eventBridgeReconciliationStarter },
    );

    // Act
    const started = deps.reconciliationStarter.start('2026-11-21');

    // Assess
    await expect(started).rejects.toThrow();
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
