import { Stack, type StackProps } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

export interface PayonStackProps extends StackProps {
  /** Deployment stage; names the secret `payon/<stage>`. */
  readonly stage: string;
}

/**
 * The merchant's deployment. Today it holds the per-stage PAYON secret; the functions, API, table
 * and schedules are added by their issues.
 */
export class PayonStack extends Stack {
  readonly merchantSecret: Secret;

  constructor(scope: Construct, id: string, props: PayonStackProps) {
    super(scope, id, props);
    // Created with a random notification token and empty PAYON fields: the merchant fills them in
    // (docs/configuration.md). The functions refuse to run until it is complete, naming the fields.
    // No key material ever sits in the template.
    this.merchantSecret = new Secret(this, 'MerchantSecret', {
      secretName: `payon/${props.stage}`,
      description: 'PAYON merchant credentials (shape: docs/configuration.md)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          merchantId: '',
          termId: '',
          apiKey: '',
          signingScheme: 'hmac-sha256',
        }),
        generateStringKey: 'notificationToken',
        passwordLength: 48,
        excludePunctuation: true,
        includeSpace: false,
      },
    });
  }
}
