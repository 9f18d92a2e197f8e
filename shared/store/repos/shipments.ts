import type { FulfillmentLink, ShipmentRecord } from "../../flows/shipments/ports";
import { keys } from "../keys";
import type { StateTable } from "../state-table";

const STALE_OR_FREE = "attribute_not_exists(pk) OR (#s = :claimed AND leaseUntil < :now)";

/** Shipments both ways: Delivery Note <-> fulfillment, and the Wix order of a Sales Order. */
export class ShipmentRepository {
  constructor(private readonly table: StateTable) {}

  get(deliveryNote: string, part?: string): Promise<ShipmentRecord | undefined> {
    return this.table.get<ShipmentRecord>(keys.shipment(deliveryNote, part));
  }

  /**
   * Claims a Delivery Note for creating its fulfillment; false while another delivery holds a
   * live claim or the fulfillment is made (a crashed holder's claim is taken over after its lease).
   */
  claim(deliveryNote: string, orderId: string, leaseSeconds: number, part?: string): Promise<boolean> {
    return this.claimRecord(
      keys.shipment(deliveryNote, part),
      { deliveryNote, orderId, ...(part ? { part } : {}) },
      leaseSeconds,
    );
  }

  /** Writes the record (after the claim holder's work, or a cancellation). */
  put(record: Omit<ShipmentRecord, "updatedAt">): Promise<void> {
    return this.table.put(keys.shipment(record.deliveryNote, record.part), {
      ...record,
      leaseUntil: 0,
      updatedAt: new Date().toISOString(),
    });
  }

  /** Writes the record only when the note has none (a cancellation that met no claim); false otherwise. */
  putIfAbsent(record: Omit<ShipmentRecord, "updatedAt">): Promise<boolean> {
    return this.table.putIf(
      keys.shipment(record.deliveryNote, record.part),
      { ...record, leaseUntil: 0, updatedAt: new Date().toISOString() },
      { ConditionExpression: "attribute_not_exists(pk)" },
    );
  }

  /** Lets the claim go at once (the work failed; the next delivery may try again). */
  async release(deliveryNote: string, part?: string): Promise<void> {
    await this.table.updateIf(keys.shipment(deliveryNote, part), {
      UpdateExpression: "SET leaseUntil = :zero",
      ConditionExpression: "#s = :claimed",
      ExpressionAttributeNames: { "#s": "state" },
      ExpressionAttributeValues: { ":zero": 0, ":claimed": "claimed" },
    });
  }

  /** Every fulfillment of a Wix order we map. */
  links(orderId: string): Promise<FulfillmentLink[]> {
    return this.table.partition<FulfillmentLink>(keys.fulfillmentPartition(orderId));
  }

  getLink(orderId: string, fulfillmentId: string): Promise<FulfillmentLink | undefined> {
    return this.table.get<FulfillmentLink>(keys.fulfillment(orderId, fulfillmentId));
  }

  /** Claims a Wix fulfillment for making its Delivery Note; false while held or done. */
  claimLink(orderId: string, fulfillmentId: string, leaseSeconds: number): Promise<boolean> {
    return this.claimRecord(
      keys.fulfillment(orderId, fulfillmentId),
      { orderId, fulfillmentId },
      leaseSeconds,
    );
  }

  /** A record in state "claimed" until the lease ends: written only when free or when a claim lapsed. */
  private claimRecord(
    key: Parameters<StateTable["putIf"]>[0],
    fields: Record<string, string>,
    leaseSeconds: number,
  ) {
    const now = Date.now();
    return this.table.putIf(
      key,
      {
        ...fields,
        state: "claimed",
        leaseUntil: now + leaseSeconds * 1000,
        updatedAt: new Date(now).toISOString(),
      },
      {
        ConditionExpression: STALE_OR_FREE,
        ExpressionAttributeNames: { "#s": "state" },
        ExpressionAttributeValues: { ":claimed": "claimed", ":now": now },
      },
    );
  }

  putLink(link: Omit<FulfillmentLink, "updatedAt">): Promise<void> {
    return this.table.put(keys.fulfillment(link.orderId, link.fulfillmentId), {
      ...link,
      leaseUntil: 0,
      updatedAt: new Date().toISOString(),
    });
  }

  async releaseLink(orderId: string, fulfillmentId: string): Promise<void> {
    await this.table.updateIf(keys.fulfillment(orderId, fulfillmentId), {
      UpdateExpression: "SET leaseUntil = :zero",
      ConditionExpression: "#s = :claimed",
      ExpressionAttributeNames: { "#s": "state" },
      ExpressionAttributeValues: { ":zero": 0, ":claimed": "claimed" },
    });
  }

  /** The Wix order a Sales Order was made from (written with the orders flow's record). */
  async orderOfSalesOrder(salesOrder: string): Promise<string | undefined> {
    return (await this.table.get<{ orderId: string }>(keys.salesOrder(salesOrder)))?.orderId;
  }

  putSalesOrder(salesOrder: string, orderId: string): Promise<void> {
    return this.table.put(keys.salesOrder(salesOrder), { salesOrder, orderId });
  }
}
