import { ConditionalCheckFailedException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string })?.name === "ConditionalCheckFailedException"
  );
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Puts many items, 25 a call, re-sending what DynamoDB leaves unprocessed (with a short backoff). */
export async function batchPut(
  db: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length; attempt++) {
      if (attempt > 8) throw new Error(`DynamoDB left ${requests.length} writes unprocessed`);
      if (attempt) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      const res = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (res.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
}

/** Gets many items by key, 100 a call, re-asking for unprocessed keys. */
export async function batchGet<T>(
  db: DynamoDBDocumentClient,
  table: string,
  keys: Record<string, unknown>[],
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt > 8) throw new Error(`DynamoDB left ${pending.length} reads unprocessed`);
      if (attempt) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      const res = await db.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      out.push(...((res.Responses?.[table] ?? []) as T[]));
      pending = (res.UnprocessedKeys?.[table]?.Keys ?? []) as typeof pending;
    }
  }
  return out;
}
