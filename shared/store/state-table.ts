import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { batchGet, batchPut, isConditionFailure } from "./dynamo";
import type { Key } from "./keys";

type Condition = Pick<
  PutCommandInput,
  "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
>;
type Update = Pick<
  UpdateCommandInput,
  "UpdateExpression" | "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
>;

/** The state table's few access patterns, shared by the repositories (keys come from keys.ts). */
export class StateTable {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  async get<T>(key: Key): Promise<T | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return res.Item as T | undefined;
  }

  /** Many items by key, in batches. */
  getMany<T>(keys: Key[]): Promise<T[]> {
    return batchGet<T>(this.db, this.name, keys as unknown as Record<string, unknown>[]);
  }

  /** Every item of one partition, page by page. */
  async partition<T>(pk: string): Promise<T[]> {
    const items: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.send(
        new QueryCommand({
          TableName: this.name,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": pk },
          ExclusiveStartKey: start,
        }),
      );
      start = res.LastEvaluatedKey;
      items.push(...((res.Items ?? []) as T[]));
    } while (start);
    return items;
  }

  /** The item of a partition with the greatest sort key starting with `prefix` (the latest, for time-ordered keys). */
  async last<T>(pk: string, prefix: string): Promise<T | undefined> {
    const res = await this.db.send(
      new QueryCommand({
        TableName: this.name,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": pk, ":prefix": prefix },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return res.Items?.[0] as T | undefined;
  }

  /** Every item with this sort key, page by page (a filtered scan: for rare, whole-table jobs). */
  async *scanBySortKey<T>(sk: string, pageSize: number): AsyncGenerator<T[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.send(
        new ScanCommand({
          TableName: this.name,
          FilterExpression: "sk = :sk",
          ExpressionAttributeValues: { ":sk": sk },
          ExclusiveStartKey: start,
          Limit: pageSize,
        }),
      );
      start = res.LastEvaluatedKey;
      if (res.Items?.length) yield res.Items as T[];
    } while (start);
  }

  async put(key: Key, attributes: Record<string, unknown>): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.name, Item: { ...key, ...attributes } }));
  }

  /** Puts many items, in batches (unconditional). */
  putMany(items: (Key & Record<string, unknown>)[]): Promise<void> {
    return batchPut(this.db, this.name, items);
  }

  /** A conditional put; false when the condition does not hold. */
  async putIf(key: Key, attributes: Record<string, unknown>, condition: Condition): Promise<boolean> {
    return whenCondition(
      this.db.send(new PutCommand({ TableName: this.name, Item: { ...key, ...attributes }, ...condition })),
    );
  }

  async update(key: Key, update: Update): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.name, Key: key, ...update }));
  }

  /** A conditional update; false when the condition does not hold. */
  async updateIf(key: Key, update: Update): Promise<boolean> {
    return whenCondition(this.db.send(new UpdateCommand({ TableName: this.name, Key: key, ...update })));
  }

  async delete(key: Key): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.name, Key: key }));
  }
}

/** True when the write went through, false when its condition failed; other errors propagate. */
async function whenCondition(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
