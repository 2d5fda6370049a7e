/**
 * Signing secrets sealed with KMS (the stack's webhook key, `WEBHOOK_KEY_ID`): Encrypt on create
 * and rotate, Decrypt in the delivering function, each bound to its endpoint by the encryption
 * context. Apart from ./secrets.ts so that the KMS client is bundled with those functions alone.
 */
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { ConfigurationError } from '#shared/errors.ts';
import type { BuildContext } from '#shared/runtime/dependencies.ts';
import { type SecretSealer, sealContext } from '#shared/webhooks/secrets.ts';

/** The sealer of the functions that create, rotate or use secrets (`dependenciesWith`). */
export function kmsSecretSealer({ config, tracer }: BuildContext): SecretSealer {
  return new KmsSecretSealer(tracer.captureAWSv3Client(new KMSClient({})), config.webhooks.keyId);
}

export class KmsSecretSealer implements SecretSealer {
  constructor(
    private readonly client: KMSClient,
    private readonly keyId: string | undefined,
  ) {}

  async seal(secret: string, endpointId: string): Promise<string> {
    if (this.keyId === undefined) {
      throw new ConfigurationError(
        'WEBHOOK_KEY_ID is not configured: webhook secrets cannot be sealed',
      );
    }
    const { CiphertextBlob } = await this.client.send(
      new EncryptCommand({
        KeyId: this.keyId,
        Plaintext: Buffer.from(secret, 'utf8'),
        EncryptionContext: sealContext(endpointId),
      }),
    );
    if (!CiphertextBlob) throw new Error('KMS answered no ciphertext');
    return Buffer.from(CiphertextBlob).toString('base64');
  }

  async open(sealed: string, endpointId: string): Promise<string> {
    const { Plaintext } = await this.client.send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(sealed, 'base64'),
        EncryptionContext: sealContext(endpointId),
        // Only this key's ciphertexts are accepted (a value sealed under another key is refused).
        ...(this.keyId ? { KeyId: this.keyId } : {}),
      }),
    );
    if (!Plaintext) throw new Error('KMS answered no plaintext');
    return Buffer.from(Plaintext).toString('utf8');
  }
}
