import { randomUUID } from "node:crypto";
import { type Violation, WixError } from "./errors";
import { v1, type WixResource, type WixStore } from "./store";
import { existing, type OffsetQuery, offsetPage } from "./v1-products";
import type { V1Collection } from "./v1-types";
import { checkWql, matches, type WqlSpec } from "./wql";

/**
 * Catalog V1 collections. Create and add/remove products are CatalogWriteApi calls of
 * @wix/auto_sdk_stores_products (/stores/v1/collections...); Query and Get are
 * @wix/auto_sdk_stores_collections' CollectionReadApi, whose builder keeps `/v2/collections/...`
 * on www.wixapis.com (no mapping there), while the inventory package maps
 * `/stores-reader/v2/collections` to the same service: the sandbox serves both.
 */

/**
 * Every V1 store's "All Products" collection: it holds every product and cannot be changed. Its
 * id is 35 characters (Collection.id `@minLength 35`), the form Wix gives it.
 */
export const ALL_PRODUCTS_ID = "00000000-000000-000000-000000000001";

export const v1Collections: WixResource = (r, { store, options }) => {
  r.on("POST", "/stores/v1/collections", (req) =>
    v1(options, () => ({ collection: answer(store, createCollection(store, req.body)) })),
  );
  r.on("POST", "/stores/v1/collections/:id/productIds", (req) =>
    v1(options, () => collectionProducts(store, req.params.id as string, req.body, true)),
  );
  r.on("POST", "/stores/v1/collections/:id/productIds/delete", (req) =>
    v1(options, () => collectionProducts(store, req.params.id as string, req.body, false)),
  );
  for (const base of ["/v2/collections", "/stores-reader/v2/collections"]) {
    r.on("POST", `${base}/query`, (req) => v1(options, () => queryCollections(store, req.body)));
    r.on("GET", `${base}/:id`, (req) =>
      v1(options, () => ({ collection: answer(store, collection(store, req.params.id as string)) })),
    );
  }
};

function all(store: WixStore): V1Collection[] {
  const everything: V1Collection = {
    id: ALL_PRODUCTS_ID,
    name: "All Products",
    slug: "all-products",
    visible: true,
    productIds: [...store.v1Products.keys()],
  };
  return [everything, ...store.v1Collections.values()];
}

function collection(store: WixStore, id: string): V1Collection {
  const found = all(store).find((c) => c.id === id);
  if (!found) throw new WixError(404, `Collection with id ${id} not found`, "COLLECTION_NOT_FOUND");
  return found;
}

function answer(_store: WixStore, c: V1Collection) {
  const { productIds, ...rest } = c;
  return { ...rest, numberOfProducts: productIds.length, media: { items: [] } };
}

/** Create Collection: `name` 1..50 is required, description <= 600, slug 1..100 (Collection, meta.d.ts). */
export function createCollection(store: WixStore, body: unknown): V1Collection {
  const input = ((body as { collection?: Partial<V1Collection> })?.collection ?? {}) as Partial<V1Collection>;
  const v: Violation[] = [];
  if (typeof input.name !== "string" || input.name.length < 1 || input.name.length > 50)
    v.push({ field: "collection.name", description: "required, 1 to 50 characters" });
  if (input.description != null && (typeof input.description !== "string" || input.description.length > 600))
    v.push({ field: "collection.description", description: "at most 600 characters" });
  if (
    input.slug != null &&
    (typeof input.slug !== "string" || input.slug.length < 1 || input.slug.length > 100)
  )
    v.push({ field: "collection.slug", description: "1 to 100 characters" });
  if (v.length) throw new WixError(400, "invalid collection", undefined, v);
  const taken = new Set(all(store).map((c) => c.slug));
  const base =
    (input.slug ?? (input.name as string))
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "collection";
  let slug = base;
  for (let n = 1; taken.has(slug); n++) slug = `${base}-${n}`;
  const created: V1Collection = {
    id: randomUUID(),
    name: input.name as string,
    slug,
    visible: input.visible ?? true,
    ...(input.description ? { description: input.description } : {}),
    productIds: [],
  };
  store.v1Collections.set(created.id, created);
  return created;
}

/**
 * Add / Remove Products: `productIds` (`@maxSize 1000`). The answer is empty, so there is no
 * per-product result: a product id that does not exist refuses the whole call (naming it). The
 * All Products collection cannot be changed.
 */
function collectionProducts(store: WixStore, id: string, body: unknown, add: boolean) {
  const ids = (body as { productIds?: unknown })?.productIds;
  if (!Array.isArray(ids) || ids.length > 1000 || ids.some((x) => typeof x !== "string"))
    throw new WixError(400, "productIds must hold at most 1000 ids", undefined, [
      { field: "productIds", description: "required, at most 1000" },
    ]);
  if (id === ALL_PRODUCTS_ID)
    throw new WixError(400, "the All Products collection cannot be changed", "INVALID_COLLECTION");
  const target = store.v1Collections.get(id);
  if (!target) throw new WixError(404, `Collection with id ${id} not found`, "COLLECTION_NOT_FOUND");
  for (const productId of ids as string[]) existing(store, productId);
  const set = new Set(target.productIds);
  for (const productId of ids as string[]) add ? set.add(productId) : set.delete(productId);
  target.productIds = [...set];
  return {};
}

/** Query Collections: CollectionQuerySpec (index.typings.d.ts): `id` and `name`, any operator, offset paging <= 100. */
export const COLLECTION_QUERY: WqlSpec = { filter: { id: "*", name: "*" }, sort: ["id", "name"] };

function queryCollections(store: WixStore, body: unknown) {
  const q = ((body as { query?: OffsetQuery })?.query ?? {}) as OffsetQuery;
  checkWql("query", q, COLLECTION_QUERY);
  const { offset, limit } = offsetPage(q);
  const found = all(store).filter((c) =>
    matches(q.filter, (field) => [(c as unknown as Record<string, unknown>)[field]]),
  );
  const page = found.slice(offset, offset + limit);
  return {
    collections: page.map((c) => answer(store, c)),
    metadata: { count: page.length, offset, total: found.length },
  };
}

/** Names of the V1 collections a product is in (tests). */
export function v1CollectionsOf(store: WixStore, productId: string): string[] {
  return [...store.v1Collections.values()].filter((c) => c.productIds.includes(productId)).map((c) => c.name);
}
