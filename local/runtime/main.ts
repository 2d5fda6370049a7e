/**
 * `npm start`: the whole system on this machine. Configuration by environment variables (README,
 * "Run it locally"); prints the URLs and a ready-to-paste curl; Ctrl-C stops everything.
 */
import { readFileSync } from 'node:fs';
import { PROFILE_NAMES, type ProfileName } from '#local/payon-sandbox/profiles.ts';
import {
  LocalStartError,
  PASSED_THROUGH,
  type PayonTarget,
  startLocal,
} from '#local/runtime/system.ts';
import { badPortProblem } from '#shared/payon/bad-ports.ts';

// biome-ignore lint/style/noProcessEnv: the local CLI reads its own settings; handlers never do.
const env = process.env;
env.POWERTOOLS_TRACE_ENABLED ??= 'false';
env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// EMF lines are for CloudWatch; here they would be a JSON line for every request and sweep run.
env.POWERTOOLS_METRICS_DISABLED ??= 'true';
env.AWS_REGION ??= 'ap-southeast-1';

function port(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new LocalStartError(`${name} must be a port number from 0 to 65535 (got "${raw}")`);
  }
  return value;
}

function seconds(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 3_600) {
    throw new LocalStartError(
      `${name} must be a whole number of seconds from 1 to 3600 (got "${raw}")`,
    );
  }
  return value;
}

function sandboxProfile(): ProfileName | undefined {
  const raw = env.LOCAL_SANDBOX_PROFILE;
  if (raw === undefined || raw === '') return undefined;
  if (!PROFILE_NAMES.includes(raw as ProfileName)) {
    throw new LocalStartError(
      `LOCAL_SANDBOX_PROFILE must be one of ${PROFILE_NAMES.join(', ')} (got "${raw}")`,
    );
  }
  return raw as ProfileName;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function payonTarget(): PayonTarget {
  const baseUrl = env.PAYON_BASE_URL;
  if (baseUrl) {
    const badPort = badPortProblem('PAYON_BASE_URL', baseUrl);
    if (badPort !== undefined) throw new LocalStartError(badPort);
    const file = env.LOCAL_MERCHANT_SECRET_FILE;
    if (!file) {
      throw new LocalStartError(
        'PAYON_BASE_URL points at another PAYON: set LOCAL_MERCHANT_SECRET_FILE to a JSON file with your merchant secret (docs/configuration.md)',
      );
    }
    let secretJson: string;
    try {
      secretJson = readFileSync(file, 'utf8');
    } catch {
      throw new LocalStartError(`LOCAL_MERCHANT_SECRET_FILE ${file} cannot be read`);
    }
    return { kind: 'external', baseUrl, secretJson };
  }
  const seed = env.LOCAL_SANDBOX_SEED;
  const profile = sandboxProfile();
  const sandboxPort = port('LOCAL_SANDBOX_PORT', 36_605);
  const badPort = badPortProblem('LOCAL_SANDBOX_PORT', `http://127.0.0.1:${sandboxPort}`);
  if (badPort !== undefined) throw new LocalStartError(badPort);
  return {
    kind: 'sandbox',
    port: sandboxPort,
    apiKey: env.LOCAL_MERCHANT_API_KEY || 'sandbox-api-key',
    ...(seed ? { seed: Number(seed) } : {}),
    ...(profile ? { profile } : {}),
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log('PAYON Serverless — local system');
  const system = await startLocal({
    apiPort: port('LOCAL_API_PORT', 3_000),
    dynamoPort: port('LOCAL_DYNAMO_PORT', 8_000),
    awsPort: port('LOCAL_AWS_PORT', 5_000),
    payon: payonTarget(),
    corsOrigins: list(env.CORS_ALLOWED_ORIGINS),
    returnOrigins: list(env.RETURN_URL_ORIGINS),
    settings: Object.fromEntries(PASSED_THROUGH.map((name) => [name, env[name]])),
    sweepIntervalMs: seconds('LOCAL_SWEEP_SECONDS', 10) * 1_000,
    log: (line) => console.log(line),
  });
  console.log('');
  console.log(`Ready in ${((Date.now() - started) / 1_000).toFixed(1)} s`);
  console.log(`  API            ${system.apiUrl}`);
  console.log(
    `  PAYON          ${system.payonUrl}${system.sandbox ? '  (sandbox; admin: /_sandbox/state)' : ''}`,
  );
  console.log(`  DynamoDB       ${system.dynamoEndpoint}  table ${system.tableName}`);
  console.log(`  Secrets        ${system.awsEndpoint}  secret ${system.secretId}`);
  console.log(`  Events         ${system.eventBus}`);
  if (system.demoWebhook) {
    console.log(
      `  Webhooks       ${system.demoWebhook.url}  (the demo shop's receiver; GET it for what it verified)`,
    );
  }
  console.log(
    `  PAYON pushes   ${system.notifyUrl.replace(/[^/]+$/, '<token>')}  (token in secret ${system.secretId})`,
  );
  console.log('');
  console.log('Create a payment:');
  console.log(`  ${system.exampleCurl}`);
  if (system.sandbox) {
    console.log('Then open its checkoutUrl in a browser, or pay it without one:');
    console.log(
      `  curl -sS -X POST ${system.payonUrl}/_sandbox/payments/<id>/pay -H 'content-type: application/json' -d '{"outcome":"approve"}'`,
    );
  } else {
    console.log('Then open its checkoutUrl in a browser and pay it there:');
  }
  console.log(`  curl -sS '${system.apiUrl}/payments/<id>?sync=true'`);
  console.log('');
  console.log('Stop with Ctrl-C.');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping …`);
    system.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof LocalStartError) {
    console.error(`✗ ${error.message}`);
  } else {
    console.error(
      `✗ the local system could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  process.exit(1);
});
