/**
 * The consumer test (`npm run test:package`; a CI step): the two packages used as a merchant team
 * would use them, from their tarballs, outside this repo.
 *
 * 1. `npm pack` both (their `prepack` builds them) and assert each tarball's file list: `dist/`,
 *    README.md, LICENSE and package.json, nothing else (no tests, keys, fixtures, `.ci`, `local/`),
 *    and no `#shared/*` import left in any shipped file.
 * 2. A fresh CDK app in a temporary folder: install the construct's tarball with aws-cdk-lib,
 *    constructs, cdk-nag and TypeScript (no esbuild, no lockfile of ours); type-check it as `cdk
 *    init` sets TypeScript up (strict, no skipLibCheck); synthesize `new PayonPayments(...)` in the
 *    app's own stack under cdk-nag's packs on Node 24; assert every function's code is a shipped
 *    bundle.
 * 3. A fresh TypeScript app with only the client's tarball: type-check, then on Node 24 create a
 *    payment through `npm start`'s API, read it back and find it in the list.
 *
 * Installs come from npm's cache where `npm ci` already put the packages (`--prefer-offline`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
const version = (name: string): string => {
  const v = rootPackage.devDependencies[name];
  if (!v) throw new Error(`package.json has no devDependency ${name}`);
  return v;
};
const NODE_24 = ['-y', '-p', 'node@24', 'node'];

let failures = 0;
const work = mkdtempSync(join(tmpdir(), 'payon-consumer-'));
let api: ChildProcess | undefined;
function check(ok: boolean, what: string): void {
  console.log(`${ok ? '✓' : '✗'} ${what}`);
  if (!ok) failures += 1;
}

function run(command: string, args: string[], cwd: string, what: string): string {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr);
    throw new Error(`${what} failed (${command} ${args.join(' ')}, exit ${result.status})`);
  }
  console.log(`· ${what} (${seconds} s)`);
  return result.stdout;
}

interface Packed {
  name: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** `npm start` in this repo (its own ports), until it says where the API is. */
async function startLocalApi(): Promise<string> {
  api = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOCAL_API_PORT: '0', LOCAL_DYNAMO_PORT: '0', LOCAL_SANDBOX_PORT: '0' },
  });
  let log = '';
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${log}`)), 90_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const url = /API +(http:\/\/[0-9.:]+)/.exec(log)?.[1];
      if (url && log.includes('Stop with Ctrl-C.')) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    api?.stdout?.on('data', onData);
    api?.stderr?.on('data', onData);
    api?.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${log}`)));
  });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function writeJson(path: string, value: unknown): void {
  spawnSync('mkdir', ['-p', join(path, '..')]);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** What `cdk init app --language typescript` writes, on NodeNext for an ESM package. */
const CDK_INIT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['es2022'],
    declaration: true,
    strict: true,
    noImplicitAny: true,
    strictNullChecks: true,
    noImplicitThis: true,
    alwaysStrict: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: false,
    inlineSourceMap: true,
    inlineSources: true,
    experimentalDecorators: true,
    strictPropertyInitialization: false,
    types: ['node'],
  },
  exclude: ['node_modules', 'cdk.out'],
};

const CDK_APP = `import { App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { PayonPayments, type PayonSettings } from 'payon-serverless/construct';
import { signatureHeader, verifyWebhook } from 'payon-serverless/webhooks';

// As the cdk CLI runs an app: each asset's path recorded on its resource.
const app = new App({ outdir: 'cdk.out', context: { 'aws:cdk:enable-asset-metadata': true } });
const stack = new Stack(app, 'ShopBackend', { env: { region: 'ap-southeast-1' } });
const settings: PayonSettings = { stage: 'prod', auth: 'iam', alarmEmail: 'ops@shop.example.com' };
const payments = new PayonPayments(stack, 'Payments', { settings });
new CfnOutput(stack, 'PaymentsApi', { value: payments.api.apiEndpoint });
new CfnOutput(stack, 'MerchantSecret', { value: payments.secretName });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app), new PCIDSS321Checks(app));
app.synth();
// The construct's package verifies webhooks too (a backend beside the stack).
const body = '{"id":"evt_1"}';
const t = Math.floor(Date.now() / 1000);
verifyWebhook(body, signatureHeader(body, t, ['whsec_cdk']), 'whsec_cdk');
console.log('synthesized', stack.stackName, payments.functions.size, 'functions');
`;

const CLIENT_APP = `import { PayonServerlessClient, PayonServerlessError, type CreatePaymentRequest, type Payment } from 'payon-serverless-client';
import { signatureHeader, verifyWebhook, WebhookVerificationError } from 'payon-serverless-client/webhooks';

const api = new PayonServerlessClient({ baseUrl: process.argv[2] ?? '' });
const request: CreatePaymentRequest = {
  amount: { value: '12.50', currency: 'USD' },
  paymentMethod: 'CREDIT_DEBIT',
  // npm start allows its own demo shop's origin.
  returnUrl: new URL('/demo/result.html', process.argv[2]).href,
  reference: 'consumer-' + Date.now(),
};
const payment: Payment = await api.createPayment(request);
const read = await api.getPayment(payment.id);
const page = await api.listPayments({ reference: request.reference ?? '' });
let errorCode: string | undefined;
try {
  await api.createPayment({ ...request, amount: { value: '-1', currency: 'USD' } });
} catch (error) {
  if (error instanceof PayonServerlessError) errorCode = error.code;
}
// A webhook receiver's check, from the package's ./webhooks entry.
const body = JSON.stringify({ id: 'evt_consumer_1', type: 'payment.succeeded' });
const t = Math.floor(Date.now() / 1000);
const verified = verifyWebhook<{ id: string }>(body, signatureHeader(body, t, ['whsec_consumer']), 'whsec_consumer').id;
let forged = false;
try {
  verifyWebhook(body, signatureHeader(body, t, ['whsec_other']), 'whsec_consumer');
} catch (error) {
  forged = error instanceof WebhookVerificationError;
}
console.log(JSON.stringify({ id: payment.id, state: read.state, read: read.id, listed: page.items.some((p) => p.id === payment.id), errorCode, verified, forged }));
`;

async function main(): Promise<void> {
  try {
    // 1. The tarballs.
    const packed = JSON.parse(
      run(
        'npm',
        [
          'pack',
          '--json',
          '--workspace',
          'packages/client',
          '--workspace',
          'packages/construct',
          '--pack-destination',
          work,
        ],
        ROOT,
        'npm pack (builds both packages)',
      ).replace(/^[^[]*/, ''),
    ) as Packed[];
    const byName = new Map(packed.map((p) => [p.name, p]));
    const client = byName.get('payon-serverless-client');
    const construct = byName.get('payon-serverless');
    if (!client || !construct) throw new Error('npm pack did not pack both packages');
    for (const p of [client, construct]) {
      const stray = p.files
        .map((f) => f.path)
        .filter(
          (f) => !f.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(f),
        );
      check(
        stray.length === 0,
        `${p.name}: only dist/, README.md, LICENSE (stray: ${stray.join(', ') || 'none'})`,
      );
      for (const needed of ['README.md', 'LICENSE', 'package.json']) {
        check(
          p.files.some((f) => f.path === needed),
          `${p.name}: ships ${needed}`,
        );
      }
      const sources = p.files.filter((f) => /\.ts$/.test(f.path) && !f.path.endsWith('.d.ts'));
      check(sources.length === 0, `${p.name}: no TypeScript sources (${sources.length})`);
      console.log(
        `  ${p.name}: ${p.files.length} files, tarball ${(p.size / 1024).toFixed(0)} KB, unpacked ${(p.unpackedSize / 1024).toFixed(0)} KB`,
      );
    }
    const clientFiles = client.files.map((f) => f.path).sort();
    check(
      JSON.stringify(clientFiles) ===
        JSON.stringify([
          'LICENSE',
          'README.md',
          'dist/index.d.ts',
          'dist/index.js',
          'dist/webhooks.d.ts',
          'dist/webhooks.js',
          'package.json',
        ]),
      `payon-serverless-client: exactly its 7 files (${clientFiles.join(', ')})`,
    );
    const functionsShipped = new Set(
      construct.files
        .map((f) => /^dist\/functions\/([^/]+)\/index\.mjs$/.exec(f.path)?.[1])
        .filter((f): f is string => f !== undefined),
    );
    check(
      functionsShipped.size >= 15,
      `payon-serverless: ${functionsShipped.size} pre-bundled functions`,
    );
    for (const dir of [join(ROOT, 'packages/client/dist'), join(ROOT, 'packages/construct/dist')]) {
      const leaked = listFiles(dir).filter((f) =>
        /from ?["']#(shared|infra|functions|client)\//.test(readFileSync(f, 'utf8')),
      );
      check(
        leaked.length === 0,
        `${dir.replace(ROOT, '')}: no #shared/#infra import left (${leaked.length})`,
      );
    }

    // 2. A merchant's own CDK app.
    const cdkApp = join(work, 'cdk-app');
    writeJson(join(cdkApp, 'package.json'), {
      name: 'shop-backend',
      private: true,
      type: 'module',
      dependencies: {
        'payon-serverless': `file:${join(work, construct.filename)}`,
        'aws-cdk-lib': version('aws-cdk-lib'),
        constructs: version('constructs'),
        'cdk-nag': version('cdk-nag'),
      },
      devDependencies: { typescript: version('typescript'), '@types/node': version('@types/node') },
    });
    writeJson(join(cdkApp, 'tsconfig.json'), CDK_INIT_TSCONFIG);
    writeFileSync(join(cdkApp, 'app.ts'), CDK_APP);
    run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund'],
      cdkApp,
      'CDK app: npm install',
    );
    check(!existsSync(join(cdkApp, 'node_modules/esbuild')), 'CDK app: no esbuild installed');
    run('npx', ['tsc', '-p', '.'], cdkApp, 'CDK app: tsc (strict, no skipLibCheck)');
    const synthOut = run(
      'npx',
      [...NODE_24, 'app.js'],
      cdkApp,
      'CDK app: synth on Node 24 under cdk-nag',
    );
    const template = JSON.parse(
      readFileSync(join(cdkApp, 'cdk.out/ShopBackend.template.json'), 'utf8'),
    ) as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
    const lambdas = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    const bundled = lambdas.filter((r) => {
      const asset = r.Metadata?.['aws:asset:path'];
      return asset !== undefined && existsSync(join(cdkApp, 'cdk.out', asset, 'index.mjs'));
    });
    check(
      lambdas.length >= 15 && bundled.length === lambdas.length,
      `CDK app: ${bundled.length} of ${lambdas.length} functions are the shipped bundles`,
    );
    check(
      synthOut.includes('synthesized'),
      'CDK app: synthesized under AwsSolutions, Serverless and PCI-DSS checks',
    );

    // 3. A merchant backend with only the client.
    const clientApp = join(work, 'client-app');
    writeJson(join(clientApp, 'package.json'), {
      name: 'shop-frontend',
      private: true,
      type: 'module',
      dependencies: { 'payon-serverless-client': `file:${join(work, client.filename)}` },
      devDependencies: { typescript: version('typescript'), '@types/node': version('@types/node') },
    });
    writeJson(join(clientApp, 'tsconfig.json'), CDK_INIT_TSCONFIG);
    writeFileSync(join(clientApp, 'shop.ts'), CLIENT_APP);
    run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund'],
      clientApp,
      'client app: npm install',
    );
    const installed = join(clientApp, 'node_modules/payon-serverless-client');
    const bytes = listFiles(installed).reduce((n, f) => n + readFileSync(f).length, 0);
    const deps = readdirSync(join(clientApp, 'node_modules')).filter(
      (d) =>
        !d.startsWith('.') &&
        !['payon-serverless-client', 'typescript', '@types', 'undici-types'].includes(d),
    );
    check(
      deps.length === 0,
      `client app: the client brings no dependency (${deps.join(', ') || 'none'})`,
    );
    console.log(`  payon-serverless-client installed: ${(bytes / 1024).toFixed(1)} KB`);
    run('npx', ['tsc', '-p', '.'], clientApp, 'client app: tsc (strict, no skipLibCheck)');
    const apiUrl = await startLocalApi();
    const shop = run(
      'npx',
      [...NODE_24, 'shop.js', apiUrl],
      clientApp,
      'client app: calls npm start on Node 24',
    );
    const result = JSON.parse(shop.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    check(
      result.state === 'PENDING' && result.read === result.id,
      `client app: created ${String(result.id)} and read it back (${String(result.state)})`,
    );
    check(result.listed === true, 'client app: found it in GET /payments');
    check(
      result.errorCode === 'invalid_request',
      `client app: a bad request is a typed error (${String(result.errorCode)})`,
    );
    check(
      result.verified === 'evt_consumer_1' && result.forged === true,
      'client app: payon-serverless-client/webhooks verifies a signed body and refuses another secret',
    );
  } finally {
    if (api?.pid) {
      try {
        process.kill(-api.pid, 'SIGINT');
      } catch {}
    }
    rmSync(work, { recursive: true, force: true });
  }
  if (failures > 0) {
    console.error(`✗ consumer test: ${failures} failed`);
    process.exit(1);
  }
  console.log('✓ consumer test passed');
}

await main();
