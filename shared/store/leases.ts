/**
 * Leases: one holder of a named job at a time, across Lambda instances (and `npm start`). A lease
 * is one item with its holder and expiry, taken by a conditional put and given back by a
 * conditional delete; a holder that dies leaves it to expire, so the job is never stuck for
 * longer than the lease.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

const leaseKey = (name: string) => ({ pk: `LEASE#${name}`, sk: 'LEASE' });

export class LeaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Takes the lease for `ms` unless another holder's lease is still running; says whether it did. */
  async acquire(
    name: string,
    { holder, now, ms }: { readonly holder: string; readonly now: Date; readonly ms: number },
  ): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...leaseKey(name),
            type: 'lease',
            holder,
            expiresAt: new Date(now.getTime() + ms).toISOString(),
            // Expired leases are removed by DynamoDB's TTL too (a day later, for the audit).
            ttl: Math.floor(now.getTime() / 1_000) + ms / 1_000 + 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Gives the lease back, if this holder still has it. */
  async release(name: string, holder: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: leaseKey(name),
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
