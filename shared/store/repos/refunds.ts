import type { RefundRecord, RestockRecord } from "../../flows/refunds/ports";
import { keys } from "../keys";
import type { StateTable } from "../state-table";

/** Refund records, one item each; the first write is conditional so two bookings never both start. */
export class RefundRepository {
  constructor(private readonly table: StateTable) {}

  get(refundId: string): Promise<RefundRecord | undefined> {
    return this.table.get<RefundRecord>(keys.refund(refundId));
  }

  /** Records of many refunds (an order's), by refund id. */
  async getMany(refundIds: string[]): Promise<Map<string, RefundRecord>> {
    const rows = await this.table.getMany<RefundRecord>([...new Set(refundIds)].map(keys.refund));
    return new Map(rows.map((r) => [r.refundId, r]));
  }

  /** Starts a refund's booking; false when a record exists already (booked, parked or started). */
  start(refundId: string, orderId: string): Promise<boolean> {
    return this.table.putIf(
      keys.refund(refundId),
      { refundId, orderId, state: "booking", updatedAt: new Date().toISOString() },
      { ConditionExpression: "attribute_not_exists(pk)" },
    );
  }

  async update(refundId: string, patch: Partial<RefundRecord>): Promise<void> {
    const entries = Object.entries({ ...patch, updatedAt: new Date().toISOString() }).filter(
      ([, v]) => v !== undefined,
    );
    await this.table.update(keys.refund(refundId), {
      UpdateExpression: `SET ${entries.map((_, i) => `#k${i} = :v${i}`).join(", ")}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#k${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
    });
  }

  getRestock(orderId: string): Promise<RestockRecord | undefined> {
    return this.table.get<RestockRecord>(keys.refundRestock(orderId));
  }

  async putRestock(record: Omit<RestockRecord, "updatedAt">): Promise<void> {
    await this.table.put(keys.refundRestock(record.orderId), {
      ...record,
      updatedAt: new Date().toISOString(),
    });
  }
}
