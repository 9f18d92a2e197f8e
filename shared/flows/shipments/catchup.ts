import type { ErpnextDocuments } from "#shared/flows/erpnext-documents";
import { frappeTimeToIso } from "../../frappe-time";
import type { FlowHeartbeat, Watermarks, WorkQueue } from "../job-ports";
import { modifiedSince, ordersUpdatedSince } from "../modified-since";
import type { OrderRecord } from "../records";
import type { WixOrder, WixOrderSearch } from "../wix-orders";
import type { ShipmentsMessage } from "./messages";
import type { ShipmentSettings, ShipmentsRepository, ShipmentsWix } from "./ports";
import { fulfillmentsInStep } from "./pull";

/** One Wix site's part of the catch-up (the jobs function's core of that site). */
export interface ShipmentCatchupSite {
  wix: WixOrderSearch & Pick<ShipmentsWix, "orderFulfillments">;
  state: Watermarks &
    FlowHeartbeat & {
      getOrders(orderIds: string[]): Promise<Map<string, OrderRecord>>;
      shipments: Pick<ShipmentsRepository, "links">;
    };
  queue: WorkQueue<"shipments", ShipmentsMessage>;
  settings: { shipments: Pick<ShipmentSettings, "source"> };
}

export interface ShipmentCatchupDeps extends ShipmentCatchupSite {
  erpnext: Pick<ErpnextDocuments, "list">;
  /** Every site's part, when the jobs function runs the job once for all (several sites). */
  sites?: ShipmentCatchupSite[];
}

/**
 * The safety net for lost webhooks, the way FULFILMENT_SOURCE runs: Delivery Notes modified since
 * the watermark (Frappe gives up on a webhook after three tries), or Wix fulfillments that ours do
 * not mirror (a lost `fulfillments_updated`), each enqueued as the webhook would have. Run once for
 * every site: the Delivery Notes are read once, with one watermark for all (the state it is run
 * with), and queued naming no site, as their webhooks are: each site's worker pushes the notes of
 * its own Sales Orders (shipments/push.ts). Each site that ships from Wix reads its own Wix
 * orders, side by side; one site's failure does not keep the others from theirs.
 */
export async function shipmentCatchup(deps: ShipmentCatchupDeps) {
  const sites = deps.sites ?? [deps];
  const fromWix = sites.filter((site) => site.settings.shipments.source === "wix");
  const notes = fromWix.length < sites.length ? await deliveryNoteCatchup(deps) : 0;
  const runs = await Promise.allSettled(fromWix.map((site) => fulfillmentCatchup(site)));
  for (const site of sites)
    if (runs[fromWix.indexOf(site)]?.status !== "rejected") await site.state.markSuccess("shipments");
  const failed = runs.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  const fulfillments = runs.reduce((n, r) => n + (r.status === "fulfilled" ? r.value : 0), 0);
  return { enqueued: notes + fulfillments };
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
async function fulfillmentCatchup(deps: ShipmentCatchupSite): Promise<number> {
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

async function enqueue(deps: ShipmentCatchupSite, messages: ShipmentsMessage[]): Promise<number> {
  if (messages.length) await deps.queue.send("shipments", messages);
  return messages.length;
}

/** The orders of a page (at most 100: one List Fulfillments For Multiple Orders call) Wix and we disagree on. */
async function outOfStep(deps: ShipmentCatchupSite, orders: WixOrder[]): Promise<WixOrder[]> {
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
