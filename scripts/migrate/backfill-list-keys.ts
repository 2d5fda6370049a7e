/**
 * `npm run migrate:list-keys -- --table payon-<stage> [--endpoint <url>]`: gives payments stored
 * before the list index existed its keys (shared/store/backfill.ts), with the operator's AWS
 * credentials and region (the AWS CLI's: AWS_PROFILE, AWS_REGION). Run it once before dropping
 * `gsi2-day` (docs/deployment.md, "Upgrading: the leaner indexes"); running it again is safe.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backfillListKeys } from '#shared/store/backfill.ts';

const { values } = parseArgs({
  options: { table: { type: 'string' }, endpoint: { type: 'string' } },
});
if (!values.table) {
  console.error('usage: npm run migrate:list-keys -- --table payon-<stage> [--endpoint <url>]');
  process.exit(2);
}
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient(values.endpoint ? { endpoint: values.endpoint } : {}),
);
const report = await backfillListKeys(db, values.table);
console.log(JSON.stringify(report));
if (report.skipped.length > 0) process.exitCode = 1;
