import type { CommonCursorsOriginal, QueryV2Original } from "@wix/auto_sdk_stores_inventory-items-v-3/meta";
import type { HttpClient } from "../http/client";
import { cursorPages } from "../paging";

/**
 * A V3 query (or search: same paging, request under `search`), page by page: the first page
 * carries the filter (and sort), later ones only the cursor; `body` holds the request's other
 * fields (sent every time). Pages on while
 * `cursors.next` is set: Query Inventory Items answers no `hasNext` at all
 * (`PlatformPagingMetadataV2` in @wix/auto_sdk_stores_inventory-items-v-3 build/cjs/meta.d.ts),
 * other queries answer `hasNext: false` on their last page.
 */
export async function* queryPages<T>(
  http: HttpClient,
  path: string,
  key: string,
  filter: Record<string, unknown>,
  limit: number,
  opts: {
    envelope?: "query" | "search";
    body?: Record<string, unknown>;
    sort?: QueryV2Original["sort"];
  } = {},
): AsyncGenerator<T> {
  const pages = cursorPages(async (cursor) => {
    const query: QueryV2Original = cursor
      ? { cursorPaging: { limit, cursor } }
      : {
          // Every item: no filter at all, as the SDK sends an unfiltered search (contract tests).
          ...(Object.keys(filter).length ? { filter } : {}),
          ...(opts.sort ? { sort: opts.sort } : {}),
          cursorPaging: { limit },
        };
    const res = await http.send<
      Record<string, unknown> & {
        pagingMetadata?: { cursors?: CommonCursorsOriginal; hasNext?: boolean | null };
      }
    >({
      method: "POST",
      path,
      idempotent: true, // a read
      body: { ...opts.body, [opts.envelope ?? "query"]: query },
    });
    const paging = res.body.pagingMetadata;
    return {
      items: (res.body[key] as T[] | undefined) ?? [],
      next: paging?.hasNext === false ? undefined : (paging?.cursors?.next ?? undefined),
    };
  });
  for await (const items of pages) yield* items;
}
