import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/index.ts';
import { openApiDocument } from '#functions/openapi.ts';
import { routeTable, withRouteTable } from '#functions/route-table.ts';

const { version } = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};
const doc = openApiDocument(version);

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 for a real validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route of the route table, and nothing else', () => {
    const described = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(described.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('requires an Idempotency-Key exactly where the handlers do, and credentials on merchant routes', () => {
    for (const route of ROUTES) {
      const op = (
        doc.paths[route.path] as Record<
          string,
          { parameters: { name: string }[]; security: unknown[] }
        >
      )[route.method.toLowerCase()];
      expect(
        op?.parameters.some((p) => p.name === 'Idempotency-Key'),
        route.path,
      ).toBe(route.idempotent);
      expect((op?.security.length ?? 0) > 0, route.path).toBe(
        route.access === 'merchant' || route.access === 'operator',
      );
    }
  });

  it.each(ROUTES.filter((r) => r.doc.example !== undefined).map((r) => [r.function, r] as const))(
    'has a %s example the handler accepts',
    (_fn, route) => {
      const schema = route.schemas.body;
      expect(schema).toBeDefined();
      const parsed = schema?.safeParse(route.doc.example);
      expect(parsed?.success ? [] : parsed?.error.issues).toEqual([]);
    },
  );

  it('is what openapi.json holds (regenerate with npm run openapi)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});

describe("the README's API table", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

  it('is the one the routes make (regenerate with npm run generate)', () => {
    expect(withRouteTable(readme)).toBe(readme);
  });

  it('lists every route once, with its function', () => {
    const table = routeTable();
    for (const route of ROUTES) {
      expect(table).toContain(
        `| \`${route.method} ${route.path}${route.doc.readmeQuery ?? ''}\` | ${route.function} |`,
      );
    }
    expect(table.split('\n')).toHaveLength(ROUTES.length + 2);
  });
});
