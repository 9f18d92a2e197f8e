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

/**
 * A cursor-paged list (Wix's `cursorPaging`), page by page: the first call has no cursor, each
 * later one the cursor the previous page answered; pages on while there is one.
 */
export async function* cursorPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; next?: string }>,
): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const { items, next } = await page(cursor);
    yield items;
    cursor = next;
  } while (cursor);
}
