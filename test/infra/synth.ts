/**
 * Test stacks: synthesized from context exactly as infra/app.ts does, with asset bundling skipped
 * (`aws:cdk:bundling-stacks: []`) so a synth takes about a second. One test bundles for real
 * (cfn-lint.test.ts).
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readStackConfig } from '#infra/config.ts';
import { PayonStack } from '#infra/stack.ts';

export const JWT_CONTEXT = {
  jwtIssuer: 'https://auth.shop.example.com/',
  jwtAudience: 'payon-api',
} as const;

export interface Synthesized {
  readonly stack: PayonStack;
  readonly template: Template;
}

/** cdk.json's context (the feature flags and defaults `cdk synth` applies), as the CLI passes it. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

const cache = new Map<string, Synthesized>();

/** The region the test stacks are in (the table's key is named per region). */
export const REGION = 'ap-southeast-1';

/** A PayonStack from this context (JWT issuer and audience included unless overridden). */
export function synth(context: Record<string, string> = {}): Synthesized {
  const key = JSON.stringify(context);
  const hit = cache.get(key);
  if (hit) return hit;
  const ctx: Record<string, string> = { ...JWT_CONTEXT, ...context };
  const app = new App({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...ctx },
  });
  const config = readStackConfig((k) => app.node.tryGetContext(k));
  const stack = new PayonStack(app, `Payon-${config.stage}`, { config, env: { region: REGION } });
  const result = { stack, template: Template.fromStack(stack) };
  cache.set(key, result);
  return result;
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** The logical id of the construct's CloudFormation resource. */
export function logicalId(
  synthesized: Synthesized,
  construct: { node: { defaultChild?: unknown } },
) {
  const child = construct.node.defaultChild;
  if (child === undefined) throw new Error('construct has no CloudFormation resource');
  return synthesized.stack.getLogicalId(child as Parameters<PayonStack['getLogicalId']>[0]);
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** The statements of a function's managed policy, one action per entry, in order. */
export function permissions(synthesized: Synthesized, operation: string) {
  const fn = synthesized.stack.functions.get(operation);
  if (!fn) throw new Error(`no function ${operation}`);
  const resources = synthesized.template.toJSON().Resources as Resources;
  const policy = resources[logicalId(synthesized, fn.policy)];
  const document = policy?.Properties?.PolicyDocument as { Statement: Statement[] };
  return document.Statement.flatMap((s) =>
    (Array.isArray(s.Action) ? s.Action : [s.Action]).map((action) => ({
      effect: s.Effect,
      action,
      resource: s.Resource,
      condition: s.Condition,
    })),
  );
}

/** A resource's property, failing the test when it is missing. */
export function prop<T>(
  resource: { Properties?: Record<string, unknown> } | undefined,
  name: string,
): T {
  const value = resource?.Properties?.[name];
  if (value === undefined) throw new Error(`resource has no ${name}`);
  return value as T;
}
