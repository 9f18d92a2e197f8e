import { ConditionalCheckFailedException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type RetryPolicy, retry } from "../resilience/retry";

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

/** What a batch call left unprocessed (throttled): only that is asked again. */
class Unprocessed extends Error {}

/**
 * Nine tries of a batch's unprocessed part with exponential backoff (about 10 s in all), as
 * the BatchWriteItem / BatchGetItem reference advises; the SDK retries whole failed calls.
 */
const BATCH_RETRY: RetryPolicy = { attempts: 9, baseDelayMs: 40, maxDelayMs: 5120 };
const unprocessed = { policy: BATCH_RETRY, isRetryable: (error: unknown) => error instanceof Unprocessed };

/** Puts many items, 25 a call, re-sending what DynamoDB leaves unprocessed. */
export async function batchPut(
  db: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await retry(async () => {
      const res = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (res.UnprocessedItems?.[table] ?? []) as typeof requests;
      if (requests.length) throw new Unprocessed(`DynamoDB left ${requests.length} writes unprocessed`);
    }, unprocessed);
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
    await retry(async () => {
      const res = await db.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      out.push(...((res.Responses?.[table] ?? []) as T[]));
      pending = (res.UnprocessedKeys?.[table]?.Keys ?? []) as typeof pending;
      if (pending.length) throw new Unprocessed(`DynamoDB left ${pending.length} reads unprocessed`);
    }, unprocessed);
  }
  return out;
}
