import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PayonServerlessClient } from '#client/index.ts';
import { ROUTES } from '#functions/index.ts';

// A merchant generating a client from openapi.json with openapi-typescript gets types that name
// what every route answers: a file that reads a field of every route's success and error bodies
// type-checks, a field the document does not name does not, and the typed client's answers are the
// document's, both ways.

interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, Answer> }>>;
  components: { schemas: Record<string, { required?: string[] }> };
}
interface Answer {
  content?: Record<string, { schema?: { $ref?: string } }>;
  headers?: Record<string, unknown>;
}
const doc = JSON.parse(
  readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8'),
) as Doc;

/** The typed client's method for each merchant route. */
const CLIENT_METHODS: Record<string, keyof PayonServerlessClient> = {
  'POST /payments': 'createPayment',
  'GET /payments': 'listPayments',
  'GET /payments/{id}': 'getPayment',
  'GET /payments/{id}/events': 'listPaymentEvents',
  'POST /payments/{id}/capture': 'capturePayment',
  'POST /payments/{id}/cancel': 'cancelPayment',
  'POST /payments/{id}/refund': 'refundPayment',
  'GET /transactions': 'listTransactions',
  'POST /customers/{clientId}/bindings': 'createBinding',
  'GET /customers/{clientId}/bindings': 'listBindings',
  'POST /customers/{clientId}/bindings/{bindingId}/unbind': 'unbind',
  'POST /customers/{clientId}/pin': 'createPin',
  'POST /customers/{clientId}/pin-verification': 'setPinVerification',
  'POST /webhook-endpoints': 'createWebhookEndpoint',
  'GET /webhook-endpoints': 'listWebhookEndpoints',
  'GET /webhook-endpoints/{id}': 'getWebhookEndpoint',
  'DELETE /webhook-endpoints/{id}': 'deleteWebhookEndpoint',
  'POST /webhook-endpoints/{id}/rotate-secret': 'rotateWebhookSecret',
  'POST /webhook-endpoints/{id}/enable': 'enableWebhookEndpoint',
  'GET /webhook-endpoints/{id}/deliveries': 'listWebhookDeliveries',
  'POST /webhook-endpoints/{id}/deliveries/{deliveryId}/resend': 'resendWebhookDelivery',
  'POST /reconciliations': 'startReconciliation',
  'GET /reconciliations/{day}': 'getReconciliation',
  'GET /reconciliations/{day}/exceptions': 'listReconciliationExceptions',
};

/** A use of every route's answers, as a merchant's code would read them. */
function useOfEveryRoute(): string {
  const lines = [
    "import type { paths } from './openapi.d.ts';",
    "import type { PayonServerlessClient } from '../../client/index.ts';",
    'type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? R : never;',
    'type Body<P extends keyof paths, M extends keyof paths[P], S extends keyof Responses<P, M>, T extends string = "application/json"> = Responses<P, M>[S] extends { content: infer C } ? (T extends keyof C ? C[T] : never) : never;',
    'type Answer<K extends keyof PayonServerlessClient> = PayonServerlessClient[K] extends (...a: never[]) => Promise<infer A> ? A : never;',
    'export const reads: unknown[] = [];',
  ];
  for (const route of ROUTES) {
    const path = `'${route.path}'`;
    const method = `'${route.method.toLowerCase()}'`;
    const responses = doc.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {};
    for (const [status, answer] of Object.entries(responses)) {
      const at = `${path}, ${method}, ${status}`;
      const ref = answer.content?.['application/json']?.schema?.$ref;
      if (Number(status) >= 400) {
        lines.push(
          `{ const b = {} as Body<${at}>; const code: string = b.error.code; reads.push(code, b.error.fields?.[0]?.reason); }`,
        );
      } else if (ref) {
        const name = ref.split('/').pop() ?? '';
        const field = doc.components.schemas[name]?.required?.[0];
        if (!field) throw new Error(`${route.function}: ${name} has no required field`);
        lines.push(
          `{ const b = {} as Body<${at}>; reads.push(b.${field});`,
          '  // @ts-expect-error the document names no such field',
          '  reads.push(b.notAFieldOfTheBody); }',
        );
        const clientMethod = CLIENT_METHODS[`${route.method} ${route.path}`];
        if (clientMethod && String(route.doc.status) === status) {
          lines.push(
            `{ const fromClient: Body<${at}> = {} as Answer<'${clientMethod}'>; const fromDocument: Answer<'${clientMethod}'> = {} as Body<${at}>; reads.push(fromClient, fromDocument); }`,
          );
        }
      }
      for (const mediaType of Object.keys(answer.content ?? {}).filter((t) =>
        t.startsWith('text/'),
      )) {
        lines.push(`{ const text: string = {} as Body<${at}, '${mediaType}'>; reads.push(text); }`);
      }
      if (answer.headers?.location) {
        lines.push(
          `{ const r = {} as Responses<${path}, ${method}>[${status}]; const to: string | undefined = r.headers.location; reads.push(to); }`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The compiler's errors for `file`, with the repository's compiler options. */
function typeErrors(file: string): string[] {
  const config = ts.readConfigFile(
    new URL('../../../tsconfig.json', import.meta.url).pathname,
    (p) => ts.sys.readFile(p),
  );
  const { options } = ts.parseJsonConfigFileContent(
    config.config,
    ts.sys,
    new URL('../../../', import.meta.url).pathname,
  );
  const program = ts.createProgram([file], { ...options, noEmit: true, noUnusedLocals: false });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    .map((m) => m.slice(0, 400));
}

describe('a client generated from openapi.json with openapi-typescript', () => {
  const dir = new URL('../../../.tmp/generated-client/', import.meta.url);

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const types = await openapiTS(structuredClone(doc) as never);
    writeFileSync(new URL('openapi.d.ts', dir), astToString(types));
  }, 60_000);

  it('type-checks a use of every route: its success and error bodies, read field by field', () => {
    const use = new URL('use.ts', dir);
    writeFileSync(use, useOfEveryRoute());

    expect(typeErrors(use.pathname)).toEqual([]);
  }, 60_000);

  it('fails on a field the document does not name (the check can fail)', () => {
    const wrong = new URL('wrong.ts', dir);
    writeFileSync(
      wrong,
      `import type { paths } from './openapi.d.ts';
type Payment = paths['/payments/{id}']['get']['responses'][200]['content']['application/json'];
export const state: string = ({} as Payment).status;
`,
    );
    expect(typeErrors(wrong.pathname).join('\n')).toContain("Property 'status' does not exist");
  }, 60_000);

  it('covers every merchant route with a typed client method', () => {
    const merchant = ROUTES.filter((r) => r.access === 'merchant').map(
      (r) => `${r.method} ${r.path}`,
    );
    expect(Object.keys(CLIENT_METHODS).sort()).toEqual(merchant.sort());
  });
});
