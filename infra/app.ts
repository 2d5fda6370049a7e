#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { type ContextKey, readStackConfig } from '#infra/config.ts';
import { PayonStack } from '#infra/stack.ts';

// `cdk deploy -c stage=prod ...` deploys another, independent copy (its own key, table, secret).
const app = new App();
const config = readStackConfig((key: ContextKey) => app.node.tryGetContext(key));
new PayonStack(app, `Payon-${config.stage}`, {
  config,
  description: `PAYON Serverless (${config.stage}, ${config.payonEnvironment})`,
});
// Synth fails on any unacknowledged finding; acknowledgements live in infra/nag-suppressions.ts.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app),
  new ServerlessChecks(app),
  new PCIDSS321Checks(app),
);
