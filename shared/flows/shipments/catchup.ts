import type { ErpnextClient } from "../../erpnext/client";
import { frappeTimeToIso } from "../../erpnext/webhook";
import type { Enqueuer } from "../../queue/messages";
import type { StateStore } from "../../store/state";
import { modifiedSince } from "../modified-since";

/**
 * Delivery Notes modified since the watermark (submitted, cancelled, tracking edited), enqueued:
 * the safety net for webhooks Frappe gave up on (three tries). Drafts are left for their submit.
 */
export async function shipmentCatchup(deps: { erpnext: ErpnextClient; state: StateStore; queue: Enqueuer }) {
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
  await deps.state.markSuccess("shipments");
  return { enqueued };
}
