/**
 * Runs one day's reconciliation in its own process (the volume test caps this process's heap) and
 * prints one JSON line: the report and the peak heap seen. Configuration comes from the
 * environment, as in a Lambda; the endpoints of the local services from RECONCILE_*.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '#shared/config/index.ts';
import { reconcileDay } from '#shared/reconciliation/run.ts';
import { createDependencies } from '#shared/runtime/dependencies.ts';

const env = process.env;
const aws = {
  region: 'ap-southeast-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
};
const deps = createDependencies(loadConfig(env), {
  dynamo: new DynamoDBClient({ ...aws, endpoint: env.RECONCILE_DYNAMO_ENDPOINT ?? '' }),
  secretsManager: new SecretsManagerClient({ ...aws, endpoint: env.RECONCILE_AWS_ENDPOINT ?? '' }),
  publisher: {
    async publish(events) {
      return { delivered: events.map((e) => e.id), failed: new Map() };
    },
  },
});

let peak = 0;
let peakOld = 0;
/** The old generation (every V8 space but the young ones): what --max-old-space-size caps. */
const oldGeneration = () =>
  getHeapSpaceStatistics()
    .filter((space) => !space.space_name.startsWith('new_'))
    .reduce((sum, space) => sum + space.space_used_size, 0);
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  peakOld = Math.max(peakOld, oldGeneration());
};
const timer = setInterval(sample, 5);
const report = await reconcileDay(deps, env.RECONCILE_DAY ?? '');
sample();
clearInterval(timer);
console.log(
  JSON.stringify({
    report,
    peakHeapMB: Math.round((peak / 1024 / 1024) * 10) / 10,
    peakOldMB: Math.round((peakOld / 1024 / 1024) * 10) / 10,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
