import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKGROUND_FUNCTIONS, ROUTES } from '#functions/index.ts';
import { readStackConfig } from '#infra/config.ts';
import { ESM_REQUIRE_BANNER } from '#infra/constructs/payon-function.ts';
import { PayonStack } from '#infra/stack.ts';
import { CDK_JSON_CONTEXT, JWT_CONTEXT, REGION } from '#test/infra/synth.ts';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** Synthesizes like `cdk synth` (nag plugins included) into a temporary cloud assembly. */
function synthToDisk(context: Record<string, string>, bundle: boolean): string {
  const outdir = mkdtempSync(join(tmpdir(), 'payon-synth-'));
  outdirs.push(outdir);
  const app = new App({
    outdir,
    context: {
      // As the CLI does: cdk.json's context, and each asset's path recorded on its resource.
      ...CDK_JSON_CONTEXT,
      'aws:cdk:enable-asset-metadata': true,
      ...JWT_CONTEXT,
      ...context,
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const config = readStackConfig((key) => app.node.tryGetContext(key));
  const stack = new PayonStack(app, `Payon-${config.stage}`, { config, env: { region: REGION } });
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
    new PCIDSS321Checks(app),
  );
  const assembly = app.synth();
  return assembly.getStackArtifact(stack.artifactId).templateFullPath;
}

function cfnLint(template: string) {
  // W3005 (a DependsOn already implied by a GetAtt) is the one check ignored: aws-cdk-lib's Function
  // always adds DependsOn on its role, which its Role GetAtt implies anyway. Harmless and not ours.
  const result = spawnSync(
    'cfn-lint',
    ['--template', template, '--format', 'parseable', '--ignore-checks', 'W3005'],
    {
      encoding: 'utf8',
    },
  );
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      'cfn-lint is not on PATH. Install it (pip install cfn-lint); CI has it. This check is never skipped.',
    );
  }
  return result;
}

describe('synthesized template', () => {
  it('bundles every handler as ESM for Node 24 and passes cfn-lint (real bundling)', {
    timeout: 120_000,
  }, () => {
    const templatePath = synthToDisk({}, true);
    const template = JSON.parse(readFileSync(templatePath, 'utf8')) as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    const functions = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    expect(functions).toHaveLength(
      new Set([...ROUTES, ...BACKGROUND_FUNCTIONS].map((f) => f.function)).size,
    );
    for (const fn of functions) {
      const asset = fn.Metadata?.['aws:asset:path'];
      if (!asset) throw new Error('function without asset metadata');
      const bundle = join(templatePath, '..', asset, 'index.mjs');
      const code = readFileSync(bundle, 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
      // CDK's esbuild got the alias and no tracer condition: no X-Ray SDK, no credential chain.
      expect(code).not.toContain('AWS_XRAY_CONTEXT_MISSING');
      expect(code).not.toContain('Could not load credentials from any providers');
      expect(existsSync(`${bundle}.map`)).toBe(true);
    }
    const lint = cfnLint(templatePath);
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
  });

  it('passes cfn-lint with fixed egress, IAM auth, CORS, an alarm e-mail, reserved concurrency and route throttles', () => {
    const lint = cfnLint(
      synthToDisk(
        {
          stage: 'prod',
          payonEnvironment: 'PRODUCTION',
          fixedEgress: 'true',
          auth: 'iam',
          corsOrigins: 'https://shop.example.com',
          alarmEmail: 'ops@shop.example.com',
          moneyReservedConcurrency: '10',
          webhookThrottleRate: '5',
          webhookThrottleBurst: '10',
          returnThrottleRate: '50',
          returnThrottleBurst: '100',
        },
        false,
      ),
    );
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
  });
});
