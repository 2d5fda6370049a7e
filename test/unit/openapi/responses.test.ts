import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ROUTES } from '#functions/index.ts';
import { errorStatuses, openApiDocument } from '#functions/openapi.ts';
import {
  ConfigurationError,
  ConflictError,
  CurrencyNotSupportedError,
  ForbiddenError,
  InvalidRequestError,
  InvalidTransitionError,
  NotFoundError,
  OutcomeUnknownError,
  PayonRejectedError,
  PayonUnavailableError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnprocessableError,
} from '#shared/errors.ts';
import { errorBodySchema } from '#shared/http/error-body.ts';
import { errorResponse } from '#shared/http/responses.ts';

const { version } = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as { version: string };
const doc = JSON.parse(JSON.stringify(openApiDocument(version))) as {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: { schemas: Record<string, unknown> };
};
interface ResponseObject {
  content?: Record<string, { schema?: { $ref?: string }; example?: unknown }>;
}
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(doc, 'openapi.json');
const responsesOf = (route: (typeof ROUTES)[number]) =>
  doc.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {};
const jsonRoutes = ROUTES.filter((r) => r.doc.status !== 303);

describe('the success bodies in openapi.json', () => {
  it.each(jsonRoutes.map((r) => [r.function, r] as const))(
    '%s answers a named view, with an example its schema accepts',
    (_fn, route) => {
      const schema = route.doc.response;
      expect(schema, 'doc.response').toBeDefined();
      const id = schema ? z.globalRegistry.get(schema)?.id : undefined;
      expect(typeof id, 'the schema is named with .meta({ id })').toBe('string');
      const json = responsesOf(route)[String(route.doc.status)]?.content?.['application/json'];
      expect(json?.schema).toEqual({ $ref: `#/components/schemas/${id}` });
      expect(json?.example).toEqual(route.doc.responseExample);

      const parsed = schema?.safeParse(route.doc.responseExample);
      expect(parsed?.success ? [] : parsed?.error.issues).toEqual([]);
      // The document's own schema too: it refuses any field the view does not answer.
      const validate = ajv.compile({ $ref: `openapi.json#/components/schemas/${id}` });
      expect(validate(route.doc.responseExample) ? [] : validate.errors).toEqual([]);
    },
  );

  it('refuses an example that drifts from its view (a field more, a field less)', () => {
    const validate = ajv.compile({ $ref: 'openapi.json#/components/schemas/Payment' });
    const example = ROUTES.find((r) => r.function === 'get-payment')?.doc.responseExample ?? {};
    const { reference: _, ...less } = example;
    expect(validate(example)).toBe(true);
    expect(validate({ ...example, channel: 'web' })).toBe(false);
    expect(validate(less)).toBe(false);
  });
});

describe('the error body in openapi.json', () => {
  const errors = [
    new InvalidRequestError([{ field: 'amount.value', reason: 'must be greater than zero' }]),
    new CurrencyNotSupportedError('KHR', ['USD']),
    new ConfigurationError('PAYON_SECRET_ID is missing'),
    new InvalidTransitionError('CANCELLED to SUCCEEDED'),
    new PayonRejectedError('9999', 'System error 4111111111111111', '/pg/refund'),
    new PayonUnavailableError('PAYON answered 503', {
      path: '/pg/orders',
      mayHaveMovedMoney: false,
    }),
    new OutcomeUnknownError('no answer', { path: '/pg/refund' }),
    new NotFoundError('payment 1795000000000017 does not exist'),
    new ForbiddenError('this address may not send notifications'),
    new ConflictError('request_in_progress', 'still running', 2),
    new ConflictError('payment_settled', 'settled'),
    new ServiceUnavailableError('settlement_unknown', 'PAYON could not tell', 30),
    new UnprocessableError('partial_refund_not_supported', 'full refunds only'),
    new TooManyRequestsError('at most 10 binding and PIN requests', 60),
    new Error('anything else'),
  ];

  it.each(errors.map((e) => [e.name, e] as const))(
    "%s: errorResponse's body is the Error schema (zod and the document)",
    (_name, error) => {
      const response = errorResponse(error);
      const body: unknown = JSON.parse(response.body);
      const parsed = errorBodySchema.safeParse(body);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      const validate = ajv.compile({ $ref: 'openapi.json#/components/schemas/Error' });
      expect(validate(body) ? [] : validate.errors).toEqual([]);
    },
  );

  it('is what every error status of every route answers', () => {
    for (const route of ROUTES) {
      const responses = responsesOf(route);
      const errorCodes = Object.keys(responses).filter((s) => Number(s) >= 400);
      expect(errorCodes, route.function).toEqual(errorStatuses(route).map(String));
      for (const status of errorCodes) {
        expect(responses[status]?.content?.['application/json']?.schema).toEqual({
          $ref: '#/components/schemas/Error',
        });
      }
    }
  });
});
