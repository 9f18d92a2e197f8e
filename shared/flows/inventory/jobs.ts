import type { ErpnextDocuments } from "#shared/flows/erpnext-documents";
import { chunks } from "../../concurrency";
import { frappeTimeToIso } from "../../frappe-time";
import type { FlowHeartbeat, Watermarks, WorkQueue } from "../job-ports";
import { modifiedSince } from "../modified-since";
import type { MappingScan } from "../records";
import type { InventoryMessage } from "./messages";

type InventoryQueue = WorkQueue<"inventory", InventoryMessage>;

/**
 * Bins modified since the watermark: ERPNext fires no webhook for them. Run once for every site:
 * its messages name none, so each site's worker re-reads the items it has published. Its watermark
 * is one for all sites (the state it is run with): a stock message is a "read again", never a
 * quantity, so a site added later loses nothing by not having seen older changes: its products are
 * made with their stock or, linked, get a stock push of their own (functions/workers/products.ts),
 * and its own inventory-reconcile compares every item it has. Reading from a new site's empty
 * watermark would instead make every site re-read every item.
 */
export async function inventoryDelta(deps: {
  erpnext: Pick<ErpnextDocuments, "list">;
  state: Watermarks & FlowHeartbeat;
  queue: InventoryQueue;
  /** Every site's state, when the jobs function gives it (several sites): each site's heartbeat. */
  sites?: { state: FlowHeartbeat }[];
}) {
  let enqueued = 0;
  for await (const rows of modifiedSince<{ item_code: string; modified: string }>(
    deps,
    "Bin",
    "inventory-delta",
    ["item_code"],
    1000,
  )) {
    const codes = [...new Set(rows.map((r) => r.item_code))];
    const changedAt = frappeTimeToIso(rows[rows.length - 1]?.modified);
    await deps.queue.send("inventory", [{ kind: "stock", itemCodes: codes, source: "delta", changedAt }]);
    enqueued += codes.length;
  }
  // Every site's stock is current: health would call an idle site's inventory stale otherwise.
  for (const { state } of deps.sites ?? [deps]) await state.markSuccess("inventory");
  return { enqueued };
}

/**
 * Every published item of this site, in pages of 1000, compared with Wix by the inventory worker
 * (run per site, its messages naming it): a site's first reconcile sets every item it has.
 */
export async function inventoryReconcile(deps: { state: MappingScan; queue: InventoryQueue }) {
  let enqueued = 0;
  for await (const page of deps.state.allMappings(1000)) {
    const codes = page.filter((m) => !m.hidden).map((m) => m.itemCode);
    for (const chunk of chunks(codes, 1000)) {
      await deps.queue.send("inventory", [{ kind: "stock", itemCodes: chunk, source: "reconcile" }]);
      enqueued += chunk.length;
    }
  }
  return { enqueued };
}
