/**
 * Saved cards and their customers in DynamoDB, one partition per customer (`CUST#<clientId>`):
 * `BIND#<bindingId>` per binding, `CUSTOMER` for the PIN settings, `RATE#<window>` counters for the
 * per-customer rate limit. Every change is conditional on the version it read and is written in
 * one transaction with its merchant event's outbox item. Nothing card-like is ever stored: the
 * masked number, the expiry and the ids only.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Binding, BindingStatus, Customer } from '#shared/domain/binding.ts';
import { ConflictError, TooManyRequestsError } from '#shared/errors.ts';
import type { BindingEvent } from '#shared/events/envelope.ts';
import { outboxItem } from '#shared/store/outbox.ts';
import type { EventOutlet } from '#shared/store/payments.ts';
import { isConditionFailure } from '#shared/store/table.ts';

const pk = (clientId: string) => `CUST#${clientId}`;
const bindingSk = (bindingId: string) => `BIND#${bindingId}`;

function toBinding(item: Record<string, unknown>): Binding {
  return {
    bindingId: String(item.bindingId),
    clientId: String(item.clientId),
    paymentMethod: item.paymentMethod as Binding['paymentMethod'],
    maskedPan: String(item.maskedPan),
    expiry: item.expiry === undefined ? undefined : String(item.expiry),
    status: item.status as BindingStatus,
    statusReason: item.statusReason === undefined ? undefined : String(item.statusReason),
    version: Number(item.version),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

function toCustomer(item: Record<string, unknown>): Customer {
  return {
    clientId: String(item.clientId),
    pinSet: item.pinSet === true,
    pinVerification: typeof item.pinVerification === 'boolean' ? item.pinVerification : undefined,
    version: Number(item.version),
    updatedAt: String(item.updatedAt),
  };
}

export class BindingStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly events: EventOutlet,
  ) {}

  async get(clientId: string, bindingId: string): Promise<Binding | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pk(clientId), sk: bindingSk(bindingId) },
        ConsistentRead: true,
      }),
    );
    return Item ? toBinding(Item) : undefined;
  }

  /** Every binding the product made for this customer, oldest first. */
  async list(clientId: string): Promise<Binding[]> {
    const bindings: Binding[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :bind)',
          ExpressionAttributeValues: { ':pk': pk(clientId), ':bind': 'BIND#' },
          ConsistentRead: true,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      bindings.push(...(page.Items ?? []).map(toBinding));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return bindings.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Writes a binding's version (`version` 1: new; otherwise only over `version - 1`) with its event.
   *
   * @throws {ConflictError} when it changed meanwhile (or a new one already exists).
   */
  async save(binding: Binding, event: BindingEvent): Promise<void> {
    const { bindingId, clientId, ...rest } = binding;
    await this.#commit(
      {
        pk: pk(clientId),
        sk: bindingSk(bindingId),
        type: 'binding',
        bindingId,
        clientId,
        ...rest,
      },
      { version: binding.version, event, what: `binding ${bindingId}` },
    );
  }

  async customer(clientId: string): Promise<Customer | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pk(clientId), sk: 'CUSTOMER' },
        ConsistentRead: true,
      }),
    );
    return Item ? toCustomer(Item) : undefined;
  }

  /** Writes a customer's PIN settings (same versioning as `save`) with its event. */
  async saveCustomer(customer: Customer, event: BindingEvent): Promise<void> {
    await this.#commit(
      { pk: pk(customer.clientId), sk: 'CUSTOMER', type: 'customer', ...customer },
      { version: customer.version, event, what: `customer ${customer.clientId}` },
    );
  }

  /**
   * Counts one binding or PIN call of this customer in the current fixed window; refuses it with
   * 429 when the window already holds `limit`.
   */
  async take(
    clientId: string,
    { now, limit, windowMs }: { now: Date; limit: number; windowMs: number },
  ): Promise<void> {
    const start = Math.floor(now.getTime() / windowMs) * windowMs;
    const end = start + windowMs;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: pk(clientId), sk: `RATE#${new Date(start).toISOString()}` },
          UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
            ':ttl': Math.ceil(end / 1_000) + 3_600,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new TooManyRequestsError(
        `at most ${limit} binding and PIN requests per customer every ${windowMs / 60_000} minutes`,
        Math.max(1, Math.ceil((end - now.getTime()) / 1_000)),
      );
    }
  }

  async #commit(
    item: Record<string, unknown>,
    {
      version,
      event,
      what,
    }: {
      readonly version: number;
      readonly event: BindingEvent;
      /** The thing written, as a conflict names it (`binding <id>`). */
      readonly what: string;
    },
  ): Promise<void> {
    const condition =
      version === 1
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': version - 1 },
          };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: item, ...condition } },
            {
              Put: {
                TableName: this.tableName,
                Item: outboxItem(event, new Date(event.time)),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError(
          'binding_state_conflict',
          `${what} was changed by another request; read it again`,
          1,
        );
      }
      throw error;
    }
    await this.events.committed(event);
  }
}
