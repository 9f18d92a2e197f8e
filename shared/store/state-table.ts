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
import { DEFAULT_SITE } from "../config/settings";
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

/** Partition keys of a site other than the default one start with this (keys.ts `sitePartition`). */
const SITE_PREFIX = "SITE#";

/**
 * The state table's few access patterns, shared by the repositories (keys come from keys.ts).
 * A table scoped to a site prefixes every partition key with it, so two sites' records (the same
 * Wix order number, the same SKU) never meet; the default site's keys carry no prefix, so a
 * single-site deployment's data stays where it always was.
 */
export class StateTable {
  private readonly prefix: string;

  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly name: string,
    site?: string,
  ) {
    this.prefix = site && site !== DEFAULT_SITE ? `${SITE_PREFIX}${site}#` : "";
  }

  /** The same table for another site's keys (or, without one, the unscoped, shared keys). */
  forSite(site?: string): StateTable {
    return new StateTable(this.db, this.name, site);
  }

  /**
   * The stored key of `key`. A key already carrying this site's prefix (an item read back and
   * written again whole) keeps it: prefixing twice would write a record no one reads.
   */
  private key<K extends Key>(key: K): K {
    return this.prefix && !key.pk.startsWith(this.prefix) ? { ...key, pk: `${this.prefix}${key.pk}` } : key;
  }

  async get<T>(key: Key): Promise<T | undefined> {
    const res = await this.db.send(
      new GetCommand({ TableName: this.name, Key: this.key(key), ConsistentRead: true }),
    );
    return res.Item as T | undefined;
  }

  /** Many items by key, in batches. */
  getMany<T>(keys: Key[]): Promise<T[]> {
    return batchGet<T>(
      this.db,
      this.name,
      keys.map((k) => this.key(k)) as unknown as Record<string, unknown>[],
    );
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
          ExpressionAttributeValues: { ":pk": `${this.prefix}${pk}` },
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
        ExpressionAttributeValues: { ":pk": `${this.prefix}${pk}`, ":prefix": prefix },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return res.Items?.[0] as T | undefined;
  }

  /** Every item of this site with this sort key, page by page (a filtered scan: for rare, whole-table jobs). */
  async *scanBySortKey<T>(sk: string, pageSize: number): AsyncGenerator<T[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.send(
        new ScanCommand({
          TableName: this.name,
          FilterExpression: this.prefix
            ? "sk = :sk AND begins_with(pk, :site)"
            : "sk = :sk AND NOT begins_with(pk, :site)",
          ExpressionAttributeValues: { ":sk": sk, ":site": this.prefix || SITE_PREFIX },
          ExclusiveStartKey: start,
          Limit: pageSize,
        }),
      );
      start = res.LastEvaluatedKey;
      if (res.Items?.length) yield res.Items as T[];
    } while (start);
  }

  async put(key: Key, attributes: Record<string, unknown>): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.name, Item: { ...attributes, ...this.key(key) } }));
  }

  /** Puts many items, in batches (unconditional). */
  putMany(items: (Key & Record<string, unknown>)[]): Promise<void> {
    return batchPut(
      this.db,
      this.name,
      items.map((item) => this.key(item)),
    );
  }

  /** A conditional put; false when the condition does not hold. */
  async putIf(key: Key, attributes: Record<string, unknown>, condition: Condition): Promise<boolean> {
    return whenCondition(
      this.db.send(
        new PutCommand({ TableName: this.name, Item: { ...attributes, ...this.key(key) }, ...condition }),
      ),
    );
  }

  async update(key: Key, update: Update): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.name, Key: this.key(key), ...update }));
  }

  /** A conditional update; false when the condition does not hold. */
  async updateIf(key: Key, update: Update): Promise<boolean> {
    return whenCondition(
      this.db.send(new UpdateCommand({ TableName: this.name, Key: this.key(key), ...update })),
    );
  }

  async delete(key: Key): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.name, Key: this.key(key) }));
  }

  /** A conditional delete; false when the condition does not hold. */
  async deleteIf(key: Key, condition: Condition): Promise<boolean> {
    return whenCondition(
      this.db.send(new DeleteCommand({ TableName: this.name, Key: this.key(key), ...condition })),
    );
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
