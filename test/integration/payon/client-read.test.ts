import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type Sandbox, startSandbox } from '#local/payon-sandbox/index.ts';
import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import { PayonRejectedError, PayonUnavailableError } from '#shared/errors.ts';
import { PayonClient } from '#shared/payon/client.ts';
import { bindingSchema, defineRead } from '#shared/payon/wire.ts';
import { payonConfig, staticSecrets, TEST_SECRET } from '#test/support/payon-fixtures.ts';
import { type ScriptedPayon, startScriptedPayon } from '#test/support/scripted-payon.ts';

// PayonClient.read: a PAYON read described once (defineRead), sent signed like every call.
const bindingList = defineRead({
  path: '/pg/bindingList',
  body: (input: { clientId: string }) => ({ clientId: input.clientId }),
  shape: 'list',
  answer: bindingSchema,
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('PayonClient.read against the PAYON sandbox', () => {
  let sandbox: Sandbox;
  let client: PayonClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, log: false, seed: 13 });
    client = new PayonClient({
      config: payonConfig(sandbox.url),
      secrets: staticSecrets({
        ...TEST_SECRET,
        apiKey: 'sandbox-api-key',
        payonPublicKey: sandbox.payonPublicKeyPem,
      }),
      pinEncryption: createPinEncryptor,
    });
  });
  afterAll(() => sandbox.stop());

  it("sends the described body, signed, and reads PAYON's answer with the described schema", async () => {
    const created = await client.createBinding({
      clientId: '07',
      paymentMethod: 'CREDIT_DEBIT',
      card: { number: '4111111111111111', cvv: '123', expiry: '209912', holderName: 'Sok Chan' },
      phone: '855964444781',
      pin: '482916',
    });

    const items = await client.read(bindingList, { clientId: '07' });

    const [request] = sandbox.journal.requests('/pg/bindingList');
    expect(request?.body).toMatchObject({
      merchantId: 'C0000143',
      termId: 'CT03000003',
      clientId: '07',
      sign: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(items.map((i) => i.bindingId)).toContain(created.bindingId);
    // PAYON's card number stays as PAYON masked it; nothing unmasked comes back.
    expect(JSON.stringify(items)).not.toContain('4111111111111111');
  });
});

describe('PayonClient.read against answers PAYON does not rule out', () => {
  let payon: ScriptedPayon;
  let client: PayonClient;
  const profile = defineRead({
    path: '/pg/made/up',
    body: (input: { clientId: string }) => ({ clientId: input.clientId }),
    shape: 'object',
    answer: z.looseObject({ clientId: z.string(), note: z.string().optional() }),
  });

  beforeAll(async () => {
    payon = await startScriptedPayon();
    client = new PayonClient({ config: payonConfig(payon.url), secrets: staticSecrets() });
  });
  beforeEach(() => {
    payon.received.length = 0;
  });
  afterAll(() => payon.close());

  it('reads an object answer flat or wrapped in resultData', async () => {
    payon.script(
      '/pg/made/up',
      { json: { resultCode: '0000', resultMsg: 'Success', clientId: '07' } },
      { json: { resultCode: '0000', resultMsg: 'Success', resultData: { clientId: '07' } } },
    );

    const flat = await client.read(profile, { clientId: '07' });
    const wrapped = await client.read(profile, { clientId: '07' });

    expect(flat).toMatchObject({ clientId: '07' });
    expect(wrapped).toMatchObject({ clientId: '07' });
    expect(payon.received.map((r) => r.body)).toEqual([
      expect.objectContaining({ merchantId: 'C0000143', termId: 'CT03000003', clientId: '07' }),
      expect.objectContaining({ clientId: '07' }),
    ]);
  });

  it("reads a list answer bare, wrapped, or PAYON's resultData null as empty", async () => {
    const item = { bindingId: 'b-1', wdlAcNo: '411111******1111', verifyYn: 'N' };
    payon.script(
      '/pg/bindingList',
      { json: [item] },
      { json: { resultCd: '0000', resultMessage: 'Success', resultData: [item] } },
      { json: { resultCode: '0000', resultMsg: 'Success', resultData: null } },
    );

    const bare = await client.read(bindingList, { clientId: '07' });
    const wrapped = await client.read(bindingList, { clientId: '07' });
    const none = await client.read(bindingList, { clientId: '07' });

    expect(bare.map((b) => b.bindingId)).toEqual(['b-1']);
    expect(wrapped.map((b) => b.bindingId)).toEqual(['b-1']);
    expect(none).toEqual([]);
  });

  it('masks a card number PAYON puts in any field', async () => {
    payon.script('/pg/made/up', {
      json: {
        resultCode: '0000',
        resultMsg: 'Success',
        resultData: { clientId: '07', note: 'card 4111 1111 1111 1111 on file' },
      },
    });

    const answer = await client.read(profile, { clientId: '07' });

    expect(answer.note).toBe('card 411111******1111 on file');
  });

  it('calls a code other than 0000 a refusal, never an empty answer', async () => {
    payon.script('/pg/made/up', { json: { resultCode: '0001', resultMsg: 'Invalid clientId' } });

    const error = await failure(client.read(profile, { clientId: '07' }));

    expect(error).toBeInstanceOf(PayonRejectedError);
    expect(error).toMatchObject({ payonCode: '0001' });
  });

  it('calls an answer that does not fit its schema PAYON unavailable, never a result', async () => {
    payon.script(
      '/pg/made/up',
      { json: { resultCode: '0000', resultMsg: 'Success', resultData: { clientId: 7 } } },
      { text: '<html>gateway</html>' },
      { status: 502, text: 'Bad Gateway' },
    );

    for (let i = 0; i < 3; i += 1) {
      const error = await failure(client.read(profile, { clientId: '07' }));
      expect(error).toBeInstanceOf(PayonUnavailableError);
    }
  });
});
