/**
 * The OpenAPI 3.1 description of the API, built from the routes' descriptors (`functions/index.ts`)
 * and the very zod schemas the handlers validate with (one source of truth): `npm run openapi`
 * writes `openapi.json`, the local runtime serves it at `/openapi.json`, and the typed client
 * (`client/`) is checked against it.
 */
import * as z from 'zod';
import { ROUTES } from '#functions/index.ts';
import type { RouteDescriptor } from '#shared/runtime/descriptor.ts';

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

/** A success body as the route answers it (zod's output side). */
const responseSchema = (schema: z.ZodType) =>
  (({ $schema: _, ...rest }) => rest)(
    z.toJSONSchema(schema, {
      io: 'output',
      unrepresentable: 'any',
      target: 'draft-2020-12',
    }) as Record<string, unknown>,
  );

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

function operation(route: RouteDescriptor) {
  const { schemas, doc } = route;
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
          : {
              content: {
                'application/json': {
                  schema: doc.response ? responseSchema(doc.response) : { type: 'object' },
                },
              },
            }),
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
