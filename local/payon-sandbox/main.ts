/**
 * CLI: tsx local/payon-sandbox/main.ts [--port N] [--host 127.0.0.1] [--config file.json]
 *                                      [--snapshot file.json] [--seed N] [--profile NAME]
 * Flags win over environment variables (PAYON_SANDBOX_PORT, PAYON_SANDBOX_HOST,
 * PAYON_SANDBOX_CONFIG, PAYON_SANDBOX_SNAPSHOT, PAYON_SANDBOX_SEED, PAYON_SANDBOX_PROFILE), which
 * win over the config file.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, readOptionsFile, type SandboxOptions } from './config.ts';
import { PROFILE_NAMES, type ProfileName } from './profiles.ts';
import { startSandbox } from './server.ts';

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`${name} must be a whole number, got ${value}`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      snapshot: { type: 'string' },
      seed: { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(
      'Usage: tsx local/payon-sandbox/main.ts [--port N] [--host 127.0.0.1] [--config file.json] [--snapshot file.json] [--seed N] [--profile default|literal|ambiguous|hostile]',
    );
    return;
  }
  // biome-ignore lint/style/noProcessEnv: the CLI is the sandbox's one reader of its env fallbacks.
  const env = process.env;
  const configFile = values.config ?? env.PAYON_SANDBOX_CONFIG;
  const options: SandboxOptions = configFile ? readOptionsFile(configFile) : {};
  const port = integer('--port', values.port ?? env.PAYON_SANDBOX_PORT);
  if (port !== undefined) options.port = port;
  options.port ??= DEFAULT_PORT;
  const host = values.host ?? env.PAYON_SANDBOX_HOST;
  if (host) options.host = host;
  const snapshot = values.snapshot ?? env.PAYON_SANDBOX_SNAPSHOT;
  if (snapshot) options.snapshotFile = snapshot;
  const seed = integer('--seed', values.seed ?? env.PAYON_SANDBOX_SEED);
  if (seed !== undefined) options.seed = seed;
  const profile = values.profile ?? env.PAYON_SANDBOX_PROFILE;
  if (profile) {
    if (!PROFILE_NAMES.includes(profile as ProfileName)) {
      throw new Error(`--profile must be one of ${PROFILE_NAMES.join(', ')}, got ${profile}`);
    }
    options.profile = profile as ProfileName;
  }

  const sandbox = await startSandbox(options);
  const lines = [
    `PAYON sandbox listening on ${sandbox.url}`,
    `  checkout links:  ${sandbox.publicUrl}/checkout/{txId}`,
    `  admin API:       ${sandbox.url}/_sandbox/state`,
    `  PAYON public key: ${sandbox.url}/_sandbox/payon-public-key`,
    `  seed:            ${sandbox.seed}`,
    `  profile:         ${sandbox.profile()}`,
    ...sandbox.merchants.map(
      (m) =>
        `  merchant:        ${m.merchantId} / ${m.termId}  apiKey ${m.apiKey}  sign ${m.signingScheme}`,
    ),
    ...(options.snapshotFile ? [`  snapshot:        ${options.snapshotFile}`] : []),
    '  stop with Ctrl+C (SIGINT) or SIGTERM',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, stopping the PAYON sandbox`);
    sandbox.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`payon-sandbox: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
