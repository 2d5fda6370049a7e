import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PayonStack } from '#infra/stack.ts';

describe('PayonStack', () => {
  it('creates one merchant secret per stage with a generated notification token', () => {
    const template = Template.fromStack(new PayonStack(new App(), 'T', { stage: 'prod' }));

    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'payon/prod',
      GenerateSecretString: {
        GenerateStringKey: 'notificationToken',
        PasswordLength: 48,
        ExcludePunctuation: true,
        IncludeSpace: false,
        SecretStringTemplate:
          '{"merchantId":"","termId":"","apiKey":"","signingScheme":"hmac-sha256"}',
      },
    });
  });

  it('puts no secret value in the template', () => {
    const template = Template.fromStack(new PayonStack(new App(), 'T', { stage: 'dev' }));
    const secret = Object.values(template.findResources('AWS::SecretsManager::Secret'))[0];
    expect(secret?.Properties).not.toHaveProperty('SecretString');
  });
});
