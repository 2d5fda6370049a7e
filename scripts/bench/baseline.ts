/** The bench's baseline bundle: the least a function here imports (DynamoDB client, middy core). */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';

const client = new DynamoDBClient({});

export const handler = middy<{ key?: string }>().handler(async (event) => {
  if (!event.key) return { statusCode: 204 };
  const item = await client.send(
    new GetItemCommand({ TableName: 't', Key: { pk: { S: event.key }, sk: { S: 'x' } } }),
  );
  return { statusCode: 200, body: JSON.stringify(item.Item ?? null) };
});
