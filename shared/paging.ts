/** The paging loops over the two APIs' lists, written once. */

/**
 * An offset-paged list (Frappe's `limit_start` / `limit_page_length`), page by page: pages on
 * while a page comes back full; an empty page is not yielded.
 */
export async function* offsetPages<T>(
  page: (start: number, pageLength: number) => Promise<T[]>,
  pageLength: number,
): AsyncGenerator<T[]> {
  for (let start = 0; ; start += pageLength) {
    const rows = await page(start, pageLength);
    if (rows.length) yield rows;
    if (rows.length < pageLength) return;
  }
}
