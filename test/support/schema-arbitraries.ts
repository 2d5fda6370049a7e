/**
 * fast-check generators derived from the API's own zod schemas (through their JSON Schema): valid
 * values, and values invalid by construction that know which field is at fault. Refinements that
 * JSON Schema cannot express are honoured by checking candidates against the zod schema itself.
 */
import fc from 'fast-check';
import { z } from 'zod';

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** A valid value for a JSON Schema (strings stand in for query values when `asText`). */
export function validValue(schema: JsonSchema, asText = false): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'object': {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, sub] of Object.entries(props)) record[name] = validValue(sub, asText);
      return fc.record(record, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
    case 'integer': {
      const n = fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1_000 });
      return asText ? n.map(String) : n;
    }
    case 'string': {
      if (schema.format === 'date')
        return fc
          .date({ min: new Date('2025-01-01'), max: new Date('2025-01-31'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10));
      if (schema.format === 'uri') return fc.constant('https://shop.example.com/done');
      if (schema.pattern)
        return fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((s) => s.length <= (schema.maxLength ?? 64));
      return fc.string({
        minLength: schema.minLength ?? 0,
        maxLength: Math.min(schema.maxLength ?? 20, 20),
      });
    }
    default:
      return fc.constant('x');
  }
}

/** A value of the wrong JSON type for `schema`. */
function wrongType(schema: JsonSchema): fc.Arbitrary<unknown> {
  const candidates: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.integer(), { maxLength: 2 }),
  ];
  if (schema.type !== 'string') candidates.push(fc.string({ maxLength: 8 }));
  if (schema.type !== 'integer' && schema.type !== 'number')
    candidates.push(fc.double({ noNaN: true }));
  if (schema.type !== 'object') candidates.push(fc.constant({ nested: 1 }));
  return fc.oneof(...candidates);
}

/** A string that `schema` refuses (pattern, enum, format or length). */
function badString(schema: JsonSchema): fc.Arbitrary<string> | undefined {
  if (schema.enum) return fc.string({ maxLength: 12 }).filter((s) => !schema.enum?.includes(s));
  if (schema.format === 'uri')
    return fc.constantFrom('not a url', 'ftp//x', '', 'javascript', '//no-scheme');
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    return fc.string({ maxLength: 30, unit: 'binary' }).filter((s) => !pattern.test(s));
  }
  if (schema.maxLength !== undefined)
    return fc.string({ minLength: schema.maxLength + 1, maxLength: schema.maxLength + 5 });
  return undefined;
}

export interface Invalid {
  readonly value: Record<string, unknown> | unknown;
  /** The field the API must name, relative to the schema root ('' for the root itself). */
  readonly field: string;
}

/**
 * Values invalid by construction: one field of an otherwise valid value broken (missing when
 * required, wrong type, refused string, unknown extra field), or a root that is not an object.
 */
export function invalidValue(
  schema: JsonSchema,
  isValid: (v: unknown) => boolean,
  asText = false,
): fc.Arbitrary<Invalid> {
  return mutated(schema, isValid, asText).filter((m) => !isValid(m.value));
}

/** One-field mutations of a valid value (the whole is checked to be invalid by the caller). */
function mutated(
  schema: JsonSchema,
  isValid: (v: unknown) => boolean,
  asText: boolean,
): fc.Arbitrary<Invalid> {
  const base = validValue(schema, asText).filter(isValid) as fc.Arbitrary<Record<string, unknown>>;
  const props = Object.entries(schema.properties ?? {});
  const mutations: fc.Arbitrary<Invalid>[] = [
    fc
      .tuple(
        base,
        fc.stringMatching(/^[a-z][A-Za-z]{2,10}$/).filter((k) => !(k in (schema.properties ?? {}))),
      )
      .map(([v, extra]) => ({ value: { ...v, [extra]: asText ? '1' : 1 }, field: extra })),
  ];
  if (!asText) mutations.push(wrongType(schema).map((value) => ({ value, field: '' })));
  for (const [name, sub] of props) {
    if (schema.required?.includes(name)) {
      mutations.push(
        base.map((v) => {
          const { [name]: _removed, ...rest } = v;
          return { value: rest, field: name };
        }),
      );
    }
    if (!asText)
      mutations.push(
        fc
          .tuple(base, wrongType(sub))
          .map(([v, bad]) => ({ value: { ...v, [name]: bad }, field: name })),
      );
    const bad = sub.type === 'string' || sub.enum ? badString(sub) : undefined;
    if (bad)
      mutations.push(
        fc.tuple(base, bad).map(([v, b]) => ({ value: { ...v, [name]: b }, field: name })),
      );
    if (sub.type === 'integer' && asText) {
      mutations.push(
        fc
          .tuple(base, fc.constantFrom('x', '1.5', '-1', String((sub.maximum ?? 1_000) + 1), ''))
          .map(([v, b]) => ({ value: { ...v, [name]: b }, field: name })),
      );
    }
    if (sub.type === 'object' && sub.properties) {
      mutations.push(
        fc
          .tuple(
            base,
            mutated(sub, () => true, false),
          )
          .filter(([, inner]) => inner.field !== '')
          .map(([v, inner]) => ({
            value: { ...v, [name]: inner.value },
            field: `${name}.${inner.field}`,
          })),
      );
    }
  }
  return fc.oneof(...mutations);
}
