import { describe, expect, it } from 'vitest';
import { getConfig, loadConfig } from '#shared/config/index.ts';
import { ConfigurationError } from '#shared/errors.ts';

const minimal = {
  STAGE: 'dev',
  PAYON_ENVIRONMENT: 'TEST',
  PAYON_SECRET_ID: 'payon/dev',
  TABLE_NAME: 'payon-dev',
  EVENT_BUS_NAME: 'payon-dev',
};

describe('configuration', () => {
  it('fills every default from a minimal environment', () => {
    expect(loadConfig(minimal)).toEqual({
      stage: 'dev',
      payon: {
        environment: 'TEST',
        baseUrl: 'http://pgtest.payon.com.kh:36605',
        timeoutMs: 8_000,
        rsaPadding: 'pkcs1',
        authHeader: undefined,
        paths: {
          createBinding: '/pg/binding/register',
          pinVerification: '/pg/binding/pinVerification',
        },
        bindingPinEncryption: 'rsa',
      },
      store: { tableName: 'payon-dev' },
      payments: {
        idempotencyTtlSeconds: 86_400,
        orderExpiryMinutes: 15,
        failureGraceMinutes: 10,
        txIdLeadingDigit: 1,
        returnUrlOrigins: [],
        returnFallbackUrl: '/return',
        currencies: ['USD'],
      },
      events: { busName: 'payon-dev' },
      notifications: { confirmQueueUrl: undefined, sourceCidrs: [] },
      bindings: { rateLimit: { limit: 10, windowMs: 900_000 } },
      reconciliation: { batchSize: 100 },
      webhooks: { keyId: undefined, allowLocalTargets: false },
      secrets: { merchantSecretId: 'payon/dev', cacheTtlMs: 300_000 },
    });
  });

  it('reads the notification settings and refuses a bad CIDR, naming it', () => {
    const config = loadConfig({
      ...minimal,
      CONFIRM_QUEUE_URL: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/confirm',
      NOTIFY_SOURCE_CIDRS: '203.0.113.0/24, 198.51.100.7, 2001:db8::/32',
    });
    expect(config.notifications).toEqual({
      confirmQueueUrl: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/confirm',
      sourceCidrs: ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'],
    });
    for (const bad of ['203.0.113.0/33', '2001:db8::/129', 'example.com', '10.0.0.0/8/1']) {
      expect(() => loadConfig({ ...minimal, NOTIFY_SOURCE_CIDRS: bad })).toThrow(
        /NOTIFY_SOURCE_CIDRS must be optional; comma-separated IPv4\/IPv6 CIDRs/,
      );
    }
  });

  it('reads the reconciliation batch size and refuses one PAYON would not take', () => {
    expect(loadConfig(minimal).reconciliation).toEqual({ batchSize: 100 });
    expect(loadConfig({ ...minimal, RECONCILE_BATCH_SIZE: '25' }).reconciliation.batchSize).toBe(
      25,
    );
    expect(() => loadConfig({ ...minimal, RECONCILE_BATCH_SIZE: '0' })).toThrow(
      /RECONCILE_BATCH_SIZE/,
    );
  });

  it('reads the payment settings', () => {
    const config = loadConfig({
      ...minimal,
      IDEMPOTENCY_TTL_HOURS: '48',
      ORDER_EXPIRY_MINUTES: '30',
      FAILURE_GRACE_MINUTES: '0',
      TXID_LEADING_DIGIT: '3',
      RETURN_URL_ORIGINS: 'https://shop.example.com, http://localhost:3000',
      KHR_ENABLED: 'true',
    });
    expect(config.payments).toEqual({
      idempotencyTtlSeconds: 172_800,
      orderExpiryMinutes: 30,
      failureGraceMinutes: 0,
      txIdLeadingDigit: 3,
      returnUrlOrigins: ['https://shop.example.com', 'http://localhost:3000'],
      returnFallbackUrl: '/return',
      currencies: ['USD', 'KHR'],
    });
  });

  it('takes only USD unless KHR_ENABLED is true, and refuses another spelling of the switch', () => {
    expect(loadConfig(minimal).payments.currencies).toEqual(['USD']);
    expect(loadConfig({ ...minimal, KHR_ENABLED: 'false' }).payments.currencies).toEqual(['USD']);
    expect(() => loadConfig({ ...minimal, KHR_ENABLED: 'yes' })).toThrow(/KHR_ENABLED must be/);
  });

  it('uses PAYON production over HTTPS on port 35505', () => {
    const config = loadConfig({ ...minimal, PAYON_ENVIRONMENT: 'PRODUCTION' });
    expect(config.payon.baseUrl).toBe('https://pg.payon.com.kh:35505');
  });

  it('takes every optional setting when given', () => {
    const config = loadConfig({
      ...minimal,
      PAYON_BASE_URL: 'http://127.0.0.1:4010/',
      PAYON_TIMEOUT_MS: '2500',
      PAYON_RSA_PADDING: 'oaep-sha256',
      PAYON_AUTH_HEADER: 'Authentication',
      SECRET_CACHE_TTL_SECONDS: '0',
      PAYON_SECRET_ID: 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:payon/dev-AbCdEf',
      PAYON_CREATE_BINDING_PATH: '/pg/createBinding',
      PAYON_PIN_VERIFICATION_PATH: '/pg/binding/togglePin',
      PAYON_BINDING_PIN_ENCRYPTION: 'plain',
    });
    expect(config.payon).toEqual({
      environment: 'TEST',
      baseUrl: 'http://127.0.0.1:4010',
      timeoutMs: 2_500,
      rsaPadding: 'oaep-sha256',
      authHeader: 'Authentication',
      paths: { createBinding: '/pg/createBinding', pinVerification: '/pg/binding/togglePin' },
      bindingPinEncryption: 'plain',
    });
    expect(config.secrets).toEqual({
      merchantSecretId:
        'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:payon/dev-AbCdEf',
      cacheTtlMs: 0,
    });
  });

  it('treats blank values as not set', () => {
    const config = loadConfig({ ...minimal, PAYON_TIMEOUT_MS: '  ', PAYON_AUTH_HEADER: '' });
    expect(config.payon.timeoutMs).toBe(8_000);
    expect(config.payon.authHeader).toBeUndefined();
  });

  it('names every missing variable in one message', () => {
    expect(() => loadConfig({})).toThrow(
      new ConfigurationError(
        'Invalid configuration: ' +
          'STAGE must be required; deployment stage, 1-32 of a-z 0-9 - (it is not set); ' +
          'PAYON_ENVIRONMENT must be required; TEST or PRODUCTION (it is not set); ' +
          'PAYON_SECRET_ID must be required; name or ARN of the merchant secret in Secrets Manager (it is not set); ' +
          'TABLE_NAME must be required; the DynamoDB table name (it is not set); ' +
          'EVENT_BUS_NAME must be required; the EventBridge bus (name or ARN) merchant events are sent to (it is not set).',
      ),
    );
  });

  it.each([
    ['STAGE', 'Dev!', 'STAGE must be'],
    [
      'PAYON_ENVIRONMENT',
      'test',
      'PAYON_ENVIRONMENT must be required; TEST or PRODUCTION (got "test")',
    ],
    [
      'PAYON_TIMEOUT_MS',
      'abc',
      'PAYON_TIMEOUT_MS must be optional; 500-30000, default 8000 (got "abc")',
    ],
    ['PAYON_TIMEOUT_MS', '100', 'PAYON_TIMEOUT_MS must be'],
    ['PAYON_TIMEOUT_MS', '1.5', 'PAYON_TIMEOUT_MS must be'],
    [
      'PAYON_RSA_PADDING',
      'none',
      'PAYON_RSA_PADDING must be optional; pkcs1 | oaep-sha1 | oaep-sha256 | oaep-sha256-mgf1-sha1',
    ],
    ['PAYON_AUTH_HEADER', 'Bad Header', 'PAYON_AUTH_HEADER must be'],
    ['SECRET_CACHE_TTL_SECONDS', '-1', 'SECRET_CACHE_TTL_SECONDS must be'],
    ['PAYON_BASE_URL', 'not a url', 'PAYON_BASE_URL must be'],
    ['PAYON_BASE_URL', 'ftp://example.com', 'PAYON_BASE_URL must be'],
    ['PAYON_BASE_URL', 'http://u:p@example.com', 'PAYON_BASE_URL must be'],
    ['PAYON_BASE_URL', 'http://example.com/?a=1', 'PAYON_BASE_URL must be'],
    ['PAYON_SECRET_ID', 'has space', 'PAYON_SECRET_ID must be'],
    ['PAYON_CREATE_BINDING_PATH', '/pg/other', 'PAYON_CREATE_BINDING_PATH must be'],
    ['PAYON_PIN_VERIFICATION_PATH', '/other/pin', 'PAYON_PIN_VERIFICATION_PATH must be'],
    ['PAYON_PIN_VERIFICATION_PATH', '/pg/a/../b', 'PAYON_PIN_VERIFICATION_PATH must be'],
    ['PAYON_BINDING_PIN_ENCRYPTION', 'aes', 'PAYON_BINDING_PIN_ENCRYPTION must be'],
    ['RETURN_URL_ORIGINS', 'http://shop.example.com', 'RETURN_URL_ORIGINS must be'],
    ['RETURN_URL_ORIGINS', 'https://shop.example.com/path', 'RETURN_URL_ORIGINS must be'],
    ['RETURN_URL_ORIGINS', 'nonsense', 'RETURN_URL_ORIGINS must be'],
    ['IDEMPOTENCY_TTL_HOURS', '1', 'IDEMPOTENCY_TTL_HOURS must be'],
    ['ORDER_EXPIRY_MINUTES', '0', 'ORDER_EXPIRY_MINUTES must be'],
  ])('refuses %s=%j with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ ...minimal, [name]: value })).toThrow(message);
  });

  it('requires HTTPS for a production base URL override', () => {
    expect(() =>
      loadConfig({
        ...minimal,
        PAYON_ENVIRONMENT: 'PRODUCTION',
        PAYON_BASE_URL: 'http://pg.example.com',
      }),
    ).toThrow('PAYON_BASE_URL must be optional; overrides the environment base URL');
    expect(
      loadConfig({
        ...minimal,
        PAYON_ENVIRONMENT: 'PRODUCTION',
        PAYON_BASE_URL: 'https://pg.example.com:8443',
      }).payon.baseUrl,
    ).toBe('https://pg.example.com:8443');
  });

  it('reads process.env once and keeps the result for the process', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, minimal, { STAGE: 'first' });
      const first = getConfig();
      process.env.STAGE = 'second';
      expect(getConfig()).toBe(first);
      expect(getConfig().stage).toBe('first');
    } finally {
      process.env = saved;
    }
  });
});

describe('webhook settings', () => {
  const base = {
    STAGE: 'dev',
    PAYON_ENVIRONMENT: 'TEST',
    PAYON_SECRET_ID: 'payon/dev',
    TABLE_NAME: 'payon-dev',
    EVENT_BUS_NAME: 'payon-dev',
  };

  it('reads the webhook key and the local allowance', () => {
    const config = loadConfig({
      ...base,
      WEBHOOK_KEY_ID:
        'arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      WEBHOOKS_ALLOW_LOCAL_TARGETS: 'true',
    });
    expect(config.webhooks).toEqual({
      keyId: 'arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      allowLocalTargets: true,
    });
  });

  it('refuses WEBHOOKS_ALLOW_LOCAL_TARGETS inside AWS Lambda, and a value that is not true or false', () => {
    expect(() =>
      loadConfig({
        ...base,
        WEBHOOKS_ALLOW_LOCAL_TARGETS: 'true',
        AWS_LAMBDA_FUNCTION_NAME: 'payon-dev-x',
      }),
    ).toThrow(/WEBHOOKS_ALLOW_LOCAL_TARGETS must not be set inside AWS Lambda/);
    expect(() => loadConfig({ ...base, WEBHOOKS_ALLOW_LOCAL_TARGETS: 'yes' })).toThrow(
      /WEBHOOKS_ALLOW_LOCAL_TARGETS must be/,
    );
    expect(
      loadConfig({ ...base, WEBHOOKS_ALLOW_LOCAL_TARGETS: 'false', AWS_LAMBDA_FUNCTION_NAME: 'x' })
        .webhooks.allowLocalTargets,
    ).toBe(false);
  });
});
