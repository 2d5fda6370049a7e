#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { PayonStack } from '#infra/stack.ts';

// `cdk deploy -c stage=prod` deploys another, independent copy (its own secret and resources).
const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
new PayonStack(app, `Payon-${stage}`, { stage });
