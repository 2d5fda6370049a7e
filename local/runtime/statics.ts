/**
 * What `npm start` serves besides the API: the demo shop (local/demo), the operator console
 * (local/console), the OpenAPI document built at start from the route table's schemas (the same
 * document `npm run openapi` writes), and a browser build of the `qrcode` library that the demo
 * shop draws the API's `qrString` with, as a merchant's own page would.
 */
import { readFileSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { openApiDocument } from '#functions/openapi.ts';
import type { StaticFile } from '#local/runtime/server.ts';

/**
 * The pages' policy: their own scripts and styles only, no inline script, and Trusted Types
 * required, so that a string assigned to `innerHTML` (or any other HTML sink) throws instead of
 * rendering: the pages show data other people wrote (references, reasons) only as text.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** The pages of a folder under local/, at `/<folder>/<name>` and the index at `/<folder>/`. */
function pages(files: Map<string, StaticFile>, folder: string, names: readonly string[]): void {
  const file = (name: string): StaticFile => ({
    contentType: TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream',
    body: readFileSync(new URL(`../${folder}/${name}`, import.meta.url), 'utf8'),
    csp: PAGE_CSP,
  });
  for (const name of names) files.set(`/${folder}/${name}`, file(name));
  files.set(`/${folder}/`, file('index.html'));
  files.set(`/${folder}`, file('index.html'));
}

/** `qrcode`'s browser entry as one ES module exporting `toCanvas` (esbuild, minified). */
export function qrcodeBrowserModule(): string {
  const { version } = JSON.parse(
    readFileSync(new URL('../../node_modules/qrcode/package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  const built = buildSync({
    stdin: {
      contents: "import QRCode from 'qrcode';\nexport const toCanvas = QRCode.toCanvas;\n",
      resolveDir: new URL('.', import.meta.url).pathname,
      sourcefile: 'qrcode-browser.js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    banner: {
      js: `/* qrcode ${version} (MIT, github.com/soldair/node-qrcode), built by npm start */`,
    },
  });
  return built.outputFiles[0]?.text ?? '';
}

/** The operator console's files (also what `npm run console` serves beside a deployed API). */
export function consoleFiles(): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  pages(files, 'console', ['index.html', 'console.js', 'vocabulary.js', 'console.css']);
  return files;
}

export function staticFiles(): Map<string, StaticFile> {
  const files = consoleFiles();
  pages(files, 'demo', ['index.html', 'result.html', 'demo.js', 'result.js', 'demo.css']);
  files.set('/demo/qrcode.js', {
    contentType: TYPES.js ?? '',
    body: qrcodeBrowserModule(),
    csp: PAGE_CSP,
  });
  const { version } = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  files.set('/openapi.json', {
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(openApiDocument(version), null, 2),
  });
  return files;
}
