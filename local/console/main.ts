/**
 * `npm run console -- --api <ApiUrl> [--auth iam|jwt] [--region <region>] [--port <port>]`: the
 * operator console against a deployed stage (local/console/proxy.ts; README, "Operator console").
 * AWS credentials come from the SDK's default chain (AWS_PROFILE, SSO, environment); with
 * `--auth jwt`, CONSOLE_JWT is the merchant routes' bearer token.
 */
import { parseArgs } from 'node:util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { ConsoleProxyError, startConsoleProxy } from '#local/console/proxy.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      api: { type: 'string' },
      auth: { type: 'string', default: 'jwt' },
      region: { type: 'string' },
      port: { type: 'string', default: '3100' },
    },
  });
  if (!values.api) {
    throw new ConsoleProxyError(
      'give --api: the stack output ApiUrl (npm run console -- --api https://….execute-api.<region>.amazonaws.com --auth iam)',
    );
  }
  if (values.auth !== 'iam' && values.auth !== 'jwt') {
    throw new ConsoleProxyError(
      `--auth must be iam or jwt, as the stack output AuthMode (got "${values.auth}")`,
    );
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConsoleProxyError(`--port must be a port number (got "${values.port}")`);
  }
  const proxy = await startConsoleProxy({
    api: values.api,
    auth: values.auth,
    // biome-ignore lint/style/noProcessEnv: the console's own CLI setting; handlers never read it.
    jwt: process.env.CONSOLE_JWT,
    region: values.region,
    credentials: defaultProvider(),
    port,
  });
  console.log(
    `Operator console for ${values.api} (${values.auth === 'iam' ? 'IAM' : 'JWT, operator routes IAM'})`,
  );
  console.log(`  open ${proxy.url}/console/`);
  console.log('Stop with Ctrl-C.');
  const stop = () => proxy.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(
    `✗ ${error instanceof ConsoleProxyError ? error.message : `the console could not start: ${error instanceof Error ? error.message : String(error)}`}`,
  );
  process.exit(1);
});
