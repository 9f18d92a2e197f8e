import type { ErpnextClient } from "../erpnext/client";
import { frappeTimeToIso } from "../erpnext/webhook";
import { type Enqueuer, itemMessages } from "../queue/messages";
import type { StateStore } from "../store/state";

export const EPOCH_FRAPPE = "1970-01-01 00:00:00.000000";
const PAGE = 500;

/**
 * Rows of a doctype modified since its watermark, oldest first, page by page. The watermark
 * advances after the caller has handled a page (enqueued it), so a run that dies half-way resumes
 * where it stopped; `>=` re-reads the boundary row, which the content hash makes free.
 */
export async function* modifiedSince<T extends { modified: string }>(
  deps: { erpnext: ErpnextClient; state: StateStore },
  doctype: string,
  watermark: string,
  fields: string[],
  pageLength = PAGE,
): AsyncGenerator<T[]> {
  const since = (await deps.state.getWatermark(watermark)) ?? EPOCH_FRAPPE;
  for (let start = 0; ; start += pageLength) {
    const rows = await deps.erpnext.list<T>(doctype, {
      fields: [...fields, "modified"],
      filters: [["modified", ">=", since]],
      orderBy: "modified asc",
      start,
      pageLength,
    });
    if (!rows.length) return;
    yield rows;
    await deps.state.advanceWatermark(watermark, rows[rows.length - 1]?.modified as string);
    if (rows.length < pageLength) return;
  }
}

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
