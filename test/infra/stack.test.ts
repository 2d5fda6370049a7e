import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/routes.ts';
import { FUNCTION_ACCESS } from '#infra/access.ts';
import { TABLE_ACTIONS, TABLE_KEY_ACTIONS } from '#infra/constructs/payon-function.ts';
import { ACCESS_LOG_FIELDS, API_5XX_RATE_THRESHOLD } from '#infra/stack.ts';
import {
  CORS_ALLOWED_HEADERS,
  CORS_ALLOWED_METHODS,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from '#shared/http/cors.ts';
import { createTableInput } from '#shared/store/table.ts';
import {
  JWT_CONTEXT,
  logicalId,
  permissions,
  prop,
  type Resources,
  synth,
} from '#test/infra/synth.ts';

const ref = (id: string) => ({ Ref: id });
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const via = (service: string) => ({
  StringEquals: {
    'kms:ViaService': {
      'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']],
    },
  },
});

function ids() {
  const s = synth();
  return {
    s,
    key: logicalId(s, s.stack.key),
    table: logicalId(s, s.stack.table),
    secret: logicalId(s, s.stack.merchantSecret),
    topic: logicalId(s, s.stack.alarmTopic),
  };
}

describe('PayonStack data', () => {
  it('creates the table exactly as createTableInput, on demand, with TTL on ttl', () => {
    const { s } = ids();
    const expected = createTableInput('payon-dev');
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'payon-dev',
      BillingMode: expected.BillingMode,
      AttributeDefinitions: expected.AttributeDefinitions,
      KeySchema: expected.KeySchema,
      GlobalSecondaryIndexes: expected.GlobalSecondaryIndexes,
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('protects the table: PITR, deletion protection, retained, encrypted with the stack key', () => {
    const { s, key } = ids();
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arn(key) },
      }),
    });
  });

  it('uses one retained customer-managed key with rotation that CloudWatch Logs may use', () => {
    const { s } = ids();
    s.template.resourceCountIs('AWS::KMS::Key', 1);
    s.template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: {
                Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
              },
              Action: Match.arrayWith(['kms:Decrypt*', 'kms:GenerateDataKey*']),
              Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
            }),
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      }),
    });
    s.template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/payon-dev' });
  });

  it('creates one retained, KMS-encrypted merchant secret per stage with a generated notification token', () => {
    const { s, key } = ids();
    s.template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        Name: 'payon/dev',
        Description: Match.anyValue(),
        KmsKeyId: arn(key),
        GenerateSecretString: {
          GenerateStringKey: 'notificationToken',
          PasswordLength: 48,
          ExcludePunctuation: true,
          IncludeSpace: false,
          SecretStringTemplate:
            '{"merchantId":"","termId":"","apiKey":"","signingScheme":"hmac-sha256"}',
        },
      },
    });
    const prod = synth({ stage: 'prod' }).template;
    prod.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'payon/prod' });
    prod.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'payon-prod' });
  });

  it('puts no secret value in the template', () => {
    const { s } = ids();
    const secret = Object.values(s.template.findResources('AWS::SecretsManager::Secret'))[0];
    expect(secret?.Properties).not.toHaveProperty('SecretString');
  });

  it('encrypts every log group with the key and keeps it 90 days', () => {
    const { s, key } = ids();
    const groups = Object.values(s.template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(ROUTES.length + 1); // one per function + API access logs
    for (const group of groups) {
      expect(group.Properties).toMatchObject({ RetentionInDays: 90, KmsKeyId: arn(key) });
      expect(group.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('PayonStack functions', () => {
  it('lists the least privilege of exactly the functions of the route table', () => {
    expect(Object.keys(FUNCTION_ACCESS).sort()).toEqual(
      [...new Set(ROUTES.map((r) => r.function))].sort(),
    );
    expect(FUNCTION_ACCESS['list-transactions']).toEqual({ merchantSecret: true });
    expect(FUNCTION_ACCESS['payment-return']).toEqual({ table: 'read', merchantSecret: false });
  });

  it.each(ROUTES.map((r) => r.function))(
    '%s runs on nodejs24.x arm64, traced, 512 MB, 25 s, JSON logs to its own group',
    (operation) => {
      const { s } = ids();
      const fn = s.stack.functions.get(operation);
      if (!fn) throw new Error(operation);
      const resources = s.template.toJSON().Resources as Resources;
      expect(resources[logicalId(s, fn.function)]?.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        Timeout: 25,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(logicalId(s, fn.logGroup)) },
        Description: `PAYON ${operation}`,
      });
    },
  );

  it.each(ROUTES.map((r) => r.function))(
    '%s gets configuration only: names, never a secret value',
    (operation) => {
      const { s, table } = ids();
      const fn = s.stack.functions.get(operation);
      if (!fn) throw new Error(operation);
      const resources = s.template.toJSON().Resources as Resources;
      const env = prop<{ Variables: Record<string, unknown> }>(
        resources[logicalId(s, fn.function)],
        'Environment',
      ).Variables;
      expect(env).toEqual({
        STAGE: 'dev',
        PAYON_ENVIRONMENT: 'TEST',
        PAYON_SECRET_ID: 'payon/dev',
        TABLE_NAME: ref(table),
        POWERTOOLS_SERVICE_NAME: 'payon-dev',
        POWERTOOLS_METRICS_NAMESPACE: 'PayonServerless',
        NODE_OPTIONS: '--enable-source-maps',
      });
    },
  );

  it('passes PAYON_BASE_URL and RETURN_URL_ORIGINS from context', () => {
    const { template } = synth({
      payonBaseUrl: 'https://payon-proxy.shop.example.com',
      returnUrlOrigins: 'https://shop.example.com,https://m.shop.example.com',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PAYON_BASE_URL: 'https://payon-proxy.shop.example.com',
          RETURN_URL_ORIGINS: 'https://shop.example.com,https://m.shop.example.com',
        }),
      },
    });
  });

  it.each(ROUTES.map((r) => r.function))(
    '%s has exactly its least privilege: named actions on named ARNs',
    (operation) => {
      const { s, key, table, secret } = ids();
      const access = FUNCTION_ACCESS[operation];
      const fn = s.stack.functions.get(operation);
      if (!access || !fn) throw new Error(operation);
      const expected = [
        ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
          action,
          resource: arn(logicalId(s, fn.logGroup)),
          condition: undefined,
        })),
        ...['xray:PutTraceSegments', 'xray:PutTelemetryRecords'].map((action) => ({
          action,
          resource: '*',
          condition: undefined,
        })),
        ...(access.table
          ? [
              ...TABLE_ACTIONS[access.table].map((action) => ({
                action,
                resource: arn(table),
                condition: undefined,
              })),
              ...TABLE_KEY_ACTIONS[access.table].map((action) => ({
                action,
                resource: arn(key),
                condition: via('dynamodb'),
              })),
            ]
          : []),
        ...(access.merchantSecret
          ? [
              {
                action: 'secretsmanager:GetSecretValue',
                resource: ref(secret),
                condition: undefined,
              },
              { action: 'kms:Decrypt', resource: arn(key), condition: via('secretsmanager') },
            ]
          : []),
      ].map((p) => ({ effect: 'Allow', ...p }));
      expect(permissions(s, operation)).toEqual(expected);
    },
  );

  it('keeps the public return function away from the secret and list-transactions away from the table', () => {
    const { s } = ids();
    const actions = (op: string) => permissions(s, op).map((p) => p.action);
    expect(actions('payment-return').filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:GetItem',
    ]);
    expect(actions('payment-return').some((a) => a.startsWith('secretsmanager:'))).toBe(false);
    expect(actions('list-transactions').some((a) => a.startsWith('dynamodb:'))).toBe(false);
  });

  it('gives roles no inline policy and no AWS managed policy', () => {
    const { s } = ids();
    s.template.resourceCountIs('AWS::IAM::Policy', 0);
    for (const role of Object.values(s.template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
      expect(role.Properties).not.toHaveProperty('Policies');
    }
  });
});

describe('PayonStack API', () => {
  it('routes every entry of the route table to its function with payload 2.0', () => {
    const { s } = ids();
    const resources = s.template.toJSON().Resources as Resources;
    for (const route of ROUTES) {
      const fn = s.stack.functions.get(route.function);
      if (!fn) throw new Error(route.function);
      const [routeResource] = Object.values(
        s.template.findResources('AWS::ApiGatewayV2::Route', {
          Properties: { RouteKey: `${route.method} ${route.path}` },
        }),
      );
      const target = prop<{ 'Fn::Join': [string, unknown[]] }>(routeResource, 'Target')[
        'Fn::Join'
      ][1][1] as {
        Ref: string;
      };
      expect(resources[target.Ref]?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: arn(logicalId(s, fn.function)),
      });
    }
    s.template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
  });

  it('puts the JWT authorizer from context on merchant routes and none on public ones', () => {
    const { s } = ids();
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: JWT_CONTEXT.jwtIssuer, Audience: [JWT_CONTEXT.jwtAudience] },
    });
    const [authorizer] = Object.keys(s.template.findResources('AWS::ApiGatewayV2::Authorizer'));
    for (const route of ROUTES) {
      const [found] = Object.values(
        s.template.findResources('AWS::ApiGatewayV2::Route', {
          Properties: { RouteKey: `${route.method} ${route.path}` },
        }),
      );
      if (route.access === 'merchant') {
        expect(found?.Properties).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: ref(authorizer ?? ''),
        });
      } else {
        expect(found?.Properties?.AuthorizationType).toBe('NONE');
        expect(found?.Properties).not.toHaveProperty('AuthorizerId');
      }
    }
  });

  it('uses IAM authorization on merchant routes with auth=iam', () => {
    const { template } = synth({ auth: 'iam' });
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    for (const route of ROUTES) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        AuthorizationType: route.access === 'merchant' ? 'AWS_IAM' : 'NONE',
      });
    }
  });

  it('throttles the default stage and writes JSON access logs without bodies or headers', () => {
    const { s } = ids();
    const accessLogs = logicalId(
      s,
      s.stack.node.findChild('ApiAccessLogs') as unknown as { node: { defaultChild?: unknown } },
    );
    const [stage] = Object.values(s.template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
      AccessLogSettings: { DestinationArn: arn(accessLogs) },
    });
    const format = JSON.parse(
      prop<{ Format: string }>(stage, 'AccessLogSettings').Format,
    ) as Record<string, string>;
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    expect(JSON.stringify(format)).not.toMatch(/body|header|authorization/i);
    synth({ throttleRateLimit: '20', throttleBurstLimit: '40' }).template.hasResourceProperties(
      'AWS::ApiGatewayV2::Stage',
      { DefaultRouteSettings: { ThrottlingBurstLimit: 40, ThrottlingRateLimit: 20 } },
    );
  });

  it('answers CORS only for the allowlisted origins, with the headers of #shared/http/cors.ts', () => {
    const { s } = ids();
    expect(
      Object.values(s.template.findResources('AWS::ApiGatewayV2::Api'))[0]?.Properties,
    ).not.toHaveProperty('CorsConfiguration');
    synth({
      corsOrigins: 'https://shop.example.com, https://admin.shop.example.com',
    }).template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['https://shop.example.com', 'https://admin.shop.example.com'],
        AllowMethods: [...CORS_ALLOWED_METHODS],
        AllowHeaders: [...CORS_ALLOWED_HEADERS],
        ExposeHeaders: [...CORS_EXPOSED_HEADERS],
        MaxAge: CORS_MAX_AGE_SECONDS,
      },
    });
  });
});

describe('PayonStack operations', () => {
  it('alarms on each function’s errors and throttles and on the API 5xx rate, to the encrypted topic', () => {
    const { s, key, topic } = ids();
    s.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arn(key) });
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    for (const [operation, fn] of s.stack.functions) {
      for (const metric of ['Errors', 'Throttles']) {
        s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: ref(logicalId(s, fn.function)) }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [ref(topic)],
          AlarmDescription: Match.stringLikeRegexp(operation),
        });
      }
    }
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: ref(logicalId(s, s.stack.api)) }],
      Statistic: 'Average',
      Threshold: API_5XX_RATE_THRESHOLD,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [ref(topic)],
    });
    s.template.resourceCountIs('AWS::CloudWatch::Alarm', 2 * s.stack.functions.size + 1);
    s.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes alarmEmail to the topic', () => {
    synth({ alarmEmail: 'ops@shop.example.com' }).template.hasResourceProperties(
      'AWS::SNS::Subscription',
      { Protocol: 'email', Endpoint: 'ops@shop.example.com' },
    );
  });

  it('has a dashboard and outputs the API URL, table, secret name and alarm topic', () => {
    const { s, table, topic } = ids();
    s.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'payon-dev' });
    s.template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    s.template.hasOutput('TableName', { Value: ref(table) });
    s.template.hasOutput('MerchantSecretName', { Value: 'payon/dev' });
    s.template.hasOutput('AlarmTopicArn', { Value: ref(topic) });
    expect(Object.keys(s.template.findOutputs('EgressIp'))).toEqual([]);
    s.template.resourceCountIs('AWS::EC2::VPC', 0);
  });
});

describe('PayonStack fixed egress', () => {
  it('puts the functions in private subnets behind one NAT gateway and outputs its Elastic IP', () => {
    const s = synth({ fixedEgress: 'true' });
    const { template, stack } = s;
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::EIP', 1);
    const [eip] = Object.keys(template.findResources('AWS::EC2::EIP'));
    template.hasResourceProperties('AWS::EC2::NatGateway', {
      AllocationId: { 'Fn::GetAtt': [eip, 'AllocationId'] },
    });
    template.hasOutput('EgressIp', { Value: { 'Fn::GetAtt': [eip, 'PublicIp'] } });
    const privateSubnets = stack.vpc?.privateSubnets.map((subnet) =>
      ref(stack.getLogicalId(subnet.node.defaultChild as Parameters<typeof stack.getLogicalId>[0])),
    );
    const [sg] = Object.keys(template.findResources('AWS::EC2::SecurityGroup'));
    for (const fn of stack.functions.values()) {
      const resources = template.toJSON().Resources as Resources;
      expect(resources[logicalId(s, fn.function)]?.Properties?.VpcConfig).toEqual({
        SubnetIds: privateSubnets,
        SecurityGroupIds: [{ 'Fn::GetAtt': [sg, 'GroupId'] }],
      });
    }
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
        Match.objectLike({
          CidrIp: '0.0.0.0/0',
          IpProtocol: 'tcp',
          FromPort: 36605,
          ToPort: 36605,
        }),
      ],
    });
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
  });
});
