import type { ErpnextDocuments } from "#shared/flows/erpnext-documents";
import { chunks } from "../../concurrency";
import { frappeTimeToIso } from "../../frappe-time";
import type { FlowHeartbeat, Watermarks, WorkQueue } from "../job-ports";
import { modifiedSince } from "../modified-since";
import type { MappingScan } from "../records";
import type { InventoryMessage } from "./messages";

type InventoryQueue = WorkQueue<"inventory", InventoryMessage>;

/** Bins modified since the watermark: ERPNext fires no webhook for them. */
export async function inventoryDelta(deps: {
  erpnext: Pick<ErpnextDocuments, "list">;
  state: Watermarks & FlowHeartbeat;
  queue: InventoryQueue;
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
  await deps.state.markSuccess("inventory");
  return { enqueued };
}

/** Every published item, in pages of 1000, compared with Wix by the inventory worker. */
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
