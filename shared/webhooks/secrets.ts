/**
 * Webhook signing secrets: made here (`whsec_` and 32 random bytes), shown to the merchant once (on
 * create and on rotate), and only ever stored sealed: encrypted with KMS in AWS
 * (./kms-sealer.ts), bound to the endpoint by an encryption context, so that the table alone does
 * not reveal them and only the delivering function (kms:Decrypt) can read them back.
 *
 * @example
 * ```ts
 * const secret = newSigningSecret();                       // 'whsec_…' (answer it once)
 * const sealed = await sealer.seal(secret, endpointId);    // what the table keeps
 * await sealer.open(sealed, endpointId);                   // the deliverer, to sign
 * ```
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Encrypts and decrypts signing secrets, each bound to its endpoint's id. */
export interface SecretSealer {
  /** The sealed form (base64) of `secret`, for the endpoint `endpointId` only. */
  seal(secret: string, endpointId: string): Promise<string>;
  /** The secret back; fails for another endpoint's id or a tampered value. */
  open(sealed: string, endpointId: string): Promise<string>;
}

/** A new signing secret: `whsec_` and 32 bytes from the CSPRNG, base64url. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** What every sealed secret's encryption context says it is (the IAM grants require it). */
export const WEBHOOK_SECRET_PURPOSE = 'payon-webhook-signing-secret';

/** The encryption context every sealed secret is bound to (KMS checks it on decrypt). */
export const sealContext = (endpointId: string) => ({
  purpose: WEBHOOK_SECRET_PURPOSE,
  endpointId,
});

/**
 * AES-256-GCM under a key held in memory: `npm start` without moto (its secrets live as long as
 * the process). Never used in AWS.
 */
export class InMemorySecretSealer implements SecretSealer {
  readonly #key = randomBytes(32);

  async seal(secret: string, endpointId: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(JSON.stringify(sealContext(endpointId))));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  async open(sealed: string, endpointId: string): Promise<string> {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(JSON.stringify(sealContext(endpointId))));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
