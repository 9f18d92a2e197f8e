import { PermanentError, RetryableError } from "../../errors";
import { followAmendments } from "../amendments";
import type { WixFulfillment } from "../wix-fulfillments";
import { trackingKey } from "./mapping";
import type { DeliveryNoteDoc, DeliveryNoteItem, FulfillmentLink, ShipmentDeps } from "./ports";
import { orderLines, SHIPMENT_LEASE_SECONDS, type ShipmentResult } from "./push";

/** Sales Order -> Delivery Note mapper (erpnext/selling/doctype/sales_order/sales_order.py). */
export const MAKE_DELIVERY_NOTE = "erpnext.selling.doctype.sales_order.sales_order.make_delivery_note";

/**
 * Wix -> ERPNext (FULFILMENT_SOURCE=wix, for merchants who ship from Wix): each Wix fulfillment
 * becomes one submitted Delivery Note made with ERPNext's own mapper (`make_delivery_note`) for
 * the fulfilled quantities, so stock leaves ERPNext; a fulfillment gone cancels its note; an
 * edited tracking number is written to the note's Custom Fields. The order's fulfillment list is
 * re-read from Wix on every message and compared with our links, so redelivered and out-of-order
 * events change nothing more; a conditional claim per fulfillment id keeps concurrent deliveries
 * to one note, and a crash after the insert finds the note again by its `wix_fulfillment_id`.
 */
export class FulfillmentPull {
  constructor(private readonly deps: ShipmentDeps) {}

  async pull(orderId: string): Promise<ShipmentResult[]> {
    const { wix, state, settings } = this.deps;
    if (settings.source !== "wix")
      return [
        { outcome: "ignored", reason: "FULFILMENT_SOURCE=erpnext: fulfillments come from Delivery Notes" },
      ];
    const record = await state.getOrder(orderId);
    if (record?.canceled) return [{ outcome: "skipped", reason: "the order is canceled" }];
    // The order may be on its way into ERPNext right now: try again later (parked after five tries).
    if (!record?.salesOrder) throw new RetryableError(`Wix order ${orderId} has no Sales Order yet`);
    const current = (await wix.orderFulfillments([orderId])).get(orderId) ?? [];
    const links = new Map((await state.shipments.links(orderId)).map((l) => [l.fulfillmentId, l]));
    const results: ShipmentResult[] = [];
    let salesOrder: string | undefined;
    for (const fulfillment of current) {
      const link = links.get(fulfillment.id as string);
      if (link?.state === "cancelled") continue; // a deleted fulfillment's id never comes back
      if (link?.state === "linked") results.push(await this.retrack(link, fulfillment));
      else {
        // Amended in ERPNext: the note is mapped from the live amendment, not the cancelled one.
        salesOrder ??= await followAmendments(this.deps, orderId, record.salesOrder);
        results.push(await this.deliver(orderId, salesOrder, fulfillment));
      }
    }
    const present = new Set(current.map((f) => f.id));
    for (const link of links.values())
      if (link.state === "linked" && !present.has(link.fulfillmentId)) results.push(await this.cancel(link));
    return results.length ? results : [{ outcome: "skipped", reason: "no fulfillment changed" }];
  }

  /** A new fulfillment: its Delivery Note, exactly once. */
  private async deliver(orderId: string, salesOrder: string, f: WixFulfillment): Promise<ShipmentResult> {
    const { state } = this.deps;
    const id = f.id as string;
    if (!(await state.shipments.claimLink(orderId, id, SHIPMENT_LEASE_SECONDS)))
      throw new RetryableError(`fulfillment ${id}: another delivery is making its Delivery Note`);
    try {
      return await this.makeNote(orderId, salesOrder, f);
    } catch (error) {
      await state.shipments.releaseLink(orderId, id).catch(() => undefined);
      throw error;
    }
  }

  private async makeNote(orderId: string, salesOrder: string, f: WixFulfillment): Promise<ShipmentResult> {
    const { erpnext, wix, state, log, settings } = this.deps;
    const id = f.id as string;
    const tracking = f.trackingInfo ?? {};
    // A crash after the insert: the note is there with our id on it.
    const [found] = await erpnext.list<{ name: string }>("Delivery Note", {
      fields: ["name"],
      filters: [
        ["wix_fulfillment_id", "=", id],
        ["docstatus", "=", 1],
      ],
      pageLength: 1,
    });
    let name = found?.name;
    let outcome: ShipmentResult["outcome"] = "linked";
    if (!name) {
      const order = await wix.getOrder(orderId);
      if (!order) throw new RetryableError(`Wix order ${orderId} not found`);
      const lines = await orderLines(order, state);
      const draft = await erpnext.mapDocument<Record<string, unknown> & { items: DeliveryNoteItem[] }>(
        MAKE_DELIVERY_NOTE,
        salesOrder,
      );
      const items = quantitiesOf(f, lines, draft.items, settings.warehouse, order.number);
      const made = await erpnext.insert<DeliveryNoteDoc>("Delivery Note", {
        ...draft,
        items,
        // Shipping and fees are money: the Sales Invoice carries them, not the Delivery Note.
        taxes: [],
        wix_fulfillment_id: id,
        ...(tracking.trackingNumber ? { wix_tracking_number: tracking.trackingNumber } : {}),
        ...(tracking.shippingProvider ? { wix_carrier: tracking.shippingProvider } : {}),
        ...(tracking.trackingLink ? { wix_tracking_link: tracking.trackingLink } : {}),
        docstatus: 1,
      });
      name = made.name;
      outcome = "created";
    }
    // Billing hears of it before the link is recorded: a failed send retries the message, which
    // finds the note again by its wix_fulfillment_id, instead of being lost behind a finished link.
    await this.deps.onDelivered?.(orderId);
    const key = trackingKey(f.trackingInfo);
    await state.shipments.putLink({
      orderId,
      fulfillmentId: id,
      deliveryNote: name,
      state: "linked",
      tracking: key,
    });
    // The note's own record, so its webhook (our insert) is known as done.
    await state.shipments.put({
      deliveryNote: name,
      orderId,
      salesOrder,
      state: "created",
      fulfillmentId: id,
      tracking: key,
    });
    await log.write({
      flow: "shipments",
      key: name,
      outcome,
      details: { orderId, fulfillmentId: id, salesOrder, direction: "wix->erpnext" },
    });
    return { outcome, deliveryNote: name, fulfillmentId: id };
  }

  /** A fulfillment whose tracking changed in Wix: the note's tracking fields follow (allow_on_submit). */
  private async retrack(link: FulfillmentLink, f: WixFulfillment): Promise<ShipmentResult> {
    const { erpnext, state, log } = this.deps;
    const key = trackingKey(f.trackingInfo);
    if (key === link.tracking || !link.deliveryNote)
      return { outcome: "skipped", reason: "unchanged", fulfillmentId: link.fulfillmentId };
    await erpnext.update("Delivery Note", link.deliveryNote, {
      wix_tracking_number: f.trackingInfo?.trackingNumber ?? "",
      wix_carrier: f.trackingInfo?.shippingProvider ?? "",
      wix_tracking_link: f.trackingInfo?.trackingLink ?? "",
    });
    await state.shipments.putLink({ ...link, tracking: key });
    await log.write({
      flow: "shipments",
      key: link.deliveryNote,
      outcome: "updated",
      reason: "tracking edited in Wix",
      details: { orderId: link.orderId, fulfillmentId: link.fulfillmentId },
    });
    return { outcome: "updated", deliveryNote: link.deliveryNote, fulfillmentId: link.fulfillmentId };
  }

  /** A fulfillment deleted in Wix: its Delivery Note is cancelled (stock comes back). */
  private async cancel(link: FulfillmentLink): Promise<ShipmentResult> {
    const { erpnext, state, log } = this.deps;
    const name = link.deliveryNote as string;
    const dn = await erpnext.find<DeliveryNoteDoc>("Delivery Note", name);
    if (dn?.docstatus === 1) await erpnext.update("Delivery Note", name, { docstatus: 2 });
    await state.shipments.putLink({ ...link, state: "cancelled" });
    const record = await state.shipments.get(name);
    if (record) await state.shipments.put({ ...record, state: "deleted" });
    await log.write({
      flow: "shipments",
      key: name,
      outcome: "updated",
      reason: "fulfillment deleted in Wix: Delivery Note cancelled",
      details: { orderId: link.orderId, fulfillmentId: link.fulfillmentId },
    });
    return {
      outcome: "updated",
      reason: "Delivery Note cancelled",
      deliveryNote: name,
      fulfillmentId: link.fulfillmentId,
    };
  }
}

/**
 * Whether our links already mirror the order's Wix fulfillments, i.e. `pull` would change nothing:
 * every fulfillment linked with its tracking (or cancelled for good), every linked one still in Wix.
 */
export function fulfillmentsInStep(current: WixFulfillment[], links: FulfillmentLink[]): boolean {
  const byId = new Map(links.map((l) => [l.fulfillmentId, l]));
  const present = new Set(current.map((f) => f.id));
  return (
    current.every((f) => {
      const link = byId.get(f.id as string);
      return (
        link?.state === "cancelled" ||
        (link?.state === "linked" && link.tracking === trackingKey(f.trackingInfo))
      );
    }) && links.every((l) => l.state !== "linked" || present.has(l.fulfillmentId))
  );
}

/**
 * The mapper's rows cut to one fulfillment: each Wix line's quantity goes to the Sales Order rows
 * of its item (the row at the line's position first, as the orders flow made them), never above
 * what a row has left to deliver; rows that ship nothing are dropped.
 */
export function quantitiesOf(
  f: WixFulfillment,
  lines: { id: string; itemCode?: string; index: number }[],
  rows: DeliveryNoteItem[],
  warehouse: string | undefined,
  orderNumber: string,
): DeliveryNoteItem[] {
  const left = rows.map((r) => Number(r.qty));
  const qty = rows.map(() => 0);
  for (const wanted of f.lineItems ?? []) {
    const line = lines.find((l) => l.id === wanted.id);
    let need = wanted.quantity ?? 0;
    const order = rows
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => line?.itemCode && r.item_code === line.itemCode)
      .sort((a, b) => Number(b.i === line?.index) - Number(a.i === line?.index));
    for (const { i } of order) {
      const take = Math.min(need, left[i] as number);
      left[i] = (left[i] as number) - take;
      qty[i] = (qty[i] as number) + take;
      need -= take;
    }
    if (need > 0)
      throw new PermanentError(
        `fulfillment ${f.id} of order ${orderNumber}: ${need} x ${line?.itemCode ?? wanted.id} is not left to deliver on the Sales Order`,
      );
  }
  const items = rows
    .map((r, i) => ({ ...r, qty: qty[i] as number, warehouse: r.warehouse || warehouse }))
    .filter((r) => r.qty > 0);
  if (!items.length) throw new PermanentError(`fulfillment ${f.id} of order ${orderNumber} ships nothing`);
  return items;
}
