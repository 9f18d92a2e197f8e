import { waitForLease } from "../../concurrency";
import { AlreadyExistsError, NotFoundError, PermanentError, RetryableError } from "../../errors";
import { itemForLine, type SkuLookup } from "../line-items";
import type { Outcome } from "../records";
import { isSitesDocument, SITE_FIELD } from "../site-field";
import type { WixOrder } from "../wix-orders";
import {
  allocate,
  fulfilledQuantities,
  type OrderLine,
  sameLines,
  trackingInfoOf,
  trackingKey,
  trackingOfNote,
} from "./mapping";
import type { DeliveryNoteDoc, SalesOrderDoc, ShipmentDeps, ShipmentRecord } from "./ports";

/** A Sales Order another Wix site made: that site pushes its notes. */
const OTHER_SITE = Symbol("another site's");

/** One Sales Order's rows of a note, with what this site knows of them. */
interface OrderPart {
  salesOrder: string;
  /** Set for a note's second and later Sales Orders (ShipmentRecord `part`). */
  part?: string;
  record?: ShipmentRecord;
  /** Its Wix order (undefined: not made from one). */
  orderId?: string;
}

/** How long a delivery holds a Delivery Note while it creates the fulfillment. */
export const SHIPMENT_LEASE_SECONDS = 120;
/** How long a note waits for another note of the same order before it gives its message back. */
const ORDER_LEASE_WAIT_MS = 10_000;

export interface ShipmentResult {
  outcome: Outcome;
  reason?: string;
  fulfillmentId?: string;
  deliveryNote?: string;
}

/**
 * ERPNext -> Wix: a submitted Delivery Note against synced Sales Orders becomes one Wix fulfillment
 * per order, for the lines and quantities it ships of that order, with its tracking; an edited
 * tracking number updates them; a cancelled note deletes them. ERPNext joins several Sales Orders
 * of one customer into one note (`make_delivery_note` with a target note, `po_no` then joined:
 * erpnext/controllers/selling_controller.py set_pos_for_delivery_note), so the rows are grouped by
 * their `against_sales_order`. The note is re-read on every message (the truth), so duplicate and
 * out-of-order deliveries change nothing more. Exactly once: a conditional claim per note and
 * order, and before creating, a fulfillment of the order with the same tracking number or the same
 * lines that no other note maps is adopted (our own earlier create whose answer was lost).
 */
export class ShipmentPush {
  constructor(private readonly deps: ShipmentDeps) {}

  async push(name: string): Promise<ShipmentResult[]> {
    const { erpnext, settings } = this.deps;
    const dn = await erpnext.find<DeliveryNoteDoc>("Delivery Note", name);
    if (!dn) return [{ outcome: "skipped", reason: "Delivery Note not found (a deleted draft)" }];
    const salesOrders = [...new Set(dn.items.flatMap((i) => i.against_sales_order ?? []))];
    if (!salesOrders.length) return [{ outcome: "skipped", reason: "not made against a Sales Order" }];
    // Every site's worker gets ERPNext's Delivery Notes: each pushes the rows of its own Sales
    // Orders and says nothing of the others' (the part keeps its place among all of them).
    const mine: OrderPart[] = [];
    for (const [i, salesOrder] of salesOrders.entries()) {
      const part = i === 0 ? undefined : salesOrder;
      const record = await this.deps.state.shipments.get(dn.name, part);
      const orderId = record ? record.orderId : await this.orderOf(salesOrder);
      if (orderId !== OTHER_SITE) mine.push({ salesOrder, part, record, orderId });
    }
    if (!mine.length) return [];
    if (settings.source === "wix")
      return [
        { outcome: "ignored", reason: "FULFILMENT_SOURCE=wix: Wix fulfillments make the Delivery Notes" },
      ];
    if (dn.is_return) return [{ outcome: "skipped", reason: "a return: the refunds flow books it" }];
    if (dn.docstatus === 0) return [{ outcome: "skipped", reason: "draft: pushed once submitted" }];
    // Each order on its own: one refused (or retried) does not hold back the others.
    const results: ShipmentResult[] = [];
    let failure: unknown;
    for (const order of mine) {
      try {
        results.push(await this.pushOrder(dn, order));
      } catch (error) {
        // A retry runs every order again (each is idempotent): retryable wins over permanent.
        if (
          failure === undefined ||
          (error instanceof RetryableError && !(failure instanceof RetryableError))
        )
          failure = error;
      }
    }
    if (failure !== undefined) throw failure;
    return results;
  }

  /** The note's rows of one Sales Order: its fulfillment made, updated or deleted. */
  private async pushOrder(
    dn: DeliveryNoteDoc,
    { salesOrder, part, record, orderId }: OrderPart,
  ): Promise<ShipmentResult> {
    const { state } = this.deps;
    if (dn.docstatus === 2) return this.cancelled(dn, record, part);
    if (record?.state === "created") return this.updateTracking(dn, record);
    if (record?.state === "deleted") return { outcome: "skipped", reason: "its fulfillment was deleted" };
    if (!orderId)
      return { outcome: "skipped", reason: `Sales Order ${salesOrder} was not made from a Wix order` };
    if (!(await state.shipments.claim(dn.name, orderId, SHIPMENT_LEASE_SECONDS, part))) {
      const now = await state.shipments.get(dn.name, part);
      if (now?.state === "created") return this.updateTracking(dn, now);
      if (now?.state === "deleted") return { outcome: "skipped", reason: "its fulfillment was deleted" };
      throw new RetryableError(
        `Delivery Note ${dn.name} (${salesOrder}): another delivery is creating its fulfillment`,
      );
    }
    // One note of an order at a time: two notes with the same lines made at once would each take
    // the other's new fulfillment for their own lost create (`create` adopts by lines).
    const orderLease = `shipment-order:${orderId}`;
    const leased = await waitForLease(() => state.claim(orderLease, SHIPMENT_LEASE_SECONDS), {
      waitMs: ORDER_LEASE_WAIT_MS,
      pauseMs: 100,
    });
    try {
      if (!leased)
        throw new RetryableError(
          `Delivery Note ${dn.name}: another note of Wix order ${orderId} is being pushed`,
        );
      return await this.create(dn, salesOrder, orderId, part);
    } catch (error) {
      await state.shipments.release(dn.name, part).catch(() => undefined);
      throw error;
    } finally {
      if (leased) await state.release(orderLease).catch(() => undefined);
    }
  }

  /**
   * The Wix order of a Sales Order of this site: our record of it, else the order id on the Sales
   * Order; an amended Sales Order (`<name>-1`, `amended_from`: frappe/model/naming.py
   * _get_amended_name) is looked up as the one it amends, back to the one we made. Amend copies
   * every field, even our `no_copy` `wix_order_id` and `wix_site` (copy_doc with from_amend,
   * frappe/public/js/frappe/model/create_new.js), but our record may still name the Sales Order we
   * created (shared/flows/amendments.ts moves it). OTHER_SITE for another site's Sales Order (its
   * `wix_site`; one without is the default site's: shared/flows/site-field.ts), undefined for one
   * of ours not made from a Wix order.
   */
  private async orderOf(salesOrder: string): Promise<string | typeof OTHER_SITE | undefined> {
    const { erpnext, state, settings } = this.deps;
    const seen = new Set<string>();
    let recorded: string | undefined;
    for (let name: string | undefined = salesOrder; name && !seen.has(name); ) {
      seen.add(name);
      let orderId = await state.shipments.orderOfSalesOrder(name);
      let so: SalesOrderDoc | undefined;
      if (!orderId) {
        so = await erpnext.find<SalesOrderDoc>("Sales Order", name);
        recorded ||= so?.[SITE_FIELD];
        if (recorded && recorded !== settings.site) return OTHER_SITE;
        // `wix_order_id` (setup's Custom Field) when the status write-back filled it; the orders
        // flow's record must agree, so a hand-typed id cannot send shipments to another order.
        const candidate = so?.wix_order_id;
        if (candidate && (await state.getOrder(candidate))?.salesOrder === name) orderId = candidate;
      }
      if (orderId) {
        // Kept under the note's own Sales Order: its next note finds it at once.
        if (so || name !== salesOrder) await state.shipments.putSalesOrder(salesOrder, orderId);
        return orderId;
      }
      name = so?.amended_from;
    }
    return isSitesDocument(recorded, settings.site) ? undefined : OTHER_SITE;
  }

  private async create(
    dn: DeliveryNoteDoc,
    salesOrder: string,
    orderId: string,
    part: string | undefined,
  ): Promise<ShipmentResult> {
    const { wix, state, erpnext, log } = this.deps;
    const order = await wix.getOrder(orderId);
    if (!order) throw new RetryableError(`Wix order ${orderId} not found`);
    const so = await erpnext.get<SalesOrderDoc>("Sales Order", salesOrder);
    const existing = (await wix.orderFulfillments([orderId])).get(orderId) ?? [];
    const { trackingInfo, note } = trackingInfoOf(trackingOfNote(dn));
    const lines = await orderLines(order, state);
    const wanted = dn.items
      .filter((row) => row.against_sales_order === salesOrder)
      .map((row) => ({
        itemCode: row.item_code,
        qty: Number(row.qty),
        hint: so.items.find((r) => r.name === row.so_detail)?.idx,
      }));
    // Another note's fulfillment is not ours to adopt.
    const mapped = new Set(
      (await state.shipments.links(orderId))
        .filter((l) => l.deliveryNote !== dn.name && l.state !== "cancelled")
        .map((l) => l.fulfillmentId),
    );
    const free = existing.filter((f) => f.id && !mapped.has(f.id));
    // Our own create whose answer was lost counts as fulfilled already: look for it first.
    const mine = allocate(
      wanted.map((w) => ({ ...w, hint: w.hint === undefined ? undefined : w.hint - 1 })),
      lines,
      fulfilledQuantities(existing.filter((f) => mapped.has(f.id as string))),
    );
    const adopted = free.find(
      (f) =>
        (trackingInfo?.trackingNumber && f.trackingInfo?.trackingNumber === trackingInfo.trackingNumber) ||
        (sameLines(f.lineItems, mine.lineItems) &&
          (f.trackingInfo?.trackingNumber ?? "") === (trackingInfo?.trackingNumber ?? "")),
    );
    let fulfillmentId: string;
    let outcome: Outcome;
    if (adopted?.id) {
      fulfillmentId = adopted.id;
      outcome = "linked";
    } else {
      const placed = allocate(
        wanted.map((w) => ({ ...w, hint: w.hint === undefined ? undefined : w.hint - 1 })),
        lines,
        fulfilledQuantities(existing),
      );
      if (placed.unplaced.length)
        throw new PermanentError(
          `Delivery Note ${dn.name} ships more than Wix order ${order.number} has left to fulfil: ${placed.unplaced.map((u) => `${u.qty} x ${u.itemCode}`).join(", ")}`,
        );
      try {
        ({ fulfillmentId } = await wix.createFulfillment(orderId, {
          lineItems: placed.lineItems,
          ...(trackingInfo ? { trackingInfo } : {}),
        }));
        outcome = "created";
      } catch (error) {
        if (!(error instanceof AlreadyExistsError) || !trackingInfo?.trackingNumber) throw error;
        // TRACKING_NUMBER_ALREADY_EXISTS: a create of ours went through after all; adopt it.
        const again = (await wix.orderFulfillments([orderId])).get(orderId) ?? [];
        const same = again.find(
          (f) =>
            f.trackingInfo?.trackingNumber === trackingInfo.trackingNumber && !mapped.has(f.id as string),
        );
        if (!same?.id)
          throw new PermanentError(
            `Delivery Note ${dn.name}: tracking number ${trackingInfo.trackingNumber} is already on another shipment of order ${order.number}`,
          );
        fulfillmentId = same.id;
        outcome = "linked";
      }
    }
    // Billing first (see FulfillmentPull.makeNote): a failed send retries and adopts the fulfillment.
    await this.deps.onDelivered?.(orderId);
    const tracking = trackingKey(trackingInfo);
    await state.shipments.putLink({
      orderId,
      fulfillmentId,
      deliveryNote: dn.name,
      state: "linked",
      tracking,
    });
    await state.shipments.put({
      deliveryNote: dn.name,
      orderId,
      salesOrder,
      state: "created",
      fulfillmentId,
      tracking,
      ...(part ? { part } : {}),
    });
    await log.write({
      flow: "shipments",
      key: dn.name,
      outcome,
      ...(note ? { reason: note } : {}),
      details: { orderId, orderNumber: order.number, fulfillmentId, salesOrder, direction: "erpnext->wix" },
    });
    return { outcome, fulfillmentId, deliveryNote: dn.name, reason: note };
  }

  /** A submitted note already shipped to Wix: send its tracking again if it was edited. */
  private async updateTracking(dn: DeliveryNoteDoc, record: ShipmentRecord): Promise<ShipmentResult> {
    const { wix, state, log } = this.deps;
    const { trackingInfo, note } = trackingInfoOf(trackingOfNote(dn));
    const tracking = trackingKey(trackingInfo);
    const fulfillmentId = record.fulfillmentId as string;
    if (tracking === record.tracking) return { outcome: "skipped", reason: "unchanged", fulfillmentId };
    try {
      // `null` clears the tracking (Update Fulfillment doc comment).
      await wix.updateFulfillment(record.orderId, {
        id: fulfillmentId,
        trackingInfo: trackingInfo ?? (null as unknown as undefined),
      });
    } catch (error) {
      if (error instanceof NotFoundError) {
        await log.write({
          flow: "shipments",
          key: dn.name,
          outcome: "skipped",
          reason: "its fulfillment was deleted in Wix",
        });
        return { outcome: "skipped", reason: "its fulfillment was deleted in Wix", fulfillmentId };
      }
      if (error instanceof AlreadyExistsError)
        throw new PermanentError(
          `Delivery Note ${dn.name}: tracking number ${trackingInfo?.trackingNumber} is already on another shipment`,
        );
      throw error;
    }
    await state.shipments.put({ ...record, tracking });
    await state.shipments.putLink({
      orderId: record.orderId,
      fulfillmentId,
      deliveryNote: dn.name,
      state: "linked",
      tracking,
    });
    await log.write({
      flow: "shipments",
      key: dn.name,
      outcome: "updated",
      reason: note ?? "tracking edited",
      details: { orderId: record.orderId, fulfillmentId, trackingNumber: trackingInfo?.trackingNumber },
    });
    return { outcome: "updated", fulfillmentId, deliveryNote: dn.name };
  }

  /** A cancelled note: its fulfillment is deleted (once); a note never pushed stays out of Wix. */
  private async cancelled(
    dn: DeliveryNoteDoc,
    record: ShipmentRecord | undefined,
    part: string | undefined,
  ): Promise<ShipmentResult> {
    const { wix, state, log } = this.deps;
    if (!record) {
      // Recorded only if no delivery claimed it meanwhile; otherwise look again when it is done.
      if (
        await state.shipments.putIfAbsent({
          deliveryNote: dn.name,
          orderId: "",
          state: "deleted",
          ...(part ? { part } : {}),
        })
      )
        return { outcome: "skipped", reason: "cancelled before it reached Wix" };
      throw new RetryableError(`Delivery Note ${dn.name}: cancelled while its fulfillment is being created`);
    }
    if (record.state === "deleted")
      return { outcome: "skipped", reason: "its fulfillment is deleted already" };
    if (record.state === "claimed" && (record.leaseUntil ?? 0) > Date.now())
      throw new RetryableError(`Delivery Note ${dn.name}: cancelled while its fulfillment is being created`);
    if (record.fulfillmentId) {
      try {
        await wix.deleteFulfillment(record.orderId, record.fulfillmentId);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
      await state.shipments.putLink({
        orderId: record.orderId,
        fulfillmentId: record.fulfillmentId,
        deliveryNote: dn.name,
        state: "cancelled",
      });
    }
    await state.shipments.put({ ...record, state: "deleted" });
    await log.write({
      flow: "shipments",
      key: dn.name,
      outcome: "updated",
      reason: "Delivery Note cancelled: fulfillment deleted",
      details: { orderId: record.orderId, fulfillmentId: record.fulfillmentId },
    });
    return { outcome: "updated", reason: "fulfillment deleted", fulfillmentId: record.fulfillmentId };
  }
}

/** The Wix order's lines with their ERPNext item codes (SKU first, then our product mapping). */
export async function orderLines(order: WixOrder, state: SkuLookup): Promise<OrderLine[]> {
  const out: OrderLine[] = [];
  for (const [index, line] of order.lineItems.entries()) {
    const itemCode = await itemForLine(line, state);
    out.push({ id: line.id, itemCode, quantity: line.quantity, index });
  }
  return out;
}
