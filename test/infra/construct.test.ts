import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { StackConfigError } from '#infra/config.ts';
import { PayonPayments } from '#infra/payments.ts';
import { CDK_JSON_CONTEXT, REGION } from '#test/infra/synth.ts';

/** A merchant's own app and stack, with the construct inside and something of its own beside it. */
function merchantStack(
  settings: ConstructorParameters<typeof PayonPayments>[2],
  env: { region?: string } = { region: REGION },
) {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'ShopBackend', { env });
  const payments = new PayonPayments(stack, 'Payments', settings);
  return { stack, payments, template: Template.fromStack(stack) };
}

describe('PayonPayments in a merchant’s own stack', () => {
  it('deploys from typed settings, checked as cdk.json context is', () => {
    const { payments, template } = merchantStack({
      settings: {
        stage: 'prod',
        auth: 'iam',
        txIdLeadingDigit: 3,
        fixedEgress: false,
        alarmEmail: 'ops@shop.example.com',
      },
    });

    expect(payments.config).toMatchObject({ stage: 'prod', auth: { type: 'iam' } });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'payon-prod' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'payon/prod' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { TXID_LEADING_DIGIT: '3' } },
    });
    expect(payments.functions.size).toBeGreaterThan(15);
  });

  it('refuses a bad setting with the same message as cdk synth', () => {
    expect(() => merchantStack({ settings: { auth: 'bogus' } })).toThrow(StackConfigError);
    expect(() => merchantStack({ settings: { auth: 'bogus' } })).toThrow(
      'Context auth must be jwt or iam (got "bogus").',
    );
  });

  it('refuses a stack without a region, saying how to give one', () => {
    expect(() => merchantStack({ settings: { auth: 'iam' } }, {})).toThrow(
      /needs a stack with a region.*-c region=/,
    );
  });

  it('brings its cdk-nag acknowledgements along: no finding in the merchant’s stack', () => {
    const { stack } = merchantStack({ settings: { auth: 'iam' } });
    const findings = [new AwsSolutionsChecks(), new ServerlessChecks(), new PCIDSS321Checks()]
      .flatMap((pack) => pack.validateScope(stack).violations)
      .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });
});
