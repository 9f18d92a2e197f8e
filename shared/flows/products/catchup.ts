import type { ErpnextClient } from "../../erpnext/client";
import { frappeTimeToIso } from "../../erpnext/webhook";
import type { Enqueuer } from "../../queue/messages";
import type { StateStore } from "../../store/state";
import { modifiedSince } from "../modified-since";
import { itemMessages } from "./messages";

/** Items (and Item Prices) modified since the watermark, enqueued in messages of 100 item codes. */
export async function productCatchup(deps: { erpnext: ErpnextClient; state: StateStore; queue: Enqueuer }) {
  let enqueued = 0;
  const byDoctype: Record<string, number> = {};
  // A new item usually has a new price too: enqueue each code once per run.
  const seen = new Set<string>();
  for (const doctype of ["Item", "Item Price"] as const) {
    byDoctype[doctype] = 0;
    const codeField = doctype === "Item" ? "name" : "item_code";
    for await (const rows of modifiedSince<Record<string, string> & { modified: string }>(
      deps,
      doctype,
      `product-catchup:${doctype}`,
      [codeField],
    )) {
      const codes = [...new Set(rows.map((r) => r[codeField] as string))].filter((c) => !seen.has(c));
      for (const c of codes) seen.add(c);
      const changedAt = frappeTimeToIso(rows[rows.length - 1]?.modified);
      await deps.queue.send("products", itemMessages(codes, "catchup", 100, changedAt));
      enqueued += codes.length;
      byDoctype[doctype] += codes.length;
    }
  }
  await deps.state.markSuccess("products");
  return { enqueued, byDoctype };
}
