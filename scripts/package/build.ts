/**
 * Builds the two installable packages from this repo's sources (run by each package's `prepack`,
 * so `npm pack` and `npm publish` always ship a fresh build):
 *
 * - `packages/client` (payon-serverless-client): `dist/index.js`, the typed client bundled with no
 *   runtime dependency, and `dist/index.d.ts`, its types written out in full (the API's request and
 *   view types, expanded from the zod schemas they come from), so a consumer needs neither zod nor
 *   this repo's sources; and `dist/webhooks.js` / `.d.ts`, webhook signature verification
 *   (`payon-serverless-client/webhooks`: Node, `node:crypto` only).
 * - `packages/construct` (payon-serverless): `dist/construct.js`, the PayonPayments construct with
 *   everything but aws-cdk-lib and constructs (its peer dependencies) bundled in; `dist/infra/*.d.ts`
 *   its declarations, with every `#infra/*` import made relative and every `#shared/*` type written
 *   out; and `dist/functions/<operation>/index.mjs`, each Lambda pre-bundled: taken from a synth of
 *   the construct in this repo, so they are the very bundles `cdk deploy` of this repo builds. A
 *   consumer's synth needs neither esbuild, Docker nor a lockfile.
 *
 * `tsx scripts/package/build.ts [client|construct]` (both without an argument).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { build } from 'esbuild';
import ts from 'typescript';
import { ESM_REQUIRE_BANNER } from '#infra/constructs/payon-function.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLIENT_DIR = join(ROOT, 'packages/client');
export const CONSTRUCT_DIR = join(ROOT, 'packages/construct');

/** Module specifiers a built declaration may import: the construct's peers and Node's own. */
const ALLOWED_IMPORT = /^(aws-cdk-lib(\/.*)?|constructs|node:.*|\.{1,2}\/.*)$/;

const FLAGS =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.InTypeAlias |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;

/** The repo's compiler options (tsconfig.json), set to emit declarations only. */
function declarationOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  return {
    ...parsed.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    rootDir: ROOT,
    outDir: join(ROOT, '.tmp/declarations'),
  };
}

/** The declarations `entry`'s program emits, by source path relative to the repo. */
function emitDeclarations(entry: string): {
  program: ts.Program;
  declarations: Map<string, string>;
} {
  const program = ts.createProgram([join(ROOT, entry)], declarationOptions());
  const declarations = new Map<string, string>();
  const result = program.emit(
    undefined,
    (name, text) => {
      const source = relative(join(ROOT, '.tmp/declarations'), name).replace(/\.d\.ts$/, '.ts');
      declarations.set(source, text);
    },
    undefined,
    true,
  );
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new Error(
      ts.formatDiagnostics(errors, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => ROOT,
        getNewLine: () => '\n',
      }),
    );
  }
  return { program, declarations };
}

/** The full text of the type a name imported into `source` stands for (aliases expanded). */
function expandImported(program: ts.Program, source: string, name: string): string {
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(join(ROOT, source));
  if (!file) throw new Error(`${source} is not in the program`);
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      if (element.name.text !== name) continue;
      const symbol = checker.getSymbolAtLocation(element.name);
      if (!symbol) break;
      const target = checker.getAliasedSymbol(symbol);
      if (!(target.flags & (ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Interface))) {
        throw new Error(`${source} imports ${name}, which is not a type: it cannot be written out`);
      }
      const declared = checker.getDeclaredTypeOfSymbol(target);
      // An interface prints as its own name (`type X = X;`, circular): write its members out.
      if (target.flags & ts.SymbolFlags.Interface) return interfaceText(checker, declared);
      return checker.typeToString(declared, undefined, FLAGS);
    }
  }
  throw new Error(`${source} has no import of ${name}`);
}

/** A plain interface's members as an object type literal (readonly and optional kept). */
function interfaceText(checker: ts.TypeChecker, type: ts.Type): string {
  const members = checker.getPropertiesOfType(type).map((property) => {
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (!declaration) throw new Error(`${property.name}: no declaration to write out`);
    const readonly =
      ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly ? 'readonly ' : '';
    const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
    const text = checker.typeToString(
      checker.getTypeOfSymbolAtLocation(property, declaration),
      undefined,
      FLAGS,
    );
    return `${readonly}${JSON.stringify(property.name)}${optional}: ${text};`;
  });
  return `{ ${members.join(' ')} }`;
}

/** `#infra/x/y.ts` seen from infra file `from` (both repo-relative): `./x/y.js`, `../y.js`. */
function relativeSpecifier(from: string, target: string): string {
  const path = relative(dirname(from), target).replace(/\.ts$/, '.js');
  return path.startsWith('.') ? path : `./${path}`;
}

/**
 * A declaration file made self-contained: `#infra/*` imports relative, `#shared/*` (and
 * `#functions/*`) type imports replaced by the types written out. Throws on any other import.
 */
function selfContained(program: ts.Program, source: string, text: string): string {
  const file = ts.createSourceFile(source, text, ts.ScriptTarget.Latest, true);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier)) continue;
    const module = specifier.text;
    if (module.startsWith('#infra/')) {
      const target = module.replace('#infra/', 'infra/');
      edits.push({
        start: specifier.getStart(),
        end: specifier.getEnd(),
        text: `'${relativeSpecifier(source, target)}'`,
      });
    } else if (module.startsWith('#')) {
      const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
      const named = clause?.namedBindings;
      if (!clause || clause.name || !named || !ts.isNamedImports(named)) {
        throw new Error(`${source}: only named type imports of ${module} can be written out`);
      }
      const aliases = named.elements.map(
        (e) => `type ${e.name.text} = ${expandImported(program, source, e.name.text)};`,
      );
      edits.push({
        start: statement.getStart(),
        end: statement.getEnd(),
        text: aliases.join('\n'),
      });
    } else if (module.startsWith('.') && module.endsWith('.ts')) {
      edits.push({
        start: specifier.getStart(),
        end: specifier.getEnd(),
        text: `'${module.replace(/\.ts$/, '.js')}'`,
      });
    } else if (!ALLOWED_IMPORT.test(module)) {
      throw new Error(`${source} imports ${module}: not a peer dependency of the package`);
    }
  }
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

/** The client's declarations: its exported types written out, nothing imported. */
function clientDeclarations(): string {
  const entry = 'client/index.ts';
  const { program, declarations } = emitDeclarations(entry);
  const emitted = declarations.get(entry);
  if (!emitted) throw new Error('no declarations for the client');
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(join(ROOT, entry));
  if (!source) throw new Error('the client is not in its program');
  const expanded = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    const type = checker.getTypeAtLocation(statement.name);
    expanded.set(statement.name.text, checker.typeToString(type, undefined, FLAGS));
  }
  const file = ts.createSourceFile(entry, emitted, ts.ScriptTarget.Latest, true);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const statement of file.statements) {
    const span = { start: statement.getStart(), end: statement.getEnd() };
    // A type alias dropped goes with its comment.
    const whole = { start: statement.getFullStart(), end: statement.getEnd() };
    if (ts.isImportDeclaration(statement)) {
      edits.push({ ...span, text: '' });
    } else if (ts.isTypeAliasDeclaration(statement)) {
      const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      const text = expanded.get(statement.name.text);
      if (!exported) edits.push({ ...whole, text: '' });
      else if (text !== undefined)
        edits.push({
          start: statement.type.getStart(),
          end: statement.type.getEnd(),
          text,
        });
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.isTypeOnly &&
      !statement.moduleSpecifier
    ) {
      // `export type { ErrorBody }`: a type the client imported, written out.
      const clause = statement.exportClause;
      if (!clause || !ts.isNamedExports(clause)) throw new Error('unexpected export in the client');
      const aliases = clause.elements.map(
        (e) => `export type ${e.name.text} = ${expandImported(program, entry, e.name.text)};`,
      );
      edits.push({ ...span, text: aliases.join('\n') });
    }
  }
  let out = emitted;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  if (/from '|import\(/.test(out))
    throw new Error('the client declarations still import something');
  return `${out.replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

export async function buildClient(): Promise<void> {
  const dist = join(CLIENT_DIR, 'dist');
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'client/index.ts')],
    outfile: join(dist, 'index.js'),
    bundle: true,
    format: 'esm',
    // Any runtime with fetch and crypto.randomUUID: browsers, Node, Deno, workers.
    platform: 'neutral',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'warning',
  });
  writeFileSync(join(dist, 'index.d.ts'), clientDeclarations());
  await buildWebhooks(dist);
  cpSync(join(ROOT, 'LICENSE'), join(CLIENT_DIR, 'LICENSE'));
}

/**
 * Webhook verification into `dist/webhooks.js` / `.d.ts`: Node only (node:crypto), nothing else
 * imported. Both packages ship it: `payon-serverless-client/webhooks` for a merchant backend that
 * only receives, `payon-serverless/webhooks` beside the construct.
 */
async function buildWebhooks(dist: string): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'client/webhooks.ts')],
    outfile: join(dist, 'webhooks.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
  });
  const webhooks = emitDeclarations('client/webhooks.ts').declarations.get('client/webhooks.ts');
  if (!webhooks || /from '(?!node:)|import\(/.test(webhooks)) {
    throw new Error('the webhook declarations are missing or import something besides node:*');
  }
  writeFileSync(join(dist, 'webhooks.d.ts'), webhooks);
}

/** Synthesizes the construct in this repo and copies each function's bundle into `dist/functions/`. */
function bundleFunctions(dist: string): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'payon-package-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'PayonPackage', { env: { region: 'ap-southeast-1' } });
    // Imported here: the construct module must be loaded from the sources (not prebuilt).
    const operations: string[] = [];
    const { PayonPayments } = constructModule;
    const payments = new PayonPayments(stack, 'Payments', { settings: { auth: 'iam' } });
    for (const [operation, fn] of payments.functions) {
      const cfn = fn.function.node.defaultChild as CfnFunction;
      const asset = cfn.getMetadata('aws:asset:path') as string | undefined;
      if (!asset) throw new Error(`${operation}: no bundled asset (was it built prebuilt?)`);
      const from = join(outdir, asset);
      if (!existsSync(join(from, 'index.mjs'))) throw new Error(`${operation}: no index.mjs`);
      cpSync(from, join(dist, 'functions', operation), { recursive: true });
      operations.push(operation);
    }
    return operations.sort();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

let constructModule: typeof import('#infra/index.ts');

export async function buildConstruct(): Promise<string[]> {
  const dist = join(CONSTRUCT_DIR, 'dist');
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  constructModule = await import('#infra/index.ts');
  const operations = bundleFunctions(dist);
  await build({
    entryPoints: [join(ROOT, 'infra/index.ts')],
    outfile: join(dist, 'construct.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
    // The CJS packages the construct's modules bring along call `require`: give them one.
    banner: { js: ESM_REQUIRE_BANNER },
    legalComments: 'none',
    logLevel: 'warning',
  });
  const { program, declarations } = emitDeclarations('infra/index.ts');
  for (const [source, text] of declarations) {
    if (!source.startsWith('infra/')) continue;
    const target = join(dist, source.replace(/\.ts$/, '.d.ts'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, selfContained(program, source, text));
  }
  writeFileSync(join(dist, 'construct.d.ts'), "export * from './infra/index.js';\n");
  await buildWebhooks(dist);
  cpSync(join(ROOT, 'LICENSE'), join(CONSTRUCT_DIR, 'LICENSE'));
  return operations;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const which = process.argv[2];
  if (which !== 'construct') {
    await buildClient();
    const bytes = readFileSync(join(CLIENT_DIR, 'dist/index.js')).length;
    console.log(
      `payon-serverless-client: dist/index.js ${bytes} bytes, dist/index.d.ts, dist/webhooks.js`,
    );
  }
  if (which !== 'client') {
    const operations = await buildConstruct();
    console.log(
      `payon-serverless: dist/construct.js, dist/infra/*.d.ts, ${operations.length} functions pre-bundled`,
    );
  }
}
