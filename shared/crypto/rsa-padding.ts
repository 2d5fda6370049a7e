/**
 * The RSA paddings a PIN can be encrypted with. Kept apart from ./rsa.ts so that configuration can
 * name them without loading node-forge.
 */

/**
 * Every padding {@link RsaPadding} allows: PKCS#1 v1.5, OAEP with SHA-1 or SHA-256 (the same hash
 * for MGF1, as OpenSSL does), or OAEP with SHA-256 and MGF1 with SHA-1 (`oaep-sha256-mgf1-sha1`:
 * what Java's `RSA/ECB/OAEPWithSHA-256AndMGF1Padding` does by default, and what Node's
 * `publicEncrypt` cannot express). PAYON does not document its padding
 * (docs/payon-api.md#security); assumed default `pkcs1`, see docs/payon-assumptions.md.
 *
 * @example
 * ```ts
 * RSA_PADDINGS.includes(value); // validate a configured padding
 * ```
 */
export const RSA_PADDINGS = ['pkcs1', 'oaep-sha1', 'oaep-sha256', 'oaep-sha256-mgf1-sha1'] as const;

/**
 * One of {@link RSA_PADDINGS}.
 *
 * @example
 * ```ts
 * const padding: RsaPadding = 'oaep-sha256';
 * ```
 */
export type RsaPadding = (typeof RSA_PADDINGS)[number];
