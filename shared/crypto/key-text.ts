/**
 * Reading key text as secret stores hold it: PEM, PEM squeezed onto one line, or base64 of DER.
 * Internal to `shared/crypto`; nothing here ever puts key text in an error.
 */

/** How a key was written, once surrounding whitespace is gone. */
export type KeyText =
  | { readonly form: 'pem'; readonly label: string; readonly pem: string }
  | { readonly form: 'der'; readonly der: Buffer }
  | { readonly form: 'unknown' };

const PEM_LABEL = /^-----BEGIN ([A-Z0-9 ]+)-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Classifies key text. A PEM whose line breaks were stored as the two characters `\n` (a common way
 * to put a PEM in one line of JSON) gets its line breaks back. Base64 must be standard and padded;
 * whitespace between its groups is allowed.
 *
 * @example
 * ```ts
 * readKeyText('-----BEGIN PUBLIC KEY-----\\nMIIB...'); // => { form: 'pem', label: 'PUBLIC KEY', pem }
 * readKeyText('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA...'); // => { form: 'der', der }
 * ```
 */
export function readKeyText(text: string): KeyText {
  const trimmed = text.trim();
  const label = PEM_LABEL.exec(trimmed)?.[1];
  if (label !== undefined) {
    return { form: 'pem', label, pem: trimmed.replaceAll('\\n', '\n') };
  }
  const compact = trimmed.replace(/\s+/g, '');
  if (compact.length > 0 && compact.length % 4 === 0 && BASE64.test(compact)) {
    return { form: 'der', der: Buffer.from(compact, 'base64') };
  }
  return { form: 'unknown' };
}

/**
 * The result of `parse`, or `undefined` if it throws. The error is dropped on purpose: OpenSSL's
 * messages help nobody reading our logs, and an error from a parser may quote its input.
 *
 * @example
 * ```ts
 * const key = attempt(() => createPublicKey(text)) ?? attempt(() => createPublicKey(other));
 * ```
 */
export function attempt<R>(parse: () => R): R | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}
