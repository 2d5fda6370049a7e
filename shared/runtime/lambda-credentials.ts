/**
 * The AWS SDK's default credential chain as the functions' bundles carry it: in their place of
 * `@aws-sdk/credential-provider-node` (an esbuild alias, infra/constructs/payon-function.ts), the
 * environment's credentials only. Lambda gives every function its role's credentials in
 * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; the rest of the chain
 * (profiles, SSO, web identity, the STS and SSO clients it brings) was about 130 KB of every bundle.
 * Tests and `npm start` run the sources, with the SDK's whole chain.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
