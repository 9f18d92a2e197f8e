import { keys } from "../keys";
import type { StateTable } from "../state-table";

/** How far each job has read its source. */
export class WatermarkRepository {
  constructor(private readonly table: StateTable) {}

  async get(name: string): Promise<string | undefined> {
    return (await this.table.get<{ value: string }>(keys.watermark(name)))?.value;
  }

  /** Moves a watermark forward only: a late, slower run never moves it back. */
  advance(name: string, value: string): Promise<boolean> {
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
    return this.table.put(keys.watermark(name), { value, updatedAt: new Date().toISOString() });
  }
}
