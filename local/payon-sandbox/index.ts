/** The PAYON sandbox as a library: `startSandbox(options)`; see docs/sandbox.md. */

export { PAYON_CARD_PIN, TEST_CARDS, TEST_OTP } from './cards.ts';
export { DEFAULT_MERCHANT, DEFAULT_PORT } from './config.ts';
export * from './server.ts';
