/**
 * The OpenAPI 3.1 description of the API, built from the routes' descriptors (`functions/index.ts`)
 * and the very zod schemas the handlers validate with (one source of truth): `npm run openapi`
 * writes `openapi.json`, the local runtime serves it at `/openapi.json`, and the typed client
 * (`client/`) is checked against it.
 */
import * as z from 'zod';
import { ROUTES } from '#functions/index.ts';
import { errorBodySchema } from '#shared/http/error-body.ts';
import type { ErrorStatus, RouteDescriptor } from '#shared/runtime/descriptor.ts';

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

const COMPONENTS = '#/components/schemas/';

/** The name a view's schema is registered under (`.meta({ id })`), if any. */
const componentId = (schema: z.ZodType): string | undefined => {
  const id = z.globalRegistry.get(schema)?.id;
  return typeof id === 'string' ? id : undefined;
};

/**
 * The named bodies (every view's schema and the error body), as zod's output side: what the
 * handlers answer. A schema nested in another is a `$ref` to its own component.
 */
function components(): Record<string, unknown> {
  // Only what the document uses is registered: every view module the routes import.
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    io: 'output',
    unrepresentable: 'any',
    target: 'draft-2020-12',
    uri: (id) => `${COMPONENTS}${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, { $schema: _, $id: __, ...rest }]) => [id, rest]),
  );
}

/** A success body as the route answers it: its view's component, or the schema inline. */
function responseSchema(schema: z.ZodType) {
  const id = componentId(schema);
  if (id) return { $ref: `${COMPONENTS}${id}` };
  return (({ $schema: _, ...rest }) => rest)(
    z.toJSONSchema(schema, {
      io: 'output',
      unrepresentable: 'any',
      target: 'draft-2020-12',
    }) as Record<string, unknown>,
  );
}

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

const ERROR_RESPONSES: Readonly<Record<ErrorStatus, string>> = {
  400: 'Invalid request: `error.fields` names each field and why',
  403: 'The caller may not use this route',
  404: 'Not found',
  409: 'Conflict with the current state, or the same request still running (`Retry-After`)',
  422: 'Refused by a business rule or by PAYON (`payonCode`, `payonMessage`)',
  429: 'Too many binding/PIN requests for the customer (`Retry-After`)',
  500: 'Internal error (nothing more is said)',
  502: 'PAYON unavailable, or the outcome is unknown (`outcome_unknown`)',
  503: 'Not served now, nothing was sent to PAYON (`settlement_unknown`, `payon_credentials_rejected`)',
  504: 'PAYON did not answer: the outcome is unknown (`outcome_unknown`)',
};

/**
 * Every error status the route can answer: what the wiring answers for any route (invalid input,
 * an internal error) and for an idempotent one (the same key still running or reused), and what
 * the route itself says.
 */
export function errorStatuses(route: RouteDescriptor): ErrorStatus[] {
  const wiring: ErrorStatus[] = [400, 500, ...(route.idempotent ? ([409, 422] as const) : [])];
  return [...new Set([...wiring, ...(route.doc.errors ?? [])])].sort((a, b) => a - b);
}

/** The success answers: the JSON body (or a redirect), and any answer that is not JSON. */
function successResponses(route: RouteDescriptor) {
  const { doc } = route;
  const responses: Record<string, { description: string; [key: string]: unknown }> = {
    [String(doc.status)]: {
      description: doc.summary,
      ...(doc.status === 303
        ? { headers: { location: { schema: { type: 'string' } } } }
        : {
            content: {
              'application/json': {
                schema: doc.response ? responseSchema(doc.response) : { type: 'object' },
                ...(doc.responseExample ? { example: doc.responseExample } : {}),
              },
            },
          }),
    },
  };
  for (const other of doc.otherAnswers ?? []) {
    const content = { [other.mediaType]: { schema: { type: 'string' } } };
    const existing = responses[String(other.status)];
    if (existing) {
      existing.content = { ...(existing.content as object), ...content };
      existing.description = `${existing.description}; ${other.description}`;
    } else {
      responses[String(other.status)] = { description: other.description, content };
    }
  }
  return responses;
}

function operation(route: RouteDescriptor) {
  const { schemas, doc } = route;
  const body = schemas.body;
  const errorRef = { $ref: `${COMPONENTS}${componentId(errorBodySchema)}` };
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
      ...successResponses(route),
      ...Object.fromEntries(
        errorStatuses(route).map((status) => [
          String(status),
          {
            description: ERROR_RESPONSES[status],
            content: { 'application/json': { schema: errorRef } },
          },
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
        'The merchant\'s own backend for PAYON (Cambodia): payments, saved cards, reconciliation, webhooks. Amounts are decimal strings (`"12.50"`).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: '`npm start`' }],
    tags: [
      { name: 'Payments' },
      { name: 'Saved cards' },
      { name: 'Reconciliation' },
      { name: 'Webhooks', description: 'Merchant webhook endpoints and their deliveries' },
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
      schemas: components(),
    },
  };
}
