/**
 * What `npm start` serves besides the API: the demo shop (local/demo) and the OpenAPI document,
 * built at start from the route table's schemas (the same document `npm run openapi` writes).
 */
import { readFileSync } from 'node:fs';
import { openApiDocument } from '#functions/openapi.ts';
import type { StaticFile } from '#local/runtime/server.ts';

const DEMO_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

export function staticFiles(): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const demo = (name: string) => {
    const extension = name.split('.').pop() ?? '';
    return {
      contentType: TYPES[extension] ?? 'application/octet-stream',
      body: readFileSync(new URL(`../demo/${name}`, import.meta.url), 'utf8'),
      csp: DEMO_CSP,
    };
  };
  for (const name of ['index.html', 'result.html', 'demo.js', 'result.js', 'demo.css']) {
    files.set(`/demo/${name}`, demo(name));
  }
  files.set('/demo/', demo('index.html'));
  files.set('/demo', demo('index.html'));
  const { version } = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  files.set('/openapi.json', {
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(openApiDocument(version), null, 2),
  });
  return files;
}
