#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { type ContextKey, readStackConfig, StackConfigError } from '#infra/config.ts';
import { PayonStack } from '#infra/stack.ts';

// `cdk deploy -c stage=prod ...` deploys another, independent copy (its own key, table, secret).
const app = new App();
// The region: `-c region=…`, else the one the CLI deploys to (AWS_REGION or the profile's).
const region: string | undefined =
  app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION ?? undefined;
const account = () => {
  const id = process.env.CDK_DEFAULT_ACCOUNT;
  return id ? { account: id } : {};
};
try {
  const config = readStackConfig((key: ContextKey) => app.node.tryGetContext(key));
  new PayonStack(app, `Payon-${config.stage}`, {
    config,
    description: `PAYON Serverless (${config.stage}, ${config.payonEnvironment})`,
    ...(region ? { env: { region, ...account() } } : {}),
  });
} catch (error) {
  if (!(error instanceof StackConfigError)) throw error;
  // A setting to fix, not a bug: the message and the fix, never a stack trace.
  process.stderr.write(
    `✗ ${error.message}\n  Fix it in cdk.json's "context" or with -c <key>=<value>; every key is listed in docs/deployment.md#context-keys.\n`,
  );
  process.exit(1);
}
// Synth fails on any unacknowledged finding; acknowledgements live in infra/nag-suppressions.ts.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app),
  new ServerlessChecks(app),
  new PCIDSS321Checks(app),
);
