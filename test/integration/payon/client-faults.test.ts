import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { money } from '#shared/domain/money.ts';
import {
  InvalidRequestError,
  OutcomeUnknownError,
  PayonRejectedError,
  PayonUnavailableError,
  ServiceUnavailableError,
} from '#shared/errors.ts';
import { PayonClient } from '#shared/payon/client.ts';
import { type Dependencies, setDependencies } from '#shared/runtime/dependencies.ts';
import { MerchantSecretProvider } from '#shared/secrets/provider.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';
import { countingSecretsClient, LOCAL_AWS } from '#test/support/aws.ts';
import { paidPayment } from '#test/support/payments.ts';
import { hmacHex, payonConfig, staticSecrets, TEST_SECRET } from '#test/support/payon-fixtures.ts';
import { type ScriptedPayon, startScriptedPayon } from '#test/support/scripted-payon.ts';
import { freePort } from '#test/support/services.ts';

const STATUS = '/pg/transaction/status';
const lookup = { txId: '1613104202987', amount: money(100, 'USD') };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('PayonClient faults', () => {
  let payon: ScriptedPayon;
  let client: PayonClient;

  beforeAll(async () => {
    payon = await startScriptedPayon();
    client = new PayonClient({
      config: payonConfig(payon.url, { timeoutMs: 500 }),
      secrets: staticSecrets(),
    });
  });
  beforeEach(() => {
    payon.received.length = 0;
  });
  afterAll(() => payon.close());

  it('calls a timeout an unknown outcome, never a decline', async () => {
    payon.script('/pg/refund', { hang: true });

    const error = await failure(client.refund('159607654560937'));

    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).toMatchObject({
      path: '/pg/refund',
      mayHaveMovedMoney: true,
      message: 'PAYON did not answer /pg/refund within 500 ms: the outcome is unknown',
    });
    expect(payon.received).toHaveLength(1);
  });

  it('calls a connection reset an unknown outcome', async () => {
    payon.script('/pg/reversal', { reset: true });

    const error = await failure(client.reverse('159607654560937'));

    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(payon.received).toHaveLength(1);
  });

  it('calls a 500 unavailable and says the money may have moved', async () => {
    payon.script('/pg/preAuthCompletion', {
      status: 500,
      text: '<html>Internal Server Error</html>',
    });

    const error = await failure(
      client.completePreAuth({ txId: '1620803885401001', amount: money(100, 'USD') }),
    );

    expect(error).toBeInstanceOf(PayonUnavailableError);
    expect(error).toMatchObject({
      mayHaveMovedMoney: true,
      message: 'PAYON answered /pg/preAuthCompletion with HTTP 500',
    });
  });

  it('calls a 429 unavailable and not sent, a 408 unavailable and maybe moved', async () => {
    payon.script('/pg/refund', { status: 429, text: 'slow down' });
    payon.script('/pg/reversal', { status: 408, text: 'timeout' });

    expect(await failure(client.refund('159607654560937'))).toMatchObject({
      name: 'PayonUnavailableError',
      mayHaveMovedMoney: false,
    });
    expect(await failure(client.reverse('159607654560937'))).toMatchObject({
      name: 'PayonUnavailableError',
      mayHaveMovedMoney: true,
    });
  });

  it('calls a body that is not JSON unavailable', async () => {
    payon.script('/pg/refund', { text: 'Success!' });

    const error = await failure(client.refund('159607654560937'));

    expect(error).toBeInstanceOf(PayonUnavailableError);
    expect((error as Error).message).toBe(
      'PAYON answered /pg/refund with HTTP 200 and a body that is not JSON',
    );
  });

  it('calls a 302 outside the status endpoint unavailable, not a refusal', async () => {
    payon.script('/pg/refund', {
      status: 302,
      json: { resultCode: '9999', resultMsg: 'System error' },
    });

    const error = await failure(client.refund('159607654560937'));

    expect(error).toBeInstanceOf(PayonUnavailableError);
    expect((error as PayonUnavailableError).mayHaveMovedMoney).toBe(true);
  });

  it('never follows a redirect', async () => {
    payon.script(STATUS, {
      status: 302,
      headers: { location: '/elsewhere' },
      json: { resultMsg: 'System error', resultCode: '9999', resultData: null },
    });

    const status = await client.transactionStatus(lookup);

    expect(status).toEqual({ found: false, signal: 'not_successful' });
    expect(payon.received.map((r) => r.path)).toEqual([STATUS]);
  });

  it('calls a status 302 without the documented body unavailable', async () => {
    payon.script(STATUS, { status: 302, json: { resultCode: '0000' } });

    expect(await failure(client.transactionStatus(lookup))).toBeInstanceOf(PayonUnavailableError);
  });

  it('does not mistake an invalid merchant on status for "not successful"', async () => {
    payon.script(STATUS, {
      json: { resultCode: '0001', resultMsg: 'Invalid Merchant ID', resultData: null },
    });

    const error = await failure(client.transactionStatus(lookup));

    expect(error).toBeInstanceOf(PayonRejectedError);
    expect(error).toMatchObject({ payonCode: '0001', payonMessage: 'Invalid Merchant ID' });
  });

  it('says PAYON was not reached when the connection is refused', async () => {
    const closed = new PayonClient({
      config: payonConfig(`http://127.0.0.1:${await freePort()}`),
      secrets: staticSecrets(),
    });

    const error = await failure(closed.refund('159607654560937'));

    expect(error).toBeInstanceOf(PayonUnavailableError);
    expect(error).toMatchObject({ mayHaveMovedMoney: false });
    expect((error as Error).message).toBe(
      'PAYON could not be reached for /pg/refund (ECONNREFUSED): nothing was sent',
    );
  });

  it('says nothing was sent when fetch refuses the port before connecting', async () => {
    // Something does listen on the port: fetch still never connects to it.
    const connections: unknown[] = [];
    const listener = createServer((socket) => {
      connections.push(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(4190, '127.0.0.1', resolve));
    const refused = new PayonClient({
      config: payonConfig('http://127.0.0.1:4190'),
      secrets: staticSecrets(),
    });

    try {
      const error = await failure(refused.refund('159607654560937'));

      expect(error).toBeInstanceOf(PayonUnavailableError);
      expect(error).toMatchObject({
        mayHaveMovedMoney: false,
        message: 'PAYON could not be reached for /pg/refund (bad port): nothing was sent',
      });
      expect(connections).toHaveLength(0);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it.each([
    ['a URL that does not parse', 'http://pg example.com', 'ERR_INVALID_URL'],
    ['a scheme fetch does not speak', 'ftp://127.0.0.1:2121', 'unknown scheme'],
    ['a name that does not resolve', 'http://pg.payon.invalid:36605', 'ENOTFOUND'],
  ])('says nothing was sent to %s', async (_, baseUrl, reason) => {
    const unreachable = new PayonClient({ config: payonConfig(baseUrl), secrets: staticSecrets() });

    const error = await failure(unreachable.refund('159607654560937'));

    expect(error).toBeInstanceOf(PayonUnavailableError);
    expect(error).toMatchObject({
      mayHaveMovedMoney: false,
      message: `PAYON could not be reached for /pg/refund (${reason}): nothing was sent`,
    });
  });

  it('turns a non-0000 result into a refusal with PAYON code and message', async () => {
    payon.script('/pg/refund', {
      json: { resultCode: '3003', resultMessage: 'Invalid Transaction' },
    });

    const error = await failure(client.refund('159607654560937'));

    expect(error).toEqual(new PayonRejectedError('3003', 'Invalid Transaction', '/pg/refund'));
  });

  it('turns a 4xx into a refusal, with or without an envelope', async () => {
    payon.script('/pg/reversal', {
      status: 400,
      json: { resultCode: '9999', resultMsg: 'Missing txId' },
    });
    payon.script('/pg/refund', { status: 404, text: '{}' });

    expect(await failure(client.reverse('159607654560937'))).toMatchObject({
      payonCode: '9999',
      payonMessage: 'Missing txId',
    });
    expect(await failure(client.refund('159607654560937'))).toMatchObject({
      payonCode: 'http-404',
      payonMessage: 'HTTP 404',
    });
  });

  it('masks card-number-like digits in a PAYON message', async () => {
    payon.script('/pg/binding/register', {
      json: { resultCode: '9999', resultMsg: 'Card 5204730000001003 declined' },
    });

    const error = await failure(
      client.createBinding({
        clientId: '02',
        paymentMethod: 'CREDIT_DEBIT',
        card: { number: '5204730000001003', cvv: '100', expiry: '202512' },
      }),
    );

    expect((error as PayonRejectedError).payonMessage).toBe('Card 520473******1003 declined');
  });

  it('masks a grouped card number in a PAYON message', async () => {
    payon.script('/pg/refund', {
      json: { resultCode: '9999', resultMessage: 'card 5204 7300 0000 1003 blocked' },
    });

    const error = await failure(client.refund('159607654560937'));

    expect((error as PayonRejectedError).payonMessage).toBe('card 520473******1003 blocked');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(
      '5204730000001003',
    );
  });

  it('never puts the card data it sent into an error', async () => {
    payon.script('/pg/binding/register', { status: 503, text: 'busy' });

    const error = await failure(
      client.createBinding({
        clientId: '02',
        paymentMethod: 'CREDIT_DEBIT',
        card: { number: '5204730000001003', cvv: '987', expiry: '202512' },
      }),
    );

    const everything = JSON.stringify(error, Object.getOwnPropertyNames(error));
    expect(everything).not.toContain('5204730000001003');
    expect(everything).not.toContain('987');
  });

  it.each([
    [
      'an object where a list is due',
      '/pg/orders',
      { json: { resultCode: '0000', resultData: 'x' } },
    ],
    ['a list where an object is due', '/pg/refund', { json: [] }],
    ['no resultCode', '/pg/refund', { json: { resultMessage: 'Success' } }],
    [
      'an amount with fractions of a cent',
      STATUS,
      {
        json: {
          resultCode: '0000',
          resultData: {
            txStCd: 'COMPLETE',
            tracNo: '1613104202987',
            amount: 1.005,
            currencyCode: 'USD',
          },
        },
      },
    ],
    [
      'an unknown currency',
      STATUS,
      {
        json: {
          resultCode: '0000',
          resultData: {
            txStCd: 'COMPLETE',
            tracNo: '1613104202987',
            amount: 1,
            currencyCode: 'EUR',
          },
        },
      },
    ],
    [
      'another txId',
      STATUS,
      {
        json: {
          resultCode: '0000',
          resultData: { txStCd: 'COMPLETE', tracNo: '999', amount: 1, currencyCode: 'USD' },
        },
      },
    ],
    [
      'an impossible date',
      STATUS,
      {
        json: {
          resultCode: '0000',
          resultData: {
            txStCd: 'COMPLETE',
            tracNo: '1613104202987',
            amount: 1,
            currencyCode: 'USD',
            apprDttm: '20210230113016',
          },
        },
      },
    ],
    ['no resultData', STATUS, { json: { resultCode: '0000', resultMsg: 'Success' } }],
  ] as const)('calls an answer with %s unavailable', async (_name, path, answer) => {
    payon.script(path, answer);

    const call =
      path === '/pg/orders'
        ? client.listOrders({ from: new Date(0), to: new Date(0), index: 1, limit: 1 })
        : path === STATUS
          ? client.transactionStatus(lookup)
          : client.refund('159607654560937');

    expect(await failure(call)).toBeInstanceOf(PayonUnavailableError);
  });

  it('skips (and reports) one unreadable orders row instead of failing the whole page', async () => {
    const warnings: unknown[] = [];
    const logged = new PayonClient({
      config: payonConfig(payon.url),
      secrets: staticSecrets(),
      log: { warn: (_message, extra) => warnings.push(extra) },
    });
    payon.script('/pg/orders', {
      json: [
        {
          txDt: '20201124',
          tracNo: '1606193062038',
          amount: 1,
          currencyCode: 'USD',
          resultCd: '0000',
        },
        {
          txDt: '20201131',
          tracNo: '1606199421698',
          amount: 1,
          currencyCode: 'USD',
          resultCd: '0000',
        },
      ],
    });

    const orders = await logged.listOrders({
      from: new Date(0),
      to: new Date(0),
      index: 1,
      limit: 2,
    });

    expect(orders.map((o) => o.txId)).toEqual(['1606193062038']);
    expect(warnings).toEqual([
      expect.objectContaining({
        path: '/pg/orders',
        index: 1,
        reason: expect.stringContaining('20201131'),
      }),
    ]);
  });

  it('refuses a registration answer without a checkout URL as unreadable, money possibly moved', async () => {
    payon.script('/pg/order/register', {
      json: { resultCode: '0000', resultMsg: 'Success', resultData: { txId: '1620803885401000' } },
    });

    const error = await failure(
      client.registerOrder({
        txId: '1620803885401000',
        kind: 'purchase',
        amount: money(100, 'USD'),
        paymentMethod: 'PAYON',
      }),
    );

    expect(error).toBeInstanceOf(PayonUnavailableError);
    expect(error).toMatchObject({ mayHaveMovedMoney: true });
  });

  it('reads a flat registration answer too', async () => {
    payon.script('/pg/order/register', {
      json: {
        resultCode: '0000',
        resultMsg: 'Success',
        txId: '1620803885401002',
        checkoutUrl: 'http://127.0.0.1/c',
        qrString: '000201',
      },
    });

    const order = await client.registerOrder({
      txId: '1620803885401002',
      kind: 'purchase',
      amount: money(100, 'USD'),
      paymentMethod: 'BAKONG_KHQR',
      payDvCd: 'KHQR',
    });

    expect(order).toEqual({
      txId: '1620803885401002',
      checkoutUrl: 'http://127.0.0.1/c',
      qrString: '000201',
      expiresAt: undefined,
    });
  });

  it('refuses an answer larger than the cap without reading it all', async () => {
    const capped = new PayonClient({
      config: payonConfig(payon.url),
      secrets: staticSecrets(),
      maxResponseBytes: 1_000,
    });
    payon.script('/pg/orders', { text: JSON.stringify([{ filler: 'x'.repeat(200_000) }]) });

    const error = await failure(
      capped.listOrders({ from: new Date(0), to: new Date(0), index: 1, limit: 1 }),
    );

    expect(error).toBeInstanceOf(PayonUnavailableError);
    expect((error as Error).message).toBe('PAYON answered /pg/orders with more than 1000 bytes');
  });

  it('refuses bad input before anything is sent', async () => {
    const error = await failure(
      client.registerOrder({
        txId: 'x',
        kind: 'purchase',
        amount: money(0, 'USD'),
        paymentMethod: 'PAYON',
      }),
    );

    expect(error).toEqual(
      new InvalidRequestError([
        { field: 'txId', reason: 'must be 4 to 16 letters or digits' },
        { field: 'amount', reason: 'must be greater than zero' },
      ]),
    );
    expect(payon.received).toHaveLength(0);
  });
});

describe('PayonClient after a 401, with the secret in Secrets Manager (moto)', () => {
  const endpoint = inject('motoEndpoint');
  const admin = new SecretsManagerClient({ ...LOCAL_AWS, endpoint });
  let payon: ScriptedPayon;

  beforeAll(async () => {
    payon = await startScriptedPayon();
  });
  afterAll(() => payon.close());

  async function setup() {
    const secretId = `payon/test/${randomUUID()}`;
    await admin.send(
      new CreateSecretCommand({
        Name: secretId,
        SecretString: JSON.stringify({ ...TEST_SECRET, apiKey: 'old-key' }),
      }),
    );
    const { client: sm, calls } = countingSecretsClient(endpoint);
    const secrets = new MerchantSecretProvider({ secretId, client: sm });
    const client = new PayonClient({ config: payonConfig(payon.url), secrets });
    await secrets.get(); // warm: the old key is cached
    await admin.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: JSON.stringify({ ...TEST_SECRET, apiKey: 'new-key' }),
      }),
    );
    payon.received.length = 0;
    return { client, calls };
  }

  it('re-reads the rotated secret once and succeeds with the new key', async () => {
    const { client, calls } = await setup();
    payon.script(
      '/pg/refund',
      { status: 401, text: '1' },
      { json: { resultCode: '0000', resultMessage: 'Success' } },
    );

    await client.refund('159607654560937');

    const canonical = 'merchantId=C0000143&termId=CT03000003&txId=159607654560937';
    expect(payon.received.map((r) => (r.body as Record<string, string>).sign)).toEqual([
      hmacHex('old-key', canonical),
      hmacHex('new-key', canonical),
    ]);
    expect(calls()).toBe(2);
  });

  it('gives up after a second 401 with a 503 naming the configuration to check', async () => {
    const { client } = await setup();
    payon.script('/pg/refund', { status: 401, text: '1' });

    const error = await failure(client.refund('159607654560937'));

    expect(error).toEqual(
      new ServiceUnavailableError(
        'payon_credentials_rejected',
        'PAYON refused our credentials twice on /pg/refund (HTTP 401): check merchantId, termId, apiKey and the signing scheme/key in the merchant secret',
      ),
    );
    expect(error).toMatchObject({ statusCode: 503, code: 'payon_credentials_rejected' });
    expect(payon.received).toHaveLength(2);
    expect((error as Error).message).not.toContain('new-key');
  });

  it('marks a refusal that answers the retry after a 401: it may not mean "nothing happened"', async () => {
    const { client } = await setup();
    payon.script(
      '/pg/refund',
      { status: 401, text: '1' },
      { json: { resultCode: '3003', resultMessage: 'Invalid Transaction' } },
    );

    const error = await failure(client.refund('159607654560937'));

    expect(error).toBeInstanceOf(PayonRejectedError);
    expect(error).toMatchObject({ payonCode: '3003', afterRetry: true });
  });

  it('does not mark a refusal answered at the first attempt', async () => {
    const { client } = await setup();
    payon.script('/pg/refund', {
      json: { resultCode: '3003', resultMessage: 'Invalid Transaction' },
    });

    const error = await failure(client.refund('159607654560937'));

    expect(error).toMatchObject({ payonCode: '3003', afterRetry: false });
  });
});

describe('a money move to a PAYON port fetch refuses, through the API', () => {
  const BAD_PORT_URL = 'http://127.0.0.1:4190';
  let api: ApiEnvironment;
  let reachable: Dependencies;

  beforeAll(async () => {
    api = await startApi();
    reachable = api.deps;
  });
  afterAll(() => api.stop());

  /** The same functions, their PAYON client pointed at the bad port (config refuses it at start). */
  function pointAtBadPort(): void {
    const payon = { ...reachable.config.payon, baseUrl: BAD_PORT_URL };
    setDependencies({
      ...reachable,
      config: { ...reachable.config, payon },
      payon: new PayonClient({ config: payon, secrets: reachable.secrets }),
    });
  }

  it('leaves a refunded payment SUCCEEDED, not UNKNOWN, and the key free for a retry', async () => {
    const id = await paidPayment(api);
    const idempotencyKey = randomUUID();
    pointAtBadPort();

    const refused = await api.call('POST', `/payments/${id}/refund`, { idempotencyKey, body: {} });
    const after = await api.call('GET', `/payments/${id}`);
    setDependencies(reachable);
    const retried = await api.call('POST', `/payments/${id}/refund`, { idempotencyKey, body: {} });

    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ error: { code: 'payon_unavailable' } });
    expect(after.body).toMatchObject({ state: 'SUCCEEDED' });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ state: 'REFUNDED' });
  });

  it('fails a registration that never left instead of leaving it UNKNOWN', async () => {
    pointAtBadPort();

    const refused = await api.call('POST', '/payments', {
      idempotencyKey: randomUUID(),
      body: {
        amount: { value: '4.10', currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/done`,
      },
    });
    setDependencies(reachable);
    const stored = (await api.scan()).filter(
      (item) => item.type === 'payment' && item.amountMinor === 410,
    );

    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ error: { code: 'payon_unavailable' } });
    expect(stored).toEqual([
      expect.objectContaining({
        state: 'FAILED',
        history: [
          expect.objectContaining({ from: 'CREATED', reason: 'PAYON could not be reached' }),
        ],
      }),
    ]);
  });
});
