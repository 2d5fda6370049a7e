/**
 * The OpenAPI 3.1 description of the API, built from the route table and the very zod schemas the
 * handlers validate with (one source of truth): `npm run openapi` writes `openapi.json`, the local
 * runtime serves it at `/openapi.json`, and the typed client (`client/`) is checked against it.
 */
import * as z from 'zod';
import { cancelPaymentSchemas } from '#functions/cancel-payment/schema.ts';
import { capturePaymentSchemas } from '#functions/capture-payment/schema.ts';
import { createBindingSchemas } from '#functions/create-binding/schema.ts';
import { createBindingPinSchemas } from '#functions/create-binding-pin/schema.ts';
import { getPaymentSchemas } from '#functions/get-payment/schema.ts';
import { getReconciliationSchemas } from '#functions/get-reconciliation/schema.ts';
import { listBindingsSchemas } from '#functions/list-bindings/schema.ts';
import { listExceptionsSchemas } from '#functions/list-reconciliation-exceptions/schema.ts';
import { listTransactionsSchemas } from '#functions/list-transactions/schema.ts';
import { paymentReturnSchemas } from '#functions/payment-return/schema.ts';
import { payonWebhookSchemas } from '#functions/payon-webhook/schema.ts';
import { refundPaymentSchemas } from '#functions/refund-payment/schema.ts';
import { registerPaymentSchemas } from '#functions/register-payment/schema.ts';
import { resolvePaymentSchemas } from '#functions/resolve-payment/schema.ts';
import { ROUTES, type Route } from '#functions/routes.ts';
import { setPinVerificationSchemas } from '#functions/set-pin-verification/schema.ts';
import { startReconciliationSchemas } from '#functions/start-reconciliation/schema.ts';
import { unbindBindingSchemas } from '#functions/unbind-binding/schema.ts';
import type { RouteSchemas } from '#shared/http/api.ts';

/** Each route function's schemas, as its handler uses them. */
export const ROUTE_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {
  'register-payment': registerPaymentSchemas,
  'get-payment': getPaymentSchemas,
  'capture-payment': capturePaymentSchemas,
  'cancel-payment': cancelPaymentSchemas,
  'refund-payment': refundPaymentSchemas,
  'resolve-payment': resolvePaymentSchemas,
  'list-transactions': listTransactionsSchemas,
  'payment-return': paymentReturnSchemas,
  'create-binding': createBindingSchemas,
  'list-bindings': listBindingsSchemas,
  'unbind-binding': unbindBindingSchemas,
  'create-binding-pin': createBindingPinSchemas,
  'set-pin-verification': setPinVerificationSchemas,
  'start-reconciliation': startReconciliationSchemas,
  'get-reconciliation': getReconciliationSchemas,
  'list-reconciliation-exceptions': listExceptionsSchemas,
  'payon-webhook': payonWebhookSchemas,
};

interface RouteDoc {
  readonly summary: string;
  readonly status: number;
  readonly tag: 'Payments' | 'Saved cards' | 'Reconciliation' | 'PAYON';
  /** A request body that the route accepts (checked by a test). */
  readonly example?: Record<string, unknown>;
}

const REQUESTED_AT = '2026-11-22T10:15:00+07:00';

/** What each route does, its success status and an example body. */
export const ROUTE_DOCS: Readonly<Record<string, RouteDoc>> = {
  'register-payment': {
    summary: 'Register a purchase or pre-authorisation; answers the checkout URL',
    status: 201,
    tag: 'Payments',
    example: {
      amount: { value: '12.50', currency: 'USD' },
      paymentMethod: 'CREDIT_DEBIT',
      returnUrl: 'https://shop.example.com/done',
      reference: 'order-1234',
    },
  },
  'get-payment': {
    summary: 'The payment; `sync=true` asks PAYON first',
    status: 200,
    tag: 'Payments',
  },
  'capture-payment': {
    summary: 'Complete a pre-authorisation (once, at most the authorised amount)',
    status: 200,
    tag: 'Payments',
    example: { amount: { value: '10.00', currency: 'USD' } },
  },
  'cancel-payment': {
    summary: 'Reverse a payment before settlement',
    status: 200,
    tag: 'Payments',
    example: {},
  },
  'refund-payment': {
    summary: 'Refund a payment in full',
    status: 200,
    tag: 'Payments',
    example: {},
  },
  'resolve-payment': {
    summary:
      'Operators only (IAM): settle a payment whose money move has an unknown outcome, with a reason',
    status: 200,
    tag: 'Payments',
    example: {
      outcome: 'did_not_happen',
      reason: 'Checked with PAYON support (ticket 4521): the capture was never processed',
    },
  },
  'list-transactions': {
    summary: "PAYON's order history for Cambodian days",
    status: 200,
    tag: 'Payments',
  },
  'payment-return': {
    summary: "Where PAYON sends the customer back: redirects to the payment's returnUrl",
    status: 303,
    tag: 'Payments',
  },
  'create-binding': {
    summary: 'Save a card (masked copy kept); with `payment`, bind and pay in one call',
    status: 201,
    tag: 'Saved cards',
    example: {
      card: { number: '4111111111111111', cvv: '123', expiry: '2030-12', holderName: 'Sok Chan' },
      pin: '482916',
      requestedAt: REQUESTED_AT,
      payment: {
        amount: { value: '12.50', currency: 'USD' },
        returnUrl: 'https://shop.example.com/done',
      },
    },
  },
  'list-bindings': {
    summary: "The customer's saved cards with status, PIN verification and age",
    status: 200,
    tag: 'Saved cards',
  },
  'unbind-binding': {
    summary: 'Soft-unbind a saved card: it is never charged again',
    status: 200,
    tag: 'Saved cards',
    example: { requestedAt: REQUESTED_AT },
  },
  'create-binding-pin': {
    summary: "Set the customer's saved-card passcode (RSA-encrypted for PAYON)",
    status: 200,
    tag: 'Saved cards',
    example: { pin: '482916', requestedAt: REQUESTED_AT },
  },
  'set-pin-verification': {
    summary: "Turn PAYON's passcode check on or off for the customer",
    status: 200,
    tag: 'Saved cards',
    example: { enabled: true, requestedAt: REQUESTED_AT },
  },
  'start-reconciliation': {
    summary: 'Reconcile a Cambodian day again (runs after the 202)',
    status: 202,
    tag: 'Reconciliation',
    example: { day: '2026-11-21' },
  },
  'get-reconciliation': {
    summary: "The day's latest reconciliation report",
    status: 200,
    tag: 'Reconciliation',
  },
  'list-reconciliation-exceptions': {
    summary: 'The differences of the latest run, paged, JSON or CSV',
    status: 200,
    tag: 'Reconciliation',
  },
  'payon-webhook': {
    summary: "PAYON's push notification (secret token in the path)",
    status: 200,
    tag: 'PAYON',
    example: { txId: '1620803885401000', resultCode: '0000', resultMsg: 'Success' },
  },
};

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!(schema instanceof z.ZodObject)) return [];
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.entries(shape).map(([name, field]) => {
    const { $schema: _, ...fieldSchema } = jsonSchema(field) as Record<string, unknown>;
    return {
      name,
      in: where,
      required: where === 'path' || !field.safeParse(undefined).success,
      schema: fieldSchema,
    };
  });
}

const ERROR_RESPONSES = {
  '400': 'Invalid request: `error.fields` names each field and why',
  '404': 'Not found',
  '409': 'Conflict with the current state, or the same request still running (`Retry-After`)',
  '422': 'Refused by a business rule or by PAYON (`payonCode`, `payonMessage`)',
  '429': 'Too many binding/PIN requests for the customer (`Retry-After`)',
  '502': 'PAYON unavailable, or the outcome is unknown (`outcome_unknown`)',
  '504': 'PAYON did not answer: the outcome is unknown (`outcome_unknown`)',
} as const;

function operation(route: Route) {
  const schemas = ROUTE_SCHEMAS[route.function];
  const doc = ROUTE_DOCS[route.function];
  if (!schemas || !doc) throw new Error(`functions/openapi.ts does not describe ${route.function}`);
  const body = schemas.body;
  const errorRef = { $ref: '#/components/schemas/Error' };
  return {
    operationId: route.function.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
    summary: doc.summary,
    tags: [doc.tag],
    ...(route.access === 'merchant'
      ? { security: [{ bearerAuth: [] }, { sigv4: [] }] }
      : route.access === 'operator'
        ? { security: [{ sigv4: [] }] }
        : { security: [] }),
    parameters: [
      ...parameters(schemas.path, 'path'),
      ...parameters(schemas.query, 'query'),
      ...(route.idempotent
        ? [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: true,
              description:
                'Unique per operation; a retry with the same key and body replays the first answer',
              schema: { type: 'string', minLength: 1, maxLength: 255 },
            },
          ]
        : []),
    ],
    ...(body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: (({ $schema: _, ...rest }) => rest)(
                  jsonSchema(body) as Record<string, unknown>,
                ),
                ...(doc.example ? { example: doc.example } : {}),
              },
            },
          },
        }
      : {}),
    responses: {
      [String(doc.status)]: {
        description: doc.summary,
        ...(doc.status === 303
          ? { headers: { location: { schema: { type: 'string' } } } }
          : { content: { 'application/json': { schema: { type: 'object' } } } }),
      },
      ...Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([code, description]) => [
          code,
          { description, content: { 'application/json': { schema: errorRef } } },
        ]),
      ),
    },
  };
}

/** The whole document. */
export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'PAYON Serverless',
      version,
      description:
        'The merchant\'s own backend for PAYON (Cambodia): payments, saved cards, reconciliation. Amounts are decimal strings (`"12.50"`).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: '`npm start`' }],
    tags: [
      { name: 'Payments' },
      { name: 'Saved cards' },
      { name: 'Reconciliation' },
      { name: 'PAYON', description: 'Called by PAYON, not by the merchant' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Stack context auth=jwt',
        },
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS SigV4 (stack context auth=iam)',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                fields: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['field', 'reason'],
                    properties: { field: { type: 'string' }, reason: { type: 'string' } },
                  },
                },
                payonCode: { type: 'string' },
                payonMessage: { type: 'string' },
              },
            },
          },
        },
      },
    },
  };
}
