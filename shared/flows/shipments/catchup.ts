import type { ErpnextDocuments } from "#shared/flows/erpnext-documents";
import { frappeTimeToIso } from "../../frappe-time";
import type { FlowHeartbeat, Watermarks, WorkQueue } from "../job-ports";
import { modifiedSince, ordersUpdatedSince } from "../modified-since";
import type { OrderRecord } from "../records";
import type { WixOrder, WixOrderSearch } from "../wix-orders";
import type { ShipmentsMessage } from "./messages";
import type { ShipmentSettings, ShipmentsRepository, ShipmentsWix } from "./ports";
import { fulfillmentsInStep } from "./pull";

export interface ShipmentCatchupDeps {
  erpnext: Pick<ErpnextDocuments, "list">;
  wix: WixOrderSearch & Pick<ShipmentsWix, "orderFulfillments">;
  state: Watermarks &
    FlowHeartbeat & {
      getOrders(orderIds: string[]): Promise<Map<string, OrderRecord>>;
      shipments: Pick<ShipmentsRepository, "links">;
    };
  queue: WorkQueue<"shipments", ShipmentsMessage>;
  settings: { shipments: Pick<ShipmentSettings, "source"> };
}

/**
 * The safety net for lost webhooks, the way FULFILMENT_SOURCE runs: Delivery Notes modified since
 * the watermark (Frappe gives up on a webhook after three tries), or Wix fulfillments that ours do
 * not mirror (a lost `fulfillments_updated`), each enqueued as the webhook would have.
 */
export async function shipmentCatchup(deps: ShipmentCatchupDeps) {
  const enqueued =
    deps.settings.shipments.source === "wix"
      ? await fulfillmentCatchup(deps)
      : await deliveryNoteCatchup(deps);
  await deps.state.markSuccess("shipments");
  return { enqueued };
}

/** Submitted and cancelled Delivery Notes since the watermark; drafts are left for their submit. */
async function deliveryNoteCatchup(deps: ShipmentCatchupDeps): Promise<number> {
  let enqueued = 0;
  for await (const rows of modifiedSince<{ name: string; docstatus: number; modified: string }>(
    deps,
    "Delivery Note",
    "shipment-catchup",
    ["name", "docstatus"],
  )) {
    enqueued += await enqueue(
      deps,
      rows
        .filter((r) => Number(r.docstatus) > 0)
        .map((r) => ({
          kind: "delivery-note" as const,
          name: r.name,
          source: "catchup",
          changedAt: frappeTimeToIso(r.modified),
        })),
    );
  }
  return enqueued;
}

/**
 * Wix orders updated since a watermark of their own (a Wix time; a new or deleted fulfillment
 * moves the order's `fulfillmentStatus` and `updatedDate`), with the overlap: their fulfillments are
 * listed in one call per page and an order is enqueued only when they differ from our links.
 * The pull claims each fulfillment, so a webhook arriving too still makes one Delivery Note.
 */
async function fulfillmentCatchup(deps: ShipmentCatchupDeps): Promise<number> {
  let enqueued = 0;
  for await (const { orders } of ordersUpdatedSince(deps, "shipment-catchup-wix")) {
    enqueued += await enqueue(
      deps,
      (await outOfStep(deps, orders)).map((o) => ({
        kind: "fulfillments" as const,
        orderId: o.id,
        source: "catchup",
        changedAt: o.updatedDate,
      })),
    );
  }
  return enqueued;
}

async function enqueue(deps: ShipmentCatchupDeps, messages: ShipmentsMessage[]): Promise<number> {
  if (messages.length) await deps.queue.send("shipments", messages);
  return messages.length;
}

/** The orders of a page (at most 100: one List Fulfillments For Multiple Orders call) Wix and we disagree on. */
async function outOfStep(deps: ShipmentCatchupDeps, orders: WixOrder[]): Promise<WixOrder[]> {
  // Only APPROVED orders are fulfilled (Create Fulfillment); ours canceled or parked make no note.
  const records = await deps.state.getOrders(orders.map((o) => o.id));
  const open = orders.filter((o) => {
    const record = records.get(o.id);
    return o.status === "APPROVED" && !record?.canceled && record?.state !== "parked";
  });
  const links = new Map(
    await Promise.all(open.map(async (o) => [o.id, await deps.state.shipments.links(o.id)] as const)),
  );
  // Wix is asked only about orders with a fulfillment, or with one we mapped (it may be deleted).
  const asked = open.filter(
    (o) =>
      (o.fulfillmentStatus ?? "NOT_FULFILLED") !== "NOT_FULFILLED" ||
      links.get(o.id)?.some((l) => l.state === "linked"),
  );
  if (!asked.length) return [];
  const current = await deps.wix.orderFulfillments(asked.map((o) => o.id));
  return asked.filter((o) => !fulfillmentsInStep(current.get(o.id) ?? [], links.get(o.id) ?? []));
}
