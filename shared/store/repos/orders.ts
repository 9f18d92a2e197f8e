import type { OrderRecord } from "../../flows/records";
import { keys } from "../keys";
import type { StateTable } from "../state-table";

/** Order records: claims, creation and cancellation, each a single-item conditional write. */
export class OrderRepository {
  constructor(private readonly table: StateTable) {}

  get(orderId: string): Promise<OrderRecord | undefined> {
    return this.table.get<OrderRecord>(keys.order(orderId));
  }

  /** Records of many orders in batches (the order poll), by order id. */
  async getMany(orderIds: string[]): Promise<Map<string, OrderRecord>> {
    const rows = await this.table.getMany<OrderRecord>([...new Set(orderIds)].map(keys.order));
    return new Map(rows.map((r) => [r.orderId, r]));
  }

  /** Claims a Wix order for creation; false when another delivery already holds it. */
  claim(orderId: string, orderNumber: string, leaseSeconds: number): Promise<boolean> {
    const now = new Date();
    return this.table.putIf(
      keys.order(orderId),
      {
        orderId,
        orderNumber,
        state: "claimed",
        claimedAt: now.toISOString(),
        leaseUntil: now.getTime() + leaseSeconds * 1000,
        updatedAt: now.toISOString(),
      },
      {
        // A stale claim (its holder crashed) may be taken over after the lease; a canceled order
        // is never claimed again, whatever its state (this Put would wipe `canceled`).
        ConditionExpression:
          "attribute_not_exists(pk) OR (attribute_not_exists(canceled) AND ((#s = :claimed AND leaseUntil < :now) OR #s = :parked))",
        ExpressionAttributeNames: { "#s": "state" },
        ExpressionAttributeValues: { ":claimed": "claimed", ":parked": "parked", ":now": now.getTime() },
      },
    );
  }

  /**
   * Records an order as canceled before any Sales Order was made, in one conditional write: only
   * while no delivery holds a live claim on it (creating it right now) and it has no Sales Order.
   * False when a creation is in progress or done: the caller then cancels what it makes.
   */
  cancelBeforeCreate(orderId: string, orderNumber: string, parkedFor?: string): Promise<boolean> {
    const now = new Date();
    return this.table.updateIf(keys.order(orderId), {
      UpdateExpression:
        "SET orderId = :id, orderNumber = :num, #s = :parked, canceled = :true, cancelNote = :note, parkedReason = :note, leaseUntil = :zero, claimedAt = if_not_exists(claimedAt, :at), updatedAt = :at" +
        (parkedFor ? ", parkedFor = :for" : ""),
      ConditionExpression:
        "attribute_not_exists(salesOrder) AND (attribute_not_exists(pk) OR #s = :parked OR (#s = :claimed AND leaseUntil < :nowMs))",
      ExpressionAttributeNames: { "#s": "state" },
      ExpressionAttributeValues: {
        ":id": orderId,
        ":num": orderNumber,
        ":parked": "parked",
        ":claimed": "claimed",
        ":true": true,
        ":note": "canceled in Wix before it reached ERPNext",
        ":zero": 0,
        ":at": now.toISOString(),
        ":nowMs": now.getTime(),
        ...(parkedFor ? { ":for": parkedFor } : {}),
      },
    });
  }

  async update(orderId: string, patch: Partial<OrderRecord>): Promise<void> {
    const entries = Object.entries({ ...patch, updatedAt: new Date().toISOString() }).filter(
      ([, v]) => v !== undefined,
    );
    await this.table.update(keys.order(orderId), {
      UpdateExpression: `SET ${entries.map((_, i) => `#k${i} = :v${i}`).join(", ")}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#k${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
    });
    // The other way round, for the shipments flow: a Delivery Note names its Sales Order.
    if (patch.salesOrder)
      await this.table.put(keys.salesOrder(patch.salesOrder), { salesOrder: patch.salesOrder, orderId });
  }
}
