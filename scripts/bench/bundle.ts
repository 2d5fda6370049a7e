/**
 * Builds a function's production bundle exactly as the stack does (esbuild, ESM, node24, minified,
 * the AWS SDK bundled with the environment's credentials only, the require banner; the SDK tracer
 * when asked) and measures it: minified bytes, gzip bytes, and the
 * packages it carries. Used by `npm run bench` and by the budget tests.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  BUNDLE_ALIASES,
  bundleConditions,
  ESM_REQUIRE_BANNER,
} from '#infra/constructs/payon-function.ts';

export interface BundleMeasure {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** npm packages with code in the bundle (`node-forge`, `@aws-sdk/client-dynamodb`, ...). */
  readonly packages: readonly string[];
  /**
   * Bytes in the output per origin, largest first: an npm package (`zod`, `@smithy/core`) or a
   * folder of the repo (`shared/payon`, `functions/get-payment`); from esbuild's metafile.
   */
  readonly bytesByOrigin: Readonly<Record<string, number>>;
}

const ROOT = new URL('../../', import.meta.url);

export function handlerEntry(fn: string): string {
  return new URL(`functions/${fn}/handler.ts`, ROOT).pathname;
}

/** The baseline: a handler importing only the DynamoDB client and middy core. */
export const BASELINE_ENTRY = new URL('scripts/bench/baseline.ts', ROOT).pathname;

export async function bundle(
  name: string,
  entry: string,
  outDir: string,
  { sdkTracer = false }: { readonly sdkTracer?: boolean } = {},
): Promise<BundleMeasure> {
  const outfile = `${outDir}/${name}/index.mjs`;
  const conditions = bundleConditions(sdkTracer);
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: false,
    banner: { js: ESM_REQUIRE_BANNER },
    absWorkingDir: ROOT.pathname,
    alias: { ...BUNDLE_ALIASES },
    ...(conditions ? { conditions } : {}),
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`no output for ${name}`);
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(`${outDir}/${name}`, { recursive: true });
  writeFileSync(outfile, output.contents);
  // What the output holds, by origin: a module whose code was all left out (its import kept for
  // a class or a type) carries nothing, and is not counted.
  const byOrigin: Record<string, number> = {};
  const packages = new Set<string>();
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
  for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
    const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    const origin = npm ?? input.split('/').slice(0, 2).join('/');
    byOrigin[origin] = (byOrigin[origin] ?? 0) + bytesInOutput;
    if (npm && bytesInOutput > 0) packages.add(npm);
  }
  return {
    name,
    file: outfile,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents).byteLength,
    packages: [...packages].sort(),
    bytesByOrigin: Object.fromEntries(Object.entries(byOrigin).sort((a, b) => b[1] - a[1])),
  };
}
