import type { ErpnextClient } from "../erpnext/client";
import type { StateStore } from "../store/state";

export const EPOCH_FRAPPE = "1970-01-01 00:00:00.000000";
const PAGE = 500;

/**
 * Rows of a doctype modified since its watermark, oldest first, page by page. The watermark
 * advances after the caller has handled a page (enqueued it), so a run that dies half-way resumes
 * where it stopped; `>=` re-reads the boundary row, which the content hash makes free.
 */
export async function* modifiedSince<T extends { modified: string }>(
  deps: {
    erpnext: Pick<ErpnextClient, "list">;
    state: Pick<StateStore, "getWatermark" | "advanceWatermark">;
  },
  doctype: string,
  watermark: string,
  fields: string[],
  pageLength = PAGE,
  /** More conditions on the rows (the products catch-up leaves out the integration's own writes). */
  filters: [string, string, unknown][] = [],
): AsyncGenerator<T[]> {
  const since = (await deps.state.getWatermark(watermark)) ?? EPOCH_FRAPPE;
  for (let start = 0; ; start += pageLength) {
    const rows = await deps.erpnext.list<T>(doctype, {
      fields: [...fields, "modified"],
      filters: [["modified", ">=", since], ...filters],
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
