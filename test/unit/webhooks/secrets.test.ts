import { describe, expect, it } from 'vitest';
import { KmsSecretSealer } from '#shared/webhooks/kms-sealer.ts';
import { InMemorySecretSealer, newSigningSecret } from '#shared/webhooks/secrets.ts';

describe('webhook signing secrets', () => {
  it('are whsec_ and 32 random bytes, never twice the same', () => {
    const secrets = new Set(Array.from({ length: 100 }, newSigningSecret));
    expect(secrets.size).toBe(100);
    for (const s of secrets) expect(s).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });

  it('are sealed in memory (npm start without moto) for their endpoint only', async () => {
    const sealer = new InMemorySecretSealer();
    const secret = newSigningSecret();
    const sealed = await sealer.seal(secret, 'we_A');
    expect(sealed).not.toContain(secret);
    expect(await sealer.open(sealed, 'we_A')).toBe(secret);
    await expect(sealer.open(sealed, 'we_B')).rejects.toThrow();
    const tampered = Buffer.from(sealed, 'base64');
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    await expect(sealer.open(tampered.toString('base64'), 'we_A')).rejects.toThrow();
    // Another process's key opens nothing.
    await expect(new InMemorySecretSealer().open(sealed, 'we_A')).rejects.toThrow();
  });

  it('refuses to seal with KMS when WEBHOOK_KEY_ID is not configured, naming it', async () => {
    const sealer = new KmsSecretSealer({} as never, undefined);
    await expect(sealer.seal('whsec_x', 'we_A')).rejects.toThrow(
      /WEBHOOK_KEY_ID is not configured/,
    );
  });
});
