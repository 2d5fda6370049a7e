/**
 * `npm run bench`: builds the production bundles and measures, on this machine, what issue 12 asks
 * (bundles and init time, per-request overhead, I/O per operation, notification ingestion,
 * reconciliation scale, crypto, and the AWS cost of 1,000,000 payments). Prints a table and writes
 * docs/benchmarks/latest.json with the machine and the commit measured. Times are reported here,
 * never asserted; the deterministic numbers have budgets the tests enforce (scripts/bench/budgets.ts).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { constants, createHmac, createSign, publicEncrypt, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { BACKGROUND_FUNCTIONS, ROUTES } from '#functions/index.ts';
import { BASELINE_ENTRY, type BundleMeasure, bundle, handlerEntry } from '#scripts/bench/bundle.ts';
import { costOfPayments } from '#scripts/bench/cost.ts';
import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import { canonicalString } from '#shared/crypto/sign.ts';
import { generateTestRsaKeyPair } from '#shared/crypto/testing.ts';

const ROOT = new URL('../../', import.meta.url);
/**
 * Every child process runs without the AWS SDK's Node-version notice (printed once per process:
 * dozens of times in the init runs; the SDK's own switch, its warning has no type of its own to
 * disable). Metrics' empty-flush warning is a debug line already (shared/runtime/assemble.ts)
 * and the bench's functions run with metrics off.
 */
const quietEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const TMP = new URL('.tmp/bench/', ROOT);
const INIT_RUNS = Number(process.env.BENCH_INIT_RUNS ?? 9);
/** `npm run bench -- --only bundles`: bundles and module init only (seconds, not minutes). */
const only = process.argv.includes('--only')
  ? process.argv[process.argv.indexOf('--only') + 1]
  : undefined;
if (only !== undefined && only !== 'bundles') {
  throw new Error(`--only takes "bundles" (the one part that runs alone), not "${only}"`);
}
const started = Date.now();
const log = (line: string) => console.log(line);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

rmSync(TMP, { recursive: true, force: true });
mkdirSync(TMP, { recursive: true });

// 1. Bundles and module init time.
log('▸ bundles (production build, as the stack builds them) and module init time');
const functions = [...new Set([...ROUTES, ...BACKGROUND_FUNCTIONS].map((r) => r.function))].sort();
const out = new URL('bundles', TMP).pathname;
const measures: BundleMeasure[] = await Promise.all([
  bundle('baseline', BASELINE_ENTRY, out),
  ...functions.map((fn) => bundle(fn, handlerEntry(fn), out)),
]);
const initEnv = {
  ...quietEnv,
  STAGE: 'bench',
  PAYON_ENVIRONMENT: 'TEST',
  PAYON_SECRET_ID: 'payon/bench',
  TABLE_NAME: 'payon-bench',
  EVENT_BUS_NAME: 'payon-bench',
  AWS_REGION: 'ap-southeast-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
/**
 * What a cold start pays for code: the median, over fresh node processes, of the time to `import()`
 * the bundle (wall) and of the CPU the process spent on it (`process.cpuUsage`, user + system). On
 * this shared 2-CPU machine wall time swings by half between runs, CPU time much less. The runs go
 * round the bundles (one process of each, then the next round), so a busy moment of the machine
 * falls on all of them, not on the baseline's nine runs alone.
 */
function initSample(file: string): { wallMs: number; cpuMs: number } {
  const output = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const c = process.cpuUsage(); const t = process.hrtime.bigint(); await import(${JSON.stringify(`file://${file}`)}); const w = Number(process.hrtime.bigint() - t) / 1e6; const u = process.cpuUsage(c); console.log(JSON.stringify({ wallMs: w, cpuMs: (u.user + u.system) / 1e3 }));`,
    ],
    { env: initEnv, encoding: 'utf8' },
  );
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { wallMs: number; cpuMs: number };
}
const samples = measures.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
for (let run = 0; run < INIT_RUNS; run += 1) {
  measures.forEach((m, i) => {
    const sample = initSample(m.file);
    samples[i]?.wall.push(sample.wallMs);
    samples[i]?.cpu.push(sample.cpuMs);
  });
}
const bundles = measures.map((m, i) => ({
  ...m,
  wallMs: median(samples[i]?.wall ?? []),
  cpuMs: median(samples[i]?.cpu ?? []),
}));
const base = bundles.find((b) => b.name === 'baseline');
if (!base) throw new Error('no baseline');
const bundleRows = bundles.map((b) => ({
  name: b.name,
  bytes: b.bytes,
  gzipBytes: b.gzipBytes,
  bytesRatio: round(b.bytes / base.bytes),
  initMs: round(b.wallMs, 1),
  initRatio: round(b.wallMs / base.wallMs),
  initCpuMs: round(b.cpuMs, 1),
  initCpuRatio: round(b.cpuMs / base.cpuMs),
  nodeForge: b.packages.includes('node-forge'),
}));
const BUNDLES_TITLE =
  '## Bundles (minified bytes, gzip; module init: median of fresh processes, wall and CPU; ratios to the baseline)';

if (only === 'bundles') {
  // Not latest.json (a whole run's record): the bundles part alone, with where each one's bytes are.
  writeFileSync(
    new URL('bundles.json', TMP),
    `${JSON.stringify(
      {
        measuredAt: new Date().toISOString(),
        initRuns: INIT_RUNS,
        bundles: bundleRows,
        bytesByOrigin: Object.fromEntries(measures.map((m) => [m.name, m.bytesByOrigin])),
      },
      null,
      2,
    )}\n`,
  );
  log(`\n${BUNDLES_TITLE}`);
  console.table(bundleRows);
  log(`wrote .tmp/bench/bundles.json (${round((Date.now() - started) / 1_000, 0)} s)`);
  process.exit(0);
}

// 6. Crypto: the chosen implementation and the alternative.
log('▸ crypto');
const body = {
  merchantId: 'C0000143',
  termId: 'CT03000003',
  txId: '1795000000000017',
  amount: '12.50',
  currency: 'USD',
};
const keys = generateTestRsaKeyPair(2048);
const perSecond = (fn: () => unknown, ms = 1_000) => {
  let n = 0;
  const until = performance.now() + ms;
  while (performance.now() < until) {
    fn();
    n += 1;
  }
  return Math.round((n / ms) * 1_000);
};
const forge = createPinEncryptor(keys.publicKeyPem, 'pkcs1');
const oaep = createPinEncryptor(keys.publicKeyPem, 'oaep-sha256');
const javaOaep = createPinEncryptor(keys.publicKeyPem, 'oaep-sha256-mgf1-sha1');
const crypto = {
  'sign hmac-sha256 (node:crypto)': perSecond(() =>
    createHmac('sha256', 'sandbox-api-key').update(canonicalString(body)).digest('hex'),
  ),
  'sign rsa-sha256 2048 (node:crypto)': perSecond(() =>
    createSign('sha256').update(canonicalString(body)).sign(keys.privateKeyPem, 'base64'),
  ),
  'PIN RSA PKCS#1 v1.5 2048 (node-forge, chosen)': perSecond(() => forge.encrypt('482916')),
  'PIN RSA PKCS#1 v1.5 2048 (node:crypto publicEncrypt)': perSecond(() =>
    publicEncrypt(
      { key: keys.publicKeyPem, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from('482916'),
    ).toString('base64'),
  ),
  'PIN RSA OAEP-SHA256 2048 (node-forge)': perSecond(() =>
    oaep.encrypt(randomBytes(3).toString('hex')),
  ),
  'PIN RSA OAEP-SHA256 2048 (node:crypto publicEncrypt)': perSecond(() =>
    publicEncrypt(
      { key: keys.publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(randomBytes(3).toString('hex')),
    ).toString('base64'),
  ),
  // Java's default OAEP-SHA-256 (MGF1 SHA-1): node:crypto has no way to ask for it.
  'PIN RSA OAEP-SHA256/MGF1-SHA1 2048 (node-forge; node:crypto cannot)': perSecond(() =>
    javaOaep.encrypt(randomBytes(3).toString('hex')),
  ),
};

// 2-4. Through the real local services: overhead, I/O, ingestion (a vitest project).
log('▸ per-request overhead, I/O per operation, notification ingestion (DynamoDB Local, sandbox)');
const vitest = new URL('node_modules/vitest/vitest.mjs', ROOT).pathname;
const run = spawnSync(process.execPath, [vitest, 'run', '--project', 'bench'], {
  cwd: ROOT.pathname,
  stdio: 'inherit',
  env: quietEnv,
});
if (run.status !== 0) throw new Error('the bench project failed');
const operations = JSON.parse(readFileSync(new URL('operations.json', TMP), 'utf8')) as {
  io: Record<string, { cold: Record<string, number>; warm: Record<string, number> }>;
  overhead: Record<string, unknown>;
  ingestion: Record<string, number>;
};

// 5. Reconciliation: 10k and 100k through DynamoDB Local (the volume test), 1M from generators.
log('▸ reconciliation 10,000 and 100,000 through DynamoDB Local (heap capped at 80 MB)');
const volume = spawnSync(
  process.execPath,
  [vitest, 'run', '--project', 'integration', 'test/integration/reconciliation/volume.test.ts'],
  { cwd: ROOT.pathname, stdio: 'inherit', env: quietEnv },
);
if (volume.status !== 0) throw new Error('the reconciliation volume run failed');
const reconciliation = JSON.parse(
  readFileSync(new URL('reconciliation.json', TMP), 'utf8'),
) as Record<string, unknown>;
log('▸ reconciliation 1,000,000 streamed from generators (heap capped at 80 MB)');
const million = await new Promise<Record<string, unknown>>((resolve, reject) => {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=80',
      new URL('node_modules/tsx/dist/cli.mjs', ROOT).pathname,
      new URL('scripts/bench/reconcile-million.ts', ROOT).pathname,
    ],
    { cwd: ROOT.pathname, stdio: ['ignore', 'pipe', 'inherit'], env: quietEnv },
  );
  let text = '';
  child.stdout.on('data', (c: Buffer) => {
    text += c.toString();
  });
  child.on('exit', (code) =>
    code === 0
      ? resolve(JSON.parse(text.trim().split('\n').at(-1) ?? '{}'))
      : reject(new Error(`exit ${code}`)),
  );
});
reconciliation['1000000 (generated)'] = million;

// 7. Cost model.
const cost = costOfPayments(1_000_000, operations.io);

const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
  cwd: ROOT.pathname,
  encoding: 'utf8',
}).trim();
const dirty =
  execFileSync('git', ['status', '--porcelain'], {
    cwd: ROOT.pathname,
    encoding: 'utf8',
  }).trim() !== '';
const results = {
  measuredAt: new Date().toISOString(),
  commit: dirty ? `${commit} (with uncommitted changes)` : commit,
  machine: {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memoryGB: round(totalmem() / 2 ** 30, 1),
  },
  seconds: round((Date.now() - started) / 1_000, 0),
  bundles: bundleRows,
  overhead: operations.overhead,
  io: operations.io,
  ingestion: operations.ingestion,
  reconciliation,
  crypto,
  cost,
};
mkdirSync(new URL('docs/benchmarks/', ROOT), { recursive: true });
writeFileSync(
  new URL('docs/benchmarks/latest.json', ROOT),
  `${JSON.stringify(results, null, 2)}\n`,
);

// The table.
log(`\n${BUNDLES_TITLE}`);
console.table(bundleRows);
log('## Per-request overhead (ms)');
for (const [op, s] of Object.entries(operations.overhead)) {
  if (op === 'rounds') continue;
  const o = s as {
    calls: number;
    handler: { median: number; p99: number };
    direct: { median: number };
    ratio: number;
    difference: { median: number; p99: number };
  };
  log(
    `  ${op} (${o.calls} calls): handler ${round(o.handler.median)} (p99 ${round(o.handler.p99)}), direct ${round(o.direct.median)}, ratio ${round(o.ratio)}, difference median ${round(o.difference.median)} p99 ${round(o.difference.p99)}`,
  );
}
log('## I/O per operation (warm; cold adds one Secrets Manager read)');
console.table(Object.fromEntries(Object.entries(operations.io).map(([k, v]) => [k, v.warm])));
log('## Notification ingestion');
console.table(operations.ingestion);
log('## Reconciliation');
console.table(reconciliation);
log('## Crypto (operations per second)');
console.table(crypto);
log('## Cost of 1,000,000 payments (USD, list prices, unverified from here)');
console.table(cost.lines);
log(`  total ≈ USD ${round(cost.totalUsd)}`);
log(`\nwrote docs/benchmarks/latest.json (${results.seconds} s)`);
