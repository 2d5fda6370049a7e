/**
 * The `payon-serverless/construct` entry of the installable package (packages/construct): the
 * whole deployment as one construct for a merchant's own CDK app, its settings, and the error a bad
 * setting raises. Built into `dist/construct.js` and `.d.ts` by `scripts/package/build.ts`.
 */
export {
  type ContextKey,
  type MerchantAuth,
  type StackConfig,
  StackConfigError,
  type Throttle,
} from '#infra/config.ts';
export { PayonFunction } from '#infra/constructs/payon-function.ts';
export {
  PayonPayments,
  type PayonPaymentsProps,
  type PayonSettings,
  payonConfig,
} from '#infra/payments.ts';
