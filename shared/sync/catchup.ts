import type { ErpnextClient } from "../erpnext/client";
import { frappeTimeToIso } from "../erpnext/webhook";
import { type Enqueuer, itemMessages } from "../queue/messages";
import type { StateStore } from "../store/state";

export const EPOCH_FRAPPE = "1970-01-01 00:00:00.000000";
const PAGE = 500;

/**
 * Items (and Item Prices) modified since the watermark, page by page, enqueued in messages of 100
 * item codes. The watermark advances after each page is enqueued, so a run that dies half-way
 * resumes where it stopped; `>=` re-reads the boundary row, which the content hash makes free.
 */
export async function productCatchup(deps: { erpnext: ErpnextClient; state: StateStore; queue: Enqueuer }) {
  let enqueued = 0;
  const byDoctype: Record<string, number> = {};
  // A new item usually has a new price too: enqueue each code once per run.
  const seen = new Set<string>();
  for (const doctype of ["Item", "Item Price"] as const) {
    byDoctype[doctype] = 0;
    const key = `product-catchup:${doctype}`;
    const since = (await deps.state.getWatermark(key)) ?? EPOCH_FRAPPE;
    const codeField = doctype === "Item" ? "name" : "item_code";
    for (let start = 0; ; start += PAGE) {
      const rows = await deps.erpnext.list<Record<string, string>>(doctype, {
        fields: [codeField, "modified"],
        filters: [["modified", ">=", since]],
        orderBy: "modified asc",
        start,
        pageLength: PAGE,
      });
      if (!rows.length) break;
      const codes = [...new Set(rows.map((r) => r[codeField] as string))].filter((c) => !seen.has(c));
      for (const c of codes) seen.add(c);

      const last = rows[rows.length - 1]?.modified as string;
      await deps.queue.send("products", itemMessages(codes, "catchup", 100, frappeTimeToIso(last)));
      enqueued += codes.length;
      byDoctype[doctype] += codes.length;
      await deps.state.advanceWatermark(key, last);
      if (rows.length < PAGE) break;
    }
  }
  await deps.state.markSuccess("products");
  return { enqueued, byDoctype };
}
