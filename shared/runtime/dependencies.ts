/**
 * Every part a function can have, built from the configuration: what tests and the local runtime
 * use ({@link createDependencies}), where all functions share one process. A function's bundle
 * takes only the parts its handler names (`dependenciesWith` of ./assemble.ts), so that it
 * carries no client it does not use.
 */

import type { Config } from '#shared/config/index.ts';
import {
  assembleDependencies,
  type Dependencies,
  type DependencyOverrides,
} from '#shared/runtime/assemble.ts';
import {
  eventBridgePublisher,
  payonGateway,
  secretsManagerSecrets,
} from '#shared/runtime/aws-parts.ts';

export type {
  BuildContext,
  Dependencies,
  DependencyOverrides,
  Part,
} from '#shared/runtime/assemble.ts';
export { setDependencies } from '#shared/runtime/assemble.ts';

/**
 * Dependencies with the merchant secret (Secrets Manager), PAYON and the EventBridge publisher
 * built in, and whatever `overrides` replace or add (each part on its first use).
 */
export function createDependencies(
  config: Config,
  overrides: DependencyOverrides = {},
): Dependencies {
  return assembleDependencies(config, {
    ...overrides,
    secrets: overrides.secrets ?? secretsManagerSecrets,
    payon: overrides.payon ?? payonGateway,
    publisher: overrides.publisher ?? eventBridgePublisher,
  });
}
