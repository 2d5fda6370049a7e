import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigurationError } from '#shared/errors.ts';
import { MerchantSecretProvider } from '#shared/secrets/provider.ts';
import { countingSecretsClient, LOCAL_AWS } from '#test/support/aws.ts';
import { freePort } from '#test/support/services.ts';

const endpoint = inject('motoEndpoint');
const admin = new SecretsManagerClient({ ...LOCAL_AWS, endpoint });

function secretJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    merchantId: 'C0000143',
    termId: 'CT03000003',
    apiKey: 'api-key-first-generation',
    signingScheme: 'hmac-sha256',
    notificationToken: 'n'.repeat(40),
    ...overrides,
  });
}

async function createSecret(value: string): Promise<string> {
  const name = `payon/test/${randomUUID()}`;
  await admin.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return name;
}

describe('MerchantSecretProvider against Secrets Manager (moto)', () => {
  let clock = 1_000_000;
  const now = () => clock;

  beforeAll(async () => {
    // Prepare: make sure the emulator answers before the timed tests run.
    await createSecret(secretJson());
  });

  it('reads the secret once and serves later reads from the cache', async () => {
    // Prepare
    const secretId = await createSecret(secretJson());
    const { client, calls } = countingSecretsClient(endpoint);
    const provider = new MerchantSecretProvider({ secretId, client, now });

    // Act
    const first = await provider.get();
    const second = await provider.get();

    // Assess
    expect(first).toEqual({
      merchantId: 'C0000143',
      termId: 'CT03000003',
      apiKey: 'api-key-first-generation',
      signingScheme: 'hmac-sha256',
      notificationToken: 'n'.repeat(40),
    });
    expect(second).toBe(first);
    expect(calls()).toBe(1);
  });

  it('shares one Secrets Manager call between concurrent cold reads', async () => {
    const secretId = await createSecret(secretJson());
    const { client, calls } = countingSecretsClient(endpoint);
    const provider = new MerchantSecretProvider({ secretId, client, now });

    const values = await Promise.all(Array.from({ length: 10 }, () => provider.get()));

    expect(new Set(values).size).toBe(1);
    expect(calls()).toBe(1);
  });

  it('asks Secrets Manager again once the cached value has expired', async () => {
    const secretId = await createSecret(secretJson());
    const { client, calls } = countingSecretsClient(endpoint);
    const provider = new MerchantSecretProvider({ secretId, client, now, ttlMs: 60_000 });
    await provider.get();
    await admin.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: secretJson({ apiKey: 'api-key-second-generation' }),
      }),
    );

    clock += 59_999;
    const stillCached = await provider.get();
    clock += 1;
    const refreshed = await provider.get();

    expect(stillCached.apiKey).toBe('api-key-first-generation');
    expect(refreshed.apiKey).toBe('api-key-second-generation');
    expect(calls()).toBe(2);
  });

  it('returns the rotated value on a forced refresh while the cache is still fresh', async () => {
    const secretId = await createSecret(secretJson());
    const { client, calls } = countingSecretsClient(endpoint);
    const provider = new MerchantSecretProvider({ secretId, client, now });
    await provider.get();
    await admin.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: secretJson({ apiKey: 'api-key-rotated' }),
      }),
    );

    const cached = await provider.get();
    const forced = await provider.get({ forceRefresh: true });
    const afterwards = await provider.get();

    expect(cached.apiKey).toBe('api-key-first-generation');
    expect(forced.apiKey).toBe('api-key-rotated');
    expect(afterwards.apiKey).toBe('api-key-rotated');
    expect(calls()).toBe(2);
  });

  it('does not cache at all with a ttl of zero', async () => {
    const secretId = await createSecret(secretJson());
    const { client, calls } = countingSecretsClient(endpoint);
    const provider = new MerchantSecretProvider({ secretId, client, now, ttlMs: 0 });

    await provider.get();
    await provider.get();

    expect(calls()).toBe(2);
  });

  it('fails with a clear configuration error when the secret does not exist', async () => {
    const secretId = `payon/test/missing-${randomUUID()}`;
    const { client } = countingSecretsClient(endpoint);
    const provider = new MerchantSecretProvider({ secretId, client });

    const error = await provider.get().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      `Secret '${secretId}' cannot be read (ResourceNotFoundException): check that it exists in this account and region and that this function may read it.`,
    );
  });

  it('names the secret but never shows its text when it is not JSON', async () => {
    const leaked = 'sk_live_do_not_print_me';
    const secretId = await createSecret(`apiKey=${leaked}`);
    const { client } = countingSecretsClient(endpoint);
    const provider = new MerchantSecretProvider({ secretId, client });

    const error = await provider.get().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`Secret '${secretId}' is not valid JSON`);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(leaked);
    expect((error as Error).cause).toBeUndefined();
  });

  it('lists every field at fault in a malformed secret without any value', async () => {
    const leaked = 'sk_live_another_secret_value';
    const secretId = await createSecret(
      JSON.stringify({
        merchantId: 'C0000143',
        apiKey: leaked,
        signingScheme: 'rsa-sha256',
        notificationToken: 'short',
        extra: leaked,
      }),
    );
    const { client } = countingSecretsClient(endpoint);
    const provider = new MerchantSecretProvider({ secretId, client });

    const error = await provider.get().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain(`Secret '${secretId}' is malformed:`);
    expect(message).toContain('termId: is missing');
    expect(message).toContain('notificationToken: has the wrong format');
    expect(message).toContain('(root): unknown field(s) extra');
    expect(message).not.toContain(leaked);
    expect(message).not.toContain('short');
  });

  it('refuses a binary secret with a message that says to store JSON text', async () => {
    const secretId = `payon/test/${randomUUID()}`;
    await admin.send(
      new CreateSecretCommand({ Name: secretId, SecretBinary: new TextEncoder().encode('{}') }),
    );
    const { client } = countingSecretsClient(endpoint);

    const error = await new MerchantSecretProvider({ secretId, client })
      .get()
      .catch((e: unknown) => e);

    expect(error).toEqual(
      new ConfigurationError(
        `Secret '${secretId}' has no string value: store the merchant secret as JSON text.`,
      ),
    );
  });

  it('passes a network fault through as retryable, not as a configuration error', async () => {
    const { client } = countingSecretsClient(`http://127.0.0.1:${await freePort()}`);
    const provider = new MerchantSecretProvider({ secretId: 'payon/dev', client });

    const error = await provider.get().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ConfigurationError);
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('keeps serving the last good value until a rotation to a broken secret is forced', async () => {
    const secretId = await createSecret(secretJson());
    const { client } = countingSecretsClient(endpoint);
    const provider = new MerchantSecretProvider({ secretId, client, now });
    const good = await provider.get();
    await admin.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: '{' }));

    const cached = await provider.get();
    const forced = await provider.get({ forceRefresh: true }).catch((e: unknown) => e);

    expect(cached).toBe(good);
    expect(forced).toBeInstanceOf(ConfigurationError);
  });
});
