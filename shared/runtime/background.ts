/**
 * The one way a non-API Lambda (queue consumer, schedule) is put together: middy with Powertools
 * logger, metrics (a `<operation>.runs` count on every run) and the SDK tracer when built in
 * (shared/runtime/tracing.ts), never logging the event.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import type { BackgroundDescriptor } from '#shared/runtime/descriptor.ts';
import { count } from '#shared/runtime/metrics.ts';

export function backgroundHandler<E, R>(
  descriptor: Pick<BackgroundDescriptor, 'function'>,
  deps: () => Dependencies,
  run: (event: E, deps: Dependencies, context: Context) => Promise<R>,
) {
  const { logger, metrics, tracer } = deps();
  const operation = descriptor.function;
  const chain = middy<E, R, Error, Context>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
  const traced = tracer.handlerMiddleware();
  if (traced) chain.use(traced);
  return chain.handler(async (event, context) => {
    logger.appendKeys({ operation });
    // One count per run: a heartbeat to graph and alarm on, and never an empty metrics flush
    // (Powertools warns on every invocation that publishes none).
    count(metrics, `${operation}.runs`);
    return run(event, deps(), context);
  });
}
