import { keys } from "../keys";
import type { StateTable } from "../state-table";

/**
 * How far each job has read its source. `frozen` (test mode) keeps them where they are: what the
 * jobs read while no write was made is read again once the writes are made.
 */
export class WatermarkRepository {
  constructor(
    private readonly table: StateTable,
    private readonly frozen = false,
  ) {}

  async get(name: string): Promise<string | undefined> {
    return (await this.table.get<{ value: string }>(keys.watermark(name)))?.value;
  }

  /** Moves a watermark forward only: a late, slower run never moves it back. */
  advance(name: string, value: string): Promise<boolean> {
    if (this.frozen) return Promise.resolve(false);
    return this.table.putIf(
      keys.watermark(name),
      { value, updatedAt: new Date().toISOString() },
      {
        ConditionExpression: "attribute_not_exists(pk) OR #v < :v",
        ExpressionAttributeNames: { "#v": "value" },
        ExpressionAttributeValues: { ":v": value },
      },
    );
  }

  set(name: string, value: string): Promise<void> {
    if (this.frozen) return Promise.resolve();
    return this.table.put(keys.watermark(name), { value, updatedAt: new Date().toISOString() });
  }
}
