/** Writes openapi.json (the build's API description) from the route table and its zod schemas. */
import { readFileSync, writeFileSync } from 'node:fs';
import { openApiDocument } from '#functions/openapi.ts';

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};
const target = new URL('../openapi.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(openApiDocument(version), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
