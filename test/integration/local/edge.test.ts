import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { cancelPaymentSchemas } from '#functions/cancel-payment/route.ts';
import { capturePaymentSchemas } from '#functions/capture-payment/route.ts';
import { getPaymentSchemas } from '#functions/get-payment/route.ts';
import { listTransactionsSchemas } from '#functions/list-transactions/route.ts';
import { refundPaymentSchemas } from '#functions/refund-payment/route.ts';
import { registerPaymentSchemas } from '#functions/register-payment/route.ts';
import { type LocalSystem, startLocal } from '#local/runtime/system.ts';
import { invalidValue, jsonSchemaOf } from '#test/support/schema-arbitraries.ts';

const ALLOWED_ORIGIN = 'https://shop.example.com';
const RUNS = Number(process.env.EDGE_RUNS ?? 1_000);

describe('the local HTTP edge', () => {
  let system: LocalSystem;
  let dynamo: DynamoDBClient;

  beforeAll(async () => {
    system = await startLocal({
      apiPort: 0,
      dynamoPort: 0,
      awsPort: 0,
      payon: { kind: 'sandbox', port: 0, apiKey: 'sandbox-api-key', seed: 5 },
      corsOrigins: [ALLOWED_ORIGIN],
      returnOrigins: [],
      log: (line) => process.stderr.write(`${line}\n`),
    });
    dynamo = new DynamoDBClient({
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoint: system.dynamoEndpoint,
    });
  }, 120_000);
  afterAll(() => system.stop());

  // The background sweep's lease comes and goes with each run: not state a request could change.
  const state = async () => ({
    items: (
      await dynamo.send(
        new ScanCommand({
          TableName: system.tableName,
          ConsistentRead: true,
          FilterExpression: '#type <> :lease',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':lease': { S: 'lease' } },
        }),
      )
    ).Count,
    payonCalls: system.sandbox?.journal.requests().length,
  });

  async function post(path: string, body: string, headers: Record<string, string> = {}) {
    return fetch(`${system.apiUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': 'prop-test-key',
        ...headers,
      },
      body,
    });
  }

  type ErrorBody = { error?: { code?: string; fields?: { field: string; reason: string }[] } };

  const bodyRoutes: [string, z.ZodType][] = [
    ['/payments', registerPaymentSchemas.body],
    ['/payments/1763700000000001/capture', capturePaymentSchemas.body],
    ['/payments/1763700000000001/cancel', cancelPaymentSchemas.body],
    ['/payments/1763700000000001/refund', refundPaymentSchemas.body],
  ];

  it.each(bodyRoutes)(
    `answers ${RUNS} bodies invalid by construction for POST %s with a 400 naming the field, and changes nothing`,
    async (path, schema) => {
      const before = await state();
      const isValid = (v: unknown) => schema.safeParse(v).success;
      let count = 0;

      await fc.assert(
        fc.asyncProperty(invalidValue(jsonSchemaOf(schema), isValid), async ({ value, field }) => {
          count += 1;
          const response = await post(path, JSON.stringify(value));
          const body = (await response.json()) as ErrorBody;
          expect(response.status).toBe(400);
          expect(body.error?.fields?.map((f) => f.field)).toContain(field === '' ? 'body' : field);
        }),
        { numRuns: RUNS },
      );

      expect(count).toBe(RUNS);
      expect(await state()).toEqual(before);
    },
    120_000,
  );

  it('answers text that is not JSON with a 400 naming the body', async () => {
    const before = await state();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40, unit: 'binary' }).filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return s.length > 0;
          }
        }),
        async (text) => {
          const response = await post('/payments', text);
          expect(response.status).toBe(400);
          expect(((await response.json()) as ErrorBody).error?.fields).toEqual([
            { field: 'body', reason: 'is not valid JSON' },
          ]);
        },
      ),
      { numRuns: 300 },
    );
    expect(await state()).toEqual(before);
  });

  const queryRoutes: [string, z.ZodType][] = [
    ['/payments/1763700000000001', getPaymentSchemas.query],
    ['/transactions', listTransactionsSchemas.query],
  ];

  // /return tells a guesser nothing: whatever the query, the neutral answer (issue 21 item 6).
  it(`answers ${RUNS} arbitrary query strings on GET /return with the neutral redirect or page`, async () => {
    const before = await state();
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('txId', 'x', 'paymentId'), fc.string({ maxLength: 40 })),
        async (params) => {
          const query = new URLSearchParams(params).toString();
          const response = await fetch(`${system.apiUrl}/return?${query}`, { redirect: 'manual' });
          await response.text();
          if ('txId' in params) {
            expect(response.status).toBe(303);
            expect(response.headers.get('location')).toBe('/return');
          } else {
            expect(response.status).toBe(200);
          }
        },
      ),
      { numRuns: Math.min(RUNS, 300) },
    );
    expect(await state()).toEqual(before);
  });

  it.each(queryRoutes)(
    `answers ${RUNS} query strings invalid by construction for GET %s with a 400 naming the parameter`,
    async (path, schema) => {
      const before = await state();
      const isValid = (v: unknown) => schema.safeParse(v).success;
      await fc.assert(
        fc.asyncProperty(
          invalidValue(jsonSchemaOf(schema), isValid, true),
          async ({ value, field }) => {
            const query = new URLSearchParams(value as Record<string, string>).toString();
            const response = await fetch(`${system.apiUrl}${path}?${query}`);
            expect(response.status).toBe(400);
            expect(
              ((await response.json()) as ErrorBody).error?.fields?.map((f) => f.field),
            ).toContain(`query.${field}`);
          },
        ),
        { numRuns: RUNS },
      );
      expect(await state()).toEqual(before);
    },
    120_000,
  );

  it(`answers ${RUNS} payment ids invalid by construction with a 400 naming path.id`, async () => {
    const before = await state();
    const pattern = /^[A-Za-z0-9]{4,16}$/;
    await fc.assert(
      fc.asyncProperty(
        fc
          // '.' and '..' are dot segments that URLs normalise away (another route), not ids.
          .string({ minLength: 1, maxLength: 24, unit: 'grapheme' })
          .filter((s) => !pattern.test(s) && s !== '.' && s !== '..'),
        fc.constantFrom('', '/capture', '/cancel', '/refund'),
        async (id, action) => {
          const method = action === '' ? 'GET' : 'POST';
          const response = await fetch(
            `${system.apiUrl}/payments/${encodeURIComponent(id)}${action}`,
            {
              method,
              ...(method === 'POST'
                ? {
                    headers: { 'content-type': 'application/json', 'idempotency-key': 'k' },
                    body: '{}',
                  }
                : {}),
            },
          );
          expect(response.status).toBe(400);
          expect(
            ((await response.json()) as ErrorBody).error?.fields?.map((f) => f.field),
          ).toContain('path.id');
        },
      ),
      { numRuns: RUNS },
    );
    expect(await state()).toEqual(before);
  }, 120_000);

  it('gives an allowed origin CORS headers and a preflight, and nothing to another origin', async () => {
    const allowed = await fetch(`${system.apiUrl}/payments/1763700000000001`, {
      headers: { origin: ALLOWED_ORIGIN },
    });
    const other = await fetch(`${system.apiUrl}/payments/1763700000000001`, {
      headers: { origin: 'https://evil.example' },
    });
    const preflight = await fetch(`${system.apiUrl}/payments`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST' },
    });
    const refused = await fetch(`${system.apiUrl}/payments`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });

    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('vary')).toBe('origin');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'content-type, idempotency-key, authorization',
    );
    expect(preflight.headers.get('access-control-allow-methods')).toBe(
      'GET, POST, DELETE, OPTIONS',
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts the security headers on every answer, errors included', async () => {
    const answers = await Promise.all([
      fetch(`${system.apiUrl}/payments/1763700000000001`),
      fetch(`${system.apiUrl}/nowhere`),
      fetch(`${system.apiUrl}/payments`, { method: 'DELETE' }),
      post('/payments', '{'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([404, 404, 405, 400]);
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('strict-transport-security')).toContain('max-age=');
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('content-type')).toContain('application/json');
    }
  });

  it('refuses a body over the edge limit with 413 before any function runs', async () => {
    const before = await state();
    const response = await post(
      '/payments',
      JSON.stringify({ filler: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error?.code).toBe('payload_too_large');
    expect(await state()).toEqual(before);
  });

  it('answers JSON only', async () => {
    const response = await post('/payments', 'amount=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error?.fields).toEqual([
      { field: 'content-type', reason: 'must be application/json' },
    ]);
  });
});
