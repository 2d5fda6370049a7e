import { constants, publicEncrypt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { Sandbox } from '#local/payon-sandbox/index.ts';
import { readEnvelope } from '#shared/payon/answers.ts';
import { pushClaim } from '#shared/payon/status.ts';
import {
  bindingSchema,
  createdBindingSchema,
  envelopeSchema,
  moneyMoveSchema,
  orderRowSchema,
  reconciliationItemSchema,
  statusSchema,
} from '#shared/payon/wire.ts';
import {
  type PgAnswer,
  post,
  registerOrder,
  signed,
  startReceiver,
  startTestSandbox,
  waitFor,
} from '#test/integration/sandbox/helpers.ts';

// PAYON's documented examples are the contract, and two readings of PAYON are held against them:
// the product's (the answer schemas of shared/payon/wire.ts) and the sandbox's (written on
// its own from PAYON's documentation, docs/payon-api.md; local/payon-sandbox/wire.ts). Neither is
// checked against the other: each is checked against PAYON. Domain values read from each example
// (minor units, instants, masks) are in client-examples.test.ts; the request builders in
// test/unit/payon/requests.test.ts.

const root = new URL('../../../', import.meta.url);
const EXAMPLES = new URL('../shared/payon-api/examples/', root);
const example = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(name, EXAMPLES), 'utf8'));
type Json = Record<string, unknown>;
const object = (name: string) => example(name) as Json;

type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';
const jsonType = (v: unknown): JsonType =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonType);

/**
 * Field name → JSON type differences between an answer and PAYON's example: a field missing or
 * extra, or of another type. `nullable` fields may be `null` on one side and a value on the other
 * (PAYON's example has nothing to say for them, or the sandbox has nothing for this request).
 */
function shapeDifferences(actual: Json, documented: Json, nullable: readonly string[] = []) {
  const names = new Set([...Object.keys(actual), ...Object.keys(documented)]);
  const differences: string[] = [];
  for (const name of names) {
    if (!(name in actual)) differences.push(`${name}: missing`);
    else if (!(name in documented)) differences.push(`${name}: not in PAYON's example`);
    else {
      const a = jsonType(actual[name]);
      const d = jsonType(documented[name]);
      if (a !== d && !(nullable.includes(name) && (a === 'null' || d === 'null'))) {
        differences.push(`${name}: ${a}, PAYON's example ${d}`);
      }
    }
  }
  return differences;
}

/** The fields a schema describes (an object schema's shape). */
const described = (schema: z.ZodObject) => Object.keys(schema.shape);
const ENVELOPE = described(envelopeSchema);

/**
 * Fields of an example item the product's schema does not describe. Only `pin` of the binding list
 * is left out, on purpose: it is an opaque stored blob nothing may read
 * (docs/payon-api.md#binding-list).
 */
function undescribed(item: Json, schema: z.ZodObject, extra: readonly string[] = []) {
  const known = new Set([...described(schema), ...ENVELOPE, ...extra]);
  return Object.keys(item).filter((name) => !known.has(name));
}

// ---------------------------------------------------------------------------------------------

/** Every example file, and where each is held against both readings below. */
const HELD = {
  'binding-list.request.json': 'requests',
  'binding-list.response.json': 'answers',
  'create-binding.request.json': 'requests',
  'create-binding.response.json': 'answers',
  'create-pin.response.json': 'answers',
  'orders.request.json': 'requests',
  'orders.response.json': 'answers',
  'push-notification.request.json': 'push',
  'reconciliation.request.json': 'requests',
  'reconciliation.response.json': 'answers',
  'refund.response.json': 'answers',
  'reversal.request.json': 'requests',
  'reversal.response.json': 'answers',
  'transaction-status.request.json': 'requests',
  'transaction-status.response-200.json': 'answers',
  'transaction-status.response-302.json': 'answers',
  'transaction-status.response-401.txt': 'answers',
} as const;

describe("PAYON's documented examples", () => {
  it('are all held here (a new example must be added to both readings)', () => {
    const files = readdirSync(EXAMPLES).filter((name) => name !== 'README.md');
    expect(files.sort()).toEqual(Object.keys(HELD).sort());
  });

  it('the sandbox imports nothing of the product, so that its reading stays its own', () => {
    const dir = new URL('local/payon-sandbox/', root);
    const imports = readdirSync(dir)
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) =>
        [...readFileSync(new URL(name, dir), 'utf8').matchAll(/from '([^']+)'/g)].map(
          ([, spec]) => `${name}: ${spec}`,
        ),
      )
      .filter((line) => /#shared\/|\.\.\/\.\.\/shared\/|#functions\//.test(line));
    expect(imports).toEqual([]);
  });
});

describe("the product's description of PAYON's answers (shared/payon/wire.ts)", () => {
  it('reads the status answer (HTTP 200): every field described, amount a number', () => {
    const body = object('transaction-status.response-200.json');
    const data = body.resultData as Json;
    expect(undescribed(data, statusSchema)).toEqual([]);
    expect(readEnvelope(body)).toEqual({ code: '0000', message: 'Success' });
    const read = statusSchema.parse(data);
    expect(read).toMatchObject({
      txStCd: 'COMPLETE',
      trt: 'PURCHASE',
      tracNo: '1613104202987',
      amount: 2,
      currencyCode: 'USD',
      wdlAcNo: '************0022',
      apprDttm: '20210212113016',
    });
  });

  it('reads the status answer (HTTP 302): 9999 in an envelope without data', () => {
    const body = object('transaction-status.response-302.json');
    expect(readEnvelope(body)).toEqual({ code: '9999', message: 'System error' });
    expect(body.resultData).toBeNull();
  });

  it.each(['refund.response.json', 'reversal.response.json'])(
    'reads %s: flat, resultMessage, amount a number',
    (file) => {
      const body = object(file);
      expect(undescribed(body, moneyMoveSchema)).toEqual([]);
      expect(readEnvelope(body)).toEqual({ code: '0000', message: 'Success' });
      expect(moneyMoveSchema.parse(body)).toMatchObject({
        amount: 1,
        currency: 'USD',
        approvalNo: '538433',
        approvalDate: '09122020110737',
        refNo: '000004538433',
        acsUrl: undefined,
      });
    },
  );

  it('reads the orders list: a bare array, resultCd, the 12-hour apprDttm kept as sent, Y/N flags', () => {
    const rows = example('orders.response.json') as Json[];
    expect(Array.isArray(rows)).toBe(true);
    for (const row of rows) expect(undescribed(row, orderRowSchema)).toEqual([]);
    expect(rows.map((row) => orderRowSchema.parse(row))).toMatchObject([
      {
        tracNo: '1606193062038',
        trt: '10',
        amount: 1,
        resultCd: '0000',
        resultMsg: 'Success',
        apprDttm: '24/11/2020 11:47:01',
        settleYn: false,
        cancelYn: false,
        refundYn: false,
      },
      { tracNo: '1606199421698', apprDttm: '24/11/2020 01:30:29' },
    ]);
  });

  it('reads the created binding: flat, namespaced clientId, masked wdlAcNo', () => {
    const body = object('create-binding.response.json');
    expect(undescribed(body, createdBindingSchema)).toEqual([]);
    expect(createdBindingSchema.parse(body)).toMatchObject({
      bindingId: '7ce4dda7-b9f8-4343-883b-e5ff6295e5f9',
      clientId: 'C0000143CT0300000302',
      wdlAcNo: '520473**1003',
      wdlNm: undefined,
    });
  });

  it('reads the binding list: wrapped, every field but the pin blob described', () => {
    const body = object('binding-list.response.json');
    const items = body.resultData as Json[];
    for (const item of items) expect(undescribed(item, bindingSchema)).toEqual(['pin']);
    expect(items.map((item) => bindingSchema.parse(item))).toMatchObject([
      { bindingId: 'a23e18a8-d837-4142-b30d-975db4818dfb', verifyYn: true, wdlExpiry: undefined },
      { bindingId: 'e3bc6d46-7cca-4a72-8b50-29e1ff2c067f', wdlExpiry: '202712' },
    ]);
  });

  it('reads the create-PIN acknowledgement: an envelope only', () => {
    expect(readEnvelope(object('create-pin.response.json'))).toEqual({
      code: '0000',
      message: 'Success',
    });
  });

  it('reads the reconciliation answer: a bare array, reconciliationDv, grandToTAmt a number', () => {
    const items = example('reconciliation.response.json') as Json[];
    for (const item of items) {
      expect(undescribed(item, reconciliationItemSchema)).toEqual([]);
      expect(readEnvelope(item)).toEqual({ code: '0000', message: 'Success' });
    }
    expect(items.map((item) => reconciliationItemSchema.parse(item))).toMatchObject([
      { txId: '1652858955940000', reconciliationDv: 'APPROVED', grandToTAmt: 2.3 },
      { txId: '1652886005159000', reconciliationDv: 'APPROVED', grandToTAmt: 2.3 },
    ]);
  });

  it("reads the push: PAYON's 0000 claims success (a claim, confirmed by a pull)", () => {
    const push = object('push-notification.request.json');
    expect(pushClaim(String(push.resultCode))).toBe('claims_success');
  });
});

// ---------------------------------------------------------------------------------------------

describe("the sandbox's answers (local/payon-sandbox) to the documented requests", () => {
  let sandbox: Sandbox;
  let publicKeyPem: string;
  const encrypt = (pin: string) =>
    publicEncrypt(
      { key: publicKeyPem, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from(pin, 'utf8'),
    ).toString('base64');
  /** A documented request body as the sandbox's merchant sends it (signed; ids the examples'). */
  const documented = (name: string, fields: Json = {}): Json => ({ ...object(name), ...fields });
  const send = (path: string, body: Json): Promise<PgAnswer> =>
    post(`${sandbox.url}${path}`, signed(body));

  /** A paid purchase of `amount`, registered on the day of the documented orders example. */
  async function paid(amount: string): Promise<string> {
    const { txId } = await registerOrder(sandbox, { amount });
    sandbox.pay(txId, 'approve');
    return txId;
  }

  beforeAll(async () => {
    // The examples' merchant and terminal (C0000143 / CT03000003 is the sandbox's default), and
    // the reconciliation example's; create binding's PIN is plain, as in its example.
    sandbox = await startTestSandbox({
      bindingPinEncryption: 'plain',
      merchants: [
        {
          merchantId: 'C0000143',
          termId: 'CT03000003',
          apiKey: 'sandbox-api-key',
          signingScheme: 'hmac-sha256',
        },
        {
          merchantId: 'O0000021',
          termId: 'OW04000007',
          apiKey: 'sandbox-api-key',
          signingScheme: 'hmac-sha256',
        },
      ],
    });
    publicKeyPem = sandbox.payonPublicKeyPem;
    // The orders example lists 24/11/2020; the create-binding example's card expires 202512.
    sandbox.setClock('2020-11-24T04:47:01Z');
  });
  afterAll(() => sandbox.stop());

  it('answers the reversal request with the shape of the reversal example', async () => {
    const txId = await paid('1.00');
    const answer = await send('/pg/reversal', documented('reversal.request.json', { txId }));
    expect(answer.status).toBe(200);
    expect(shapeDifferences(answer.json as Json, object('reversal.response.json'))).toEqual([]);
    expect(answer.json).toMatchObject({ resultCode: '0000', resultMessage: 'Success', amount: 1 });
  });

  it('answers a refund with the shape of the refund example', async () => {
    const txId = await paid('1.00');
    const answer = await send('/pg/refund', documented('reversal.request.json', { txId }));
    expect(answer.status).toBe(200);
    expect(shapeDifferences(answer.json as Json, object('refund.response.json'))).toEqual([]);
    expect(answer.json).toMatchObject({ resultCode: '0000', resultMessage: 'Success' });
  });

  it('answers the documented orders request as-is with rows of the example shape', async () => {
    const txId = await paid('1.00');
    const answer = await send('/pg/orders', documented('orders.request.json'));
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.json)).toBe(true);
    const row = (answer.json as Json[]).find((r) => r.tracNo === txId);
    const [first] = example('orders.response.json') as Json[];
    expect(row).toBeDefined();
    expect(shapeDifferences(row as Json, first as Json)).toEqual([]);
    expect(row).toMatchObject({ txDt: '20201124', trt: '10', amount: 1, resultCd: '0000' });
    // dd/MM/yyyy hh:mm:ss, a 12-hour clock without AM/PM.
    expect(row?.apprDttm).toMatch(/^24\/11\/2020 (0\d|1[0-2]):\d\d:\d\d$/);
  });

  it('answers the status request with the 200 example shape for a paid txId', async () => {
    const txId = await paid('1.00');
    const answer = await send(
      '/pg/transaction/status',
      documented('transaction-status.request.json', { txId }),
    );
    expect(answer.status).toBe(200);
    const body = answer.json as Json;
    const doc = object('transaction-status.response-200.json');
    expect(shapeDifferences(body, doc)).toEqual([]);
    expect(shapeDifferences(body.resultData as Json, doc.resultData as Json)).toEqual([]);
    expect(body.resultData).toMatchObject({ txStCd: 'COMPLETE', trt: 'PURCHASE', amount: 1 });
  });

  it('answers the status request for an unknown txId with the 302 example, byte for byte', async () => {
    const answer = await send(
      '/pg/transaction/status',
      documented('transaction-status.request.json'),
    );
    expect(answer.status).toBe(302);
    expect(answer.json).toEqual(example('transaction-status.response-302.json'));
  });

  it('answers a request with a bad sign with the 401 example, the bare text 1', async () => {
    const answer = await post(`${sandbox.url}/pg/transaction/status`, {
      ...object('transaction-status.request.json'),
      sign: 'not-the-signature',
    });
    expect(answer.status).toBe(401);
    expect(answer.text).toBe(
      readFileSync(new URL('transaction-status.response-401.txt', EXAMPLES), 'utf8'),
    );
  });

  it('answers the create-binding request (with the required paymentMethod) with the example shape', async () => {
    const answer = await send(
      '/pg/createBinding',
      documented('create-binding.request.json', { paymentMethod: 'CREDIT_DEBIT' }),
    );
    expect(answer.status).toBe(200);
    expect(shapeDifferences(answer.json as Json, object('create-binding.response.json'))).toEqual(
      [],
    );
    expect(answer.json).toMatchObject({
      resultCode: '0000',
      wdlAcNo: '520473**1003',
      clientId: 'C0000143CT0300000302',
      wdlExpiry: '202512',
    });
  });

  it('answers the binding-list request with items of the example shape', async () => {
    const bound = await send(
      '/pg/createBinding',
      documented('create-binding.request.json', {
        clientId: '04',
        paymentMethod: 'CREDIT_DEBIT',
        wdlAcNo: '4012000033330026',
        wdlExpiry: '202712',
      }),
    );
    expect(bound.json).toMatchObject({ resultCode: '0000' });
    const answer = await send('/pg/bindingList', documented('binding-list.request.json'));
    expect(answer.status).toBe(200);
    const body = answer.json as Json;
    const doc = object('binding-list.response.json');
    expect(shapeDifferences(body, doc)).toEqual([]);
    const [item] = body.resultData as Json[];
    const [documentedItem] = doc.resultData as Json[];
    // The example's first binding (a PAYON card) has no expiry; its second has one, as this has.
    expect(shapeDifferences(item as Json, documentedItem as Json, ['wdlExpiry'])).toEqual([]);
    expect(item).toMatchObject({ clientId: 'C0000143CT0300000304', verifyYn: 'Y' });
  });

  it('answers create PIN (its pin RSA-encrypted) with the example, byte for byte', async () => {
    const answer = await send('/pg/binding/createPIN', {
      merchantId: 'C0000143',
      termId: 'CT03000003',
      clientId: '04',
      pin: encrypt('123456'),
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(example('create-pin.response.json'));
  });

  it('answers the documented reconciliation request as-is with items of the example shape', async () => {
    const request = example('reconciliation.request.json') as Json[];
    for (const item of request) {
      sandbox.scriptReconciliation(String(item.txId), { grandTotalCents: 230 });
    }
    // An array body carries no sign (docs/payon-assumptions.md A22).
    const answer = await post(`${sandbox.url}/pg/merchant/reconcilation`, request);
    expect(answer.status).toBe(200);
    const items = answer.json as Json[];
    const documentedItems = example('reconciliation.response.json') as Json[];
    expect(items).toHaveLength(documentedItems.length);
    for (const [index, item] of items.entries()) {
      expect(shapeDifferences(item, documentedItems[index] as Json)).toEqual([]);
    }
    expect(items.map((i) => [i.txId, i.reconciliationDv, i.grandToTAmt, i.resultCode])).toEqual([
      ['1652858955940000', 'APPROVED', 2.3, '0000'],
      ['1652886005159000', 'APPROVED', 2.3, '0000'],
    ]);
  });

  it('pushes the shape of the documented push', async () => {
    const receiver = await startReceiver();
    try {
      sandbox.updateMerchant('C0000143', { notifyUrl: receiver.url });
      const txId = await paid('1.00');
      const push = await waitFor(() =>
        receiver.received.find((r) => (r.body as Json).txId === txId),
      );
      expect(shapeDifferences(push.body as Json, object('push-notification.request.json'))).toEqual(
        [],
      );
      expect(push.body).toMatchObject({ resultCode: '0000' });
    } finally {
      sandbox.updateMerchant('C0000143', { notifyUrl: null });
      await receiver.stop();
    }
  });
});
