/**
 * Writes what is made from the routes' descriptors (functions/index.ts): openapi.json (the build's
 * API description, with the zod schemas) and the README's API table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { openApiDocument } from '#functions/openapi.ts';
import { withRouteTable } from '#functions/route-table.ts';

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};
const target = new URL('../openapi.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(openApiDocument(version), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withRouteTable(readFileSync(readme, 'utf8')));
console.log(`wrote the API table of ${readme.pathname}`);
