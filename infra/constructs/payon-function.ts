/**
 * The house Lambda: every default a PAYON function has, in one construct, and typed helpers that
 * grant a resource and wire its name in one call.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IVpc, type SecurityGroup, SubnetType, type Vpc } from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  type CfnFunction,
  Code,
  type FunctionProps,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { RECONCILE_REQUEST } from '#shared/reconciliation/starter.ts';
import type { TableAccess } from '#shared/runtime/descriptor.ts';
import { WEBHOOK_SECRET_PURPOSE } from '#shared/webhooks/secrets.ts';

/**
 * DynamoDB actions per access level, on the table ARN only (no index ARN): a function that
 * queries an index gets Query on that index alone (`useIndex`).
 */
export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: ['dynamodb:GetItem'],
  readWrite: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
};

/** KMS actions on the table's key, usable only through DynamoDB (kms:ViaService). */
export const TABLE_KEY_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: ['kms:Decrypt'],
  readWrite: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
};

/** What an SQS event source needs on its queue (AWS's AWSLambdaSQSQueueExecutionRole, no more). */
export const QUEUE_CONSUME_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
] as const;

/** A table as the construct needs it (the stack's `TableV2` fits). */
export interface TableRef {
  readonly tableArn: string;
  readonly tableName: string;
  readonly encryptionKey?: IKey | undefined;
}

export interface PayonFunctionProps {
  /** Folder under functions/ holding handler.ts (exporting `handler`). */
  readonly operation: string;
  /** The stack's customer-managed key: encrypts the function's log group. */
  readonly key: IKey;
  /** Configuration only (see infra/config.ts `functionEnvironment`), never a secret value. */
  readonly environment: Readonly<Record<string, string>>;
  /** With fixed egress: the VPC whose private subnets route through the NAT gateway. */
  readonly vpc?: Vpc;
  readonly securityGroup?: SecurityGroup;
  /** Defaults to FUNCTION_TIMEOUT (API functions); the sweep runs longer. */
  readonly timeout?: Duration;
  /** Concurrency kept for this function alone (and its ceiling); none by default. */
  readonly reservedConcurrency?: number;
  /**
   * Bundle the SDK tracer (Powertools with the X-Ray SDK: a subsegment per AWS call) on top of
   * Lambda's active tracing; the stack's `sdkTracer` context. Off by default (shared/runtime/tracing.ts).
   */
  readonly sdkTracer?: boolean;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where the installed package keeps its functions, bundled when it was packed
 * (`scripts/package/build.ts`): `functions/<operation>/index.mjs` beside the bundled construct
 * (`dist/construct.js`). In this repo there is no such folder, and each function is bundled from
 * its source at synth (esbuild), as `cdk deploy` always did; the bundles are the same ones, since
 * the package build takes them from such a synth.
 */
const PREBUILT_ROOT = fileURLToPath(new URL('./functions/', import.meta.url));

/** The function's pre-bundled folder when the package ships one, else undefined. */
export function prebuiltBundle(operation: string): string | undefined {
  const folder = join(PREBUILT_ROOT, operation);
  return existsSync(join(folder, 'index.mjs')) ? folder : undefined;
}

/**
 * PAYON_TIMEOUT_MS (8 s) × at most 2 attempts (the client re-reads the secret and retries once
 * after a 401) = 16 s, plus DynamoDB and Secrets Manager calls and a cold start: 25 s. API
 * Gateway's integration limit is 30 s, so the function always answers before the API gives up.
 */
export const FUNCTION_TIMEOUT = Duration.seconds(25);
/** 512 MB: node-forge RSA and the SDK clients cold-start in well under a second at this size. */
export const FUNCTION_MEMORY_MB = 512;
export const LOG_RETENTION = RetentionDays.THREE_MONTHS;

/**
 * CJS dependencies (node-forge; aws-xray-sdk-core with the SDK tracer) call `require` inside the ESM bundle; esbuild's
 * shim forwards to a global `require`, which this banner defines.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __payonCreateRequire } from 'node:module'; const require = __payonCreateRequire(import.meta.url);";

/**
 * Packages replaced in every bundle, paths from the repository root: the AWS SDK's credential
 * chain by the environment's credentials, all a Lambda function has (shared/runtime/lambda-credentials.ts).
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './shared/runtime/lambda-credentials.ts',
};

/** The package.json condition that resolves `#tracing` to the SDK tracer (shared/runtime/tracing-sdk.ts). */
export const SDK_TRACER_CONDITION = 'payon-sdk-tracer';

/**
 * esbuild's conditions for a bundle: none beyond the defaults, or the SDK tracer's (and `module`,
 * which esbuild drops from its defaults once any condition is given).
 */
export function bundleConditions(sdkTracer: boolean): string[] | undefined {
  return sdkTracer ? [SDK_TRACER_CONDITION, 'module'] : undefined;
}

export class PayonFunction extends Construct {
  /** A NodejsFunction in this repo; a plain Function over the pre-bundled code when installed. */
  readonly function: LambdaFunction;
  readonly role: Role;
  /**
   * Everything the function may do, in one customer-managed policy (no inline policy, no AWS
   * managed policy): its log group, X-Ray, and what the `use*` and `consumeQueue` methods add.
   */
  readonly policy: ManagedPolicy;
  readonly logGroup: LogGroup;
  readonly operation: string;

  constructor(scope: Construct, id: string, props: PayonFunctionProps) {
    super(scope, id);
    this.operation = props.operation;
    const prebuilt = prebuiltBundle(props.operation);
    if (prebuilt && props.sdkTracer === true) {
      // The package ships the default bundles only; the SDK tracer's are built from the sources.
      throw new Error(
        'sdkTracer needs the functions built from the repo’s sources (the installed package ships them without the X-Ray SDK): deploy from a checkout of the repo, or leave sdkTracer off',
      );
    }
    const entry = `${REPO_ROOT}functions/${props.operation}/handler.ts`;
    if (!prebuilt && !existsSync(entry)) {
      throw new Error(`No handler for route function "${props.operation}": ${entry} is missing.`);
    }
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: LOG_RETENTION,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Our own role, without the AWS managed basic-execution policy.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `PAYON ${props.operation}: least privilege (functions/${props.operation}/, its descriptor's aws)`,
    });
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `PAYON ${props.operation}: least privilege (functions/${props.operation}/, its descriptor's aws)`,
      roles: [this.role],
    });
    this.allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [this.logGroup.logGroupArn]);
    // X-Ray's write actions have no resource-level permissions.
    this.allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']);
    if (props.vpc) {
      // What AWSLambdaVPCAccessExecutionRole grants; EC2 offers no resource-level scoping for it.
      this.allow(
        [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        ['*'],
      );
    }
    const common = {
      description: `PAYON ${props.operation}`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: FUNCTION_MEMORY_MB,
      timeout: props.timeout ?? FUNCTION_TIMEOUT,
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      ...(props.vpc
        ? {
            vpc: asIVpc(props.vpc),
            vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
            ...(props.securityGroup ? { securityGroups: [props.securityGroup] } : {}),
          }
        : {}),
    } satisfies Omit<FunctionProps, 'code' | 'handler'>;
    this.function = prebuilt
      ? new LambdaFunction(this, 'Function', {
          ...common,
          code: Code.fromAsset(prebuilt),
          handler: 'index.handler',
        })
      : new NodejsFunction(this, 'Function', {
          ...common,
          entry,
          handler: 'handler',
          projectRoot: REPO_ROOT,
          depsLockFilePath: `${REPO_ROOT}package-lock.json`,
          bundling: {
            format: OutputFormat.ESM,
            mainFields: ['module', 'main'],
            target: 'node24',
            minify: true,
            sourceMap: true,
            sourcesContent: false,
            banner: ESM_REQUIRE_BANNER,
            // Bundle the AWS SDK too: the version the tests ran is the version that runs.
            externalModules: [],
            esbuildArgs: bundlingArgs(props.sdkTracer === true),
          },
        });
    // Active tracing set on the resource: the `tracing` prop would add X-Ray to an inline policy.
    const cfnFunction = this.function.node.defaultChild as CfnFunction;
    cfnFunction.tracingConfig = { mode: 'Active' };
    // The policy exists before the function, or its first cold start may be denied. (Resource
    // level only: a construct dependency would repeat the role's GetAtt dependency, cfn-lint W3005.)
    cfnFunction.addResourceDependency(this.policy.node.defaultChild as CfnResource);
  }

  /** Grants exactly the table actions of `access` (and the key, through DynamoDB only) and sets TABLE_NAME. */
  useTable(table: TableRef, access: TableAccess): this {
    this.allow(TABLE_ACTIONS[access], [table.tableArn]);
    if (table.encryptionKey)
      this.useKeyVia(table.encryptionKey, 'dynamodb', TABLE_KEY_ACTIONS[access]);
    this.function.addEnvironment('TABLE_NAME', table.tableName);
    return this;
  }

  /** Query on one index of the table (the key through DynamoDB only comes with `useTable`). */
  useIndex(table: TableRef, indexName: string): this {
    this.allow(['dynamodb:Query'], [`${table.tableArn}/index/${indexName}`]);
    return this;
  }

  /** Query on the table itself (items of one partition; no index). */
  useTableQuery(table: TableRef): this {
    this.allow(['dynamodb:Query'], [table.tableArn]);
    return this;
  }

  /** BatchGetItem only on the table: reading many payments at once (the key comes with `useTable`). */
  useTableBatchReads(table: TableRef): this {
    this.allow(['dynamodb:BatchGetItem'], [table.tableArn]);
    return this;
  }

  /** BatchGetItem and BatchWriteItem on the table (the key comes with `useTable`). */
  useTableBatches(table: TableRef): this {
    this.allow(['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'], [table.tableArn]);
    return this;
  }

  /**
   * events:PutEvents on this bus with the reconciliation request's source and detail type only
   * (start-reconciliation: the bus's rule runs reconcile-day); the bus is EVENT_BUS_NAME already.
   */
  useReconcileRequests(bus: { readonly eventBusArn: string }): this {
    this.allow(['events:PutEvents'], [bus.eventBusArn], {
      StringEquals: {
        'events:source': RECONCILE_REQUEST.source,
        'events:detail-type': RECONCILE_REQUEST.detailType,
      },
    });
    return this;
  }

  /**
   * The webhook key: kms:Encrypt (`seal`: create, rotate) or kms:Decrypt (`open`: deliver), on
   * that key only and only for the webhook secrets' encryption context; sets WEBHOOK_KEY_ID.
   */
  useWebhookKey(key: { readonly keyArn: string }, mode: 'seal' | 'open'): this {
    this.allow([mode === 'seal' ? 'kms:Encrypt' : 'kms:Decrypt'], [key.keyArn], {
      StringEquals: { 'kms:EncryptionContext:purpose': WEBHOOK_SECRET_PURPOSE },
    });
    this.function.addEnvironment('WEBHOOK_KEY_ID', key.keyArn);
    return this;
  }

  /** events:PutEvents on this bus only, and EVENT_BUS_NAME. */
  useEventBus(bus: { readonly eventBusArn: string; readonly eventBusName: string }): this {
    this.allow(['events:PutEvents'], [bus.eventBusArn]);
    this.function.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    return this;
  }

  /** sqs:SendMessage on this queue only (and its key, through SQS only), and CONFIRM_QUEUE_URL. */
  useConfirmQueue(queue: {
    readonly queueArn: string;
    readonly queueUrl: string;
    readonly encryptionMasterKey?: IKey | undefined;
  }): this {
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
    if (queue.encryptionMasterKey)
      this.useKeyVia(queue.encryptionMasterKey, 'sqs', ['kms:GenerateDataKey', 'kms:Decrypt']);
    this.function.addEnvironment('CONFIRM_QUEUE_URL', queue.queueUrl);
    return this;
  }

  /**
   * What the Lambda service needs to poll this queue with the function's role (receive, delete,
   * attributes; the key through SQS only), in the managed policy: an event source's own grant
   * would add an inline policy.
   */
  consumeQueue(queue: {
    readonly queueArn: string;
    readonly encryptionMasterKey?: IKey | undefined;
  }): this {
    this.allow([...QUEUE_CONSUME_ACTIONS], [queue.queueArn]);
    if (queue.encryptionMasterKey)
      this.useKeyVia(queue.encryptionMasterKey, 'sqs', ['kms:Decrypt']);
    return this;
  }

  /**
   * Grants secretsmanager:GetSecretValue on this secret only (and kms:Decrypt on its key, through
   * Secrets Manager only) and sets PAYON_SECRET_ID to its name.
   */
  useMerchantSecret(secret: Secret, secretName: string): this {
    this.allow(['secretsmanager:GetSecretValue'], [secret.secretArn]);
    if (secret.encryptionKey)
      this.useKeyVia(secret.encryptionKey, 'secretsmanager', ['kms:Decrypt']);
    this.function.addEnvironment('PAYON_SECRET_ID', secretName);
    return this;
  }

  private useKeyVia(key: IKey, service: string, actions: readonly string[]): void {
    this.allow(actions, [key.keyArn], {
      StringEquals: { 'kms:ViaService': `${service}.${Stack.of(this).region}.amazonaws.com` },
    });
  }

  private allow(
    actions: readonly string[],
    resources: readonly string[],
    conditions?: Record<string, Record<string, string>>,
  ): void {
    this.policy.addStatements(
      new PolicyStatement({
        actions: [...actions],
        resources: [...resources],
        ...(conditions ? { conditions } : {}),
      }),
    );
  }
}

/** The aliases and conditions above as NodejsFunction's esbuild arguments (run from the repo root). */
export function bundlingArgs(sdkTracer: boolean): Record<string, string | string[]> {
  const conditions = bundleConditions(sdkTracer);
  return {
    '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`),
    ...(conditions ? { '--conditions': conditions.join(',') } : {}),
  };
}

/**
 * aws-cdk-lib's `Vpc` declares `vpnGatewayId?: string` where `IVpc` has `vpnGatewayId?: string`
 * without `| undefined`; under exactOptionalPropertyTypes the class no longer checks as its own
 * interface. It is one at runtime.
 */
export function asIVpc(vpc: Vpc): IVpc {
  return vpc as unknown as IVpc;
}
