/**
 * How a function is traced (docs/performance.md, "Tracing"). By default the Lambda service's active
 * tracing records every invocation (its segment, cold start and duration) and the `payon.latency`
 * metric times each PAYON call, with no tracing SDK in the bundle: the X-Ray SDK was about 120 KB
 * of every bundle and a fifth of its module init.
 *
 * The stack's `sdkTracer` context (infra/config.ts) builds the functions with the
 * `payon-sdk-tracer` condition, which resolves `#tracing` to `./tracing-sdk.ts` instead: the
 * Powertools tracer, with a subsegment per AWS call and per invocation.
 *
 * @example
 * ```ts
 * import { createTracing } from '#tracing';
 * const tracing = createTracing('payon-dev');
 * const dynamo = tracing.captureAWSv3Client(new DynamoDBClient({}));
 * ```
 */
import type { MiddlewareObj } from '@middy/core';

export interface Tracing {
  /** `active`: the Lambda service's tracing only; `sdk`: the X-Ray SDK's segments too. */
  readonly mode: 'active' | 'sdk';
  /** The client, instrumented when the SDK tracer is built in (as it is, otherwise). */
  captureAWSv3Client<T>(client: T): T;
  /** The handler middleware that opens the invocation's subsegment, when there is one. */
  handlerMiddleware(): MiddlewareObj | undefined;
}

/** The tracing of a function built without the SDK tracer: Lambda's active tracing does it all. */
export function createTracing(_serviceName: string): Tracing {
  return {
    mode: 'active',
    captureAWSv3Client: (client) => client,
    handlerMiddleware: () => undefined,
  };
}
