/**
 * The SDK tracer (Powertools, with the X-Ray SDK): what `#tracing` resolves to in a bundle built
 * with the `payon-sdk-tracer` condition (the stack's `sdkTracer` context). Each AWS call and each
 * invocation gets its own subsegment; ./tracing.ts says why it is not the default.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Tracing } from '#shared/runtime/tracing.ts';

export function createTracing(serviceName: string): Tracing {
  const tracer = new Tracer({ serviceName });
  return {
    mode: 'sdk',
    captureAWSv3Client: (client) => tracer.captureAWSv3Client(client),
    handlerMiddleware: () => captureLambdaHandler(tracer, { captureResponse: false }),
  };
}
