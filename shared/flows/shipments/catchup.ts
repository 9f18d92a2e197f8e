import type { ErpnextClient } from "../../erpnext/client";
import { frappeTimeToIso } from "../../erpnext/webhook";
import type { Enqueuer } from "../../queue/messages";
import type { StateStore } from "../../store/state";
import type { WixClient } from "../../wix/client";
import type { WixOrder } from "../../wix/types";
import { modifiedSince } from "../modified-since";
import { ORDER_POLL_OVERLAP_MS } from "../orders/poll";
import type { ShipmentSettings, ShipmentsRepository } from "./ports";
import { fulfillmentsInStep } from "./pull";

/** The watermark of Wix orders checked for fulfillments (a Wix time, unlike the Delivery Notes'). */
const FULFILLMENTS_WATERMARK = "shipment-catchup-wix";

export interface ShipmentCatchupDeps {
  erpnext: Pick<ErpnextClient, "list">;
  wix: Pick<WixClient, "searchOrders" | "orderFulfillments">;
  state: Pick<StateStore, "getWatermark" | "advanceWatermark" | "getOrders" | "markSuccess"> & {
    shipments: Pick<ShipmentsRepository, "links">;
  };
  queue: Enqueuer;
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
    const due = rows.filter((r) => Number(r.docstatus) > 0);
    if (due.length)
      await deps.queue.send(
        "shipments",
        due.map((r) => ({
          kind: "delivery-note" as const,
          name: r.name,
          source: "catchup",
          changedAt: frappeTimeToIso(r.modified),
        })),
      );
    enqueued += due.length;
  }
  return enqueued;
}

/**
 * Wix orders updated since the watermark (a new or deleted fulfillment moves the order's
 * `fulfillmentStatus` and `updatedDate`), minus the order poll's overlap: their fulfillments are
 * listed in one call per page and an order is enqueued only when they differ from our links.
 * The pull claims each fulfillment, so a webhook arriving too still makes one Delivery Note.
 */
async function fulfillmentCatchup(deps: ShipmentCatchupDeps): Promise<number> {
  const startedAt = new Date().toISOString();
  const mark = await deps.state.getWatermark(FULFILLMENTS_WATERMARK);
  const since = new Date(mark ? Date.parse(mark) - ORDER_POLL_OVERLAP_MS : Date.now() - 7 * 86400_000);
  let cursor: string | undefined;
  let enqueued = 0;
  do {
    const page = await deps.wix.searchOrders(since.toISOString(), cursor);
    const due = await outOfStep(deps, page.orders);
    if (due.length)
      await deps.queue.send(
        "shipments",
        due.map((o) => ({
          kind: "fulfillments" as const,
          orderId: o.id,
          source: "catchup",
          changedAt: o.updatedDate,
        })),
      );
    enqueued += due.length;
    const last = page.orders[page.orders.length - 1];
    if (last) await deps.state.advanceWatermark(FULFILLMENTS_WATERMARK, last.updatedDate);
    cursor = page.next;
  } while (cursor);
  await deps.state.advanceWatermark(FULFILLMENTS_WATERMARK, startedAt);
  return enqueued;
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
