import { offsetPages } from "../paging";
import type { DocFilter, ErpnextDocuments } from "./erpnext-documents";
import type { Watermarks } from "./job-ports";
import { orderPages, type WixOrder, type WixOrderSearch } from "./wix-orders";

export const EPOCH_FRAPPE = "1970-01-01 00:00:00.000000";
const PAGE = 500;

/**
 * Rows of a doctype modified since its watermark, oldest first, page by page. The watermark
 * advances after the caller has handled a page (enqueued it), so a run that dies half-way resumes
 * where it stopped; `>=` re-reads the boundary row, which the content hash makes free.
 */
export async function* modifiedSince<T extends { modified: string }>(
  deps: {
    erpnext: Pick<ErpnextDocuments, "list">;
    state: Watermarks;
  },
  doctype: string,
  watermark: string,
  fields: string[],
  pageLength = PAGE,
  /** More conditions on the rows (the products catch-up leaves out the integration's own writes). */
  filters: DocFilter[] = [],
): AsyncGenerator<T[]> {
  const since = (await deps.state.getWatermark(watermark)) ?? EPOCH_FRAPPE;
  const pages = offsetPages(
    (start) =>
      deps.erpnext.list<T>(doctype, {
        fields: [...fields, "modified"],
        filters: [["modified", ">=", since], ...filters],
        orderBy: "modified asc",
        start,
        pageLength,
      }),
    pageLength,
  );
  for await (const rows of pages) {
    yield rows;
    await deps.state.advanceWatermark(watermark, rows[rows.length - 1]?.modified as string);
  }
}

/**
 * The watermarks of several sites for one job run once for all of them, read as one: ERPNext is
 * read once from the oldest (a site without one, added later, makes it a full read) and every
 * site's moves with each page (forward only: a site ahead stays where it is).
 */
export function oldestOf(stores: Watermarks[]): Watermarks {
  return {
    async getWatermark(name) {
      const marks = await Promise.all(stores.map((s) => s.getWatermark(name)));
      // Frappe timestamps ("2025-03-01 10:00:00.000000") sort as text.
      return marks.some((m) => m === undefined) ? undefined : (marks as string[]).sort()[0];
    },
    async advanceWatermark(name, value) {
      const moved = await Promise.all(stores.map((s) => s.advanceWatermark(name, value)));
      return moved.some(Boolean);
    },
  };
}

/** Overlap re-read on each pass over Wix orders: Wix search is eventually consistent around "now". */
export const WIX_ORDERS_OVERLAP_MS = 5 * 60_000;

/**
 * Wix orders updated since the watermark (minus the overlap; the last 7 days the first time),
 * oldest first, page by page. The watermark advances after the caller has handled a page, and to
 * the pass's start once it is complete (the overlap re-reads the edge next time).
 */
export async function* ordersUpdatedSince(
  deps: {
    wix: WixOrderSearch;
    state: Watermarks;
  },
  watermark: string,
): AsyncGenerator<{ orders: WixOrder[]; since: string }> {
  const startedAt = new Date().toISOString();
  const mark = await deps.state.getWatermark(watermark);
  const since = new Date(
    mark ? Date.parse(mark) - WIX_ORDERS_OVERLAP_MS : Date.now() - 7 * 86400_000,
  ).toISOString();
  for await (const orders of orderPages(deps.wix, since)) {
    yield { orders, since };
    const last = orders[orders.length - 1];
    if (last) await deps.state.advanceWatermark(watermark, last.updatedDate);
  }
  await deps.state.advanceWatermark(watermark, startedAt);
}
