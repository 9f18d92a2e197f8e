import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure, nowSeconds } from "./dynamo";

/** Remembers keys (webhook event ids) for a while; `firstSeen` is true once per key. */
export class IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async firstSeen(key: string, ttlSeconds = 3 * 86400): Promise<boolean> {
    const now = nowSeconds();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { id: key, expiration: now + ttlSeconds },
          // dynalite has no TTL: an expired key counts as unseen.
          ConditionExpression: "attribute_not_exists(id) OR expiration < :now",
          ExpressionAttributeValues: { ":now": now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
