/**
 * The payment API as the tests drive it: the real handlers, invoked with API Gateway v2 events,
 * against DynamoDB Local, Secrets Manager on moto and the PAYON sandbox. Each call of
 * {@link startApi} gets its own table, secret and sandbox.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { inject } from 'vitest';
import { ROUTES } from '#functions/routes.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '#local/payon-sandbox/index.ts';
import { lambdaContext, matchRoute, toEvent } from '#local/runtime/apigw.ts';
import { loadConfig } from '#shared/config/index.ts';
import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import {
  createDependencies,
  type Dependencies,
  setDependencies,
} from '#shared/runtime/dependencies.ts';
import { createTableInput } from '#shared/store/table.ts';
import { LOCAL_AWS } from '#test/support/aws.ts';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly text: string;
}

export interface CallOptions {
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly idempotencyKey?: string;
  readonly timeoutMs?: number;
}

export interface ApiEnvironment {
  readonly deps: Dependencies;
  readonly sandbox: Sandbox;
  readonly tableName: string;
  readonly dynamo: DynamoDBClient;
  call(method: string, pathAndQuery: string, options?: CallOptions): Promise<ApiResponse>;
  /** Every item in the table, unmarshalled. */
  scan(): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;

export const RETURN_ORIGIN = 'https://shop.example.com';

export async function startApi(
  options: { sandbox?: SandboxOptions; env?: Record<string, string>; clock?: () => Date } = {},
): Promise<ApiEnvironment> {
  const dynamoEndpoint = inject('dynamoEndpoint');
  const motoEndpoint = inject('motoEndpoint');
  const sandbox = await startSandbox({ port: 0, log: false, seed: 7, ...options.sandbox });
  const dynamo = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
  const secretsManager = new SecretsManagerClient({ ...LOCAL_AWS, endpoint: motoEndpoint });
  const tableName = `payon-test-${randomUUID()}`;
  await dynamo.send(new CreateTableCommand(createTableInput(tableName)));
  const secretId = `payon/test/${randomUUID()}`;
  await secretsManager.send(
    new CreateSecretCommand({
      Name: secretId,
      SecretString: JSON.stringify({
        merchantId: 'C0000143',
        termId: 'CT03000003',
        apiKey: 'sandbox-api-key',
        signingScheme: 'hmac-sha256',
        payonPublicKey: sandbox.payonPublicKeyPem,
        notificationToken: 'n'.repeat(40),
      }),
    }),
  );
  const config = loadConfig({
    STAGE: 'test',
    PAYON_ENVIRONMENT: 'TEST',
    PAYON_BASE_URL: sandbox.url,
    PAYON_SECRET_ID: secretId,
    PAYON_TIMEOUT_MS: '1500',
    TABLE_NAME: tableName,
    RETURN_URL_ORIGINS: RETURN_ORIGIN,
    ...options.env,
  });
  const deps = createDependencies(config, {
    dynamo,
    secretsManager,
    pinEncryption: createPinEncryptor,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  setDependencies(deps);
  const handlers = new Map<string, Handler>();
  for (const route of ROUTES) {
    const module = (await import(`#functions/${route.function}/handler.ts`)) as {
      handler: Handler;
    };
    handlers.set(route.function, module.handler);
  }
  return {
    deps,
    sandbox,
    tableName,
    dynamo,
    async call(method, pathAndQuery, call = {}) {
      const [path = '', rawQueryString = ''] = pathAndQuery.split('?');
      for (const route of ROUTES) {
        if (route.method !== method) continue;
        const params = matchRoute(route.path, path);
        if (!params) continue;
        const handler = handlers.get(route.function);
        if (!handler) throw new Error(`no handler for ${route.function}`);
        const body =
          call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
        const event = toEvent(
          {
            method,
            path,
            rawQueryString,
            headers: {
              ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
              ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
              ...call.headers,
            },
            body,
          },
          route,
          params,
        );
        const result = await handler(event, lambdaContext(route.function, call.timeoutMs));
        const text = typeof result.body === 'string' ? result.body : '';
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON (redirects)
        }
        return {
          status: result.statusCode ?? 200,
          headers: Object.fromEntries(
            Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
          ),
          body: parsed,
          text,
        };
      }
      throw new Error(`no route for ${method} ${path}`);
    },
    async scan() {
      const { Items = [] } = await dynamo.send(
        new ScanCommand({ TableName: tableName, ConsistentRead: true }),
      );
      return Items.map((i) => unmarshall(i));
    },
    async stop() {
      await sandbox.stop();
    },
  };
}
