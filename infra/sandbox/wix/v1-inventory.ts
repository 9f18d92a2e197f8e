import type { UpdateInventoryVariantsRequestOriginal } from "@wix/auto_sdk_stores_inventory/meta";
import { WixError } from "./errors";
import { v1, type WixResource, type WixStore } from "./store";
import { offsetPage } from "./v1-products";
import type { V1InventoryItem } from "./v1-types";
import { checkWql, compare, matches, type WqlSpec } from "./wql";

/**
 * Catalog V1 inventory (@wix/auto_sdk_stores_inventory): one inventory item per product, quantities
 * per variant, `trackQuantity` for the whole product, no locations. Paths as the SDK's request
 * builders resolve them on www.wixapis.com (build/cjs/index.js: InventoryWriteApi under
 * /stores/v2/inventoryItems, InventoryReadApi under /stores-reader/v2/inventoryItems).
 */
export const v1Inventory: WixResource = (r, { store, options }) => {
  r.on("PATCH", "/stores/v2/inventoryItems/product/:productId", (req) =>
    v1(options, () => updateInventoryVariants(store, req.params.productId as string, req.body)),
  );
  r.on("POST", "/stores-reader/v2/inventoryItems/query", (req) =>
    v1(options, () => queryInventory(store, req.body)),
  );
  r.on("POST", "/stores-reader/v2/inventoryItems/:inventoryId/getVariants", (req) =>
    v1(options, () => ({ inventoryItem: getVariants(store, req.params.inventoryId as string, req.body) })),
  );
  r.on("POST", "/stores/v2/inventoryItems/decrement", (req) =>
    v1(options, () => adjust(store, req.body, "decrementData", "decrementBy", -1)),
  );
  r.on("POST", "/stores/v2/inventoryItems/increment", (req) =>
    v1(options, () => adjust(store, req.body, "incrementData", "incrementBy", 1)),
  );
};

function itemOf(store: WixStore, productId: string): V1InventoryItem {
  const item = store.v1Inventory.get(productId);
  if (!item)
    throw new WixError(404, `inventory of product ${productId} not found`, "INVENTORY_ITEM_NOT_FOUND");
  return item;
}

/**
 * Update Inventory Variants. `trackQuantity` "applies to the entire product ... If it is omitted,
 * it is treated as `false` and overwrites the product's current tracking setting for ALL
 * variants, not just the ones included in this request's `variants` list" (InventoryItemV2 doc,
 * meta.d.ts): so does the sandbox. Tracked, a variant's `quantity` sets it and `inStock` follows;
 * untracked, `inStock` is set directly. Quantity: VariantStock.quantity `@max 99999`.
 */
export function updateInventoryVariants(store: WixStore, productId: string, body: unknown) {
  const input = (body as UpdateInventoryVariantsRequestOriginal)?.inventoryItem;
  if (!input || typeof input !== "object")
    throw new WixError(400, "inventoryItem is required", undefined, [
      { field: "inventoryItem", description: "required" },
    ]);
  // The SDK's builder takes the path from `inventoryItem.productId`, so the body carries it too.
  if (input.productId != null && input.productId !== productId)
    throw new WixError(400, "inventoryItem.productId differs from the path", undefined, [
      { field: "inventoryItem.productId", description: "must be the product of the path" },
    ]);
  const item = itemOf(store, productId);
  const variants = input.variants ?? [];
  for (const [i, x] of variants.entries()) {
    if (!item.variants.some((s) => s.variantId === x.variantId))
      throw new WixError(400, `variant ${x.variantId} is not a variant of product ${productId}`, undefined, [
        { field: `inventoryItem.variants[${i}].variantId`, description: "not a variant of the product" },
      ]);
    if (x.quantity != null && (!Number.isInteger(x.quantity) || x.quantity > 99999))
      throw new WixError(400, "quantity must be an integer up to 99999", undefined, [
        { field: `inventoryItem.variants[${i}].quantity`, description: "an integer, at most 99999" },
      ]);
  }
  item.trackQuantity = input.trackQuantity === true;
  for (const x of variants) {
    const stock = item.variants.find(
      (s) => s.variantId === x.variantId,
    ) as V1InventoryItem["variants"][number];
    if (x.quantity != null) stock.quantity = x.quantity;
    if (!item.trackQuantity && x.inStock != null) stock.inStock = x.inStock;
  }
  if (item.trackQuantity) for (const s of item.variants) s.inStock = s.quantity > 0;
  item.lastUpdated = new Date().toISOString();
  return {};
}

/** An inventory item as Wix answers it (`externalId` is the deprecated twin of `productId`). */
function answer(item: V1InventoryItem, variantIds?: string[]) {
  const variants = item.variants.filter((x) => !variantIds?.length || variantIds.includes(x.variantId));
  return {
    id: item.id,
    externalId: item.productId,
    productId: item.productId,
    trackQuantity: item.trackQuantity,
    variants: variants.map((x) => ({
      variantId: x.variantId,
      inStock: x.inStock,
      // Quantity is only kept while tracked (InventoryVariantV2.quantity: "currently left").
      ...(item.trackQuantity ? { quantity: x.quantity } : {}),
      availableForPreorder: false,
    })),
    lastUpdated: item.lastUpdated,
    numericId: item.numericId,
    preorderInfo: { enabled: false },
  };
}

/** Get Inventory Variants: by inventory id (the path) or `productId`, optionally some variants. */
function getVariants(store: WixStore, inventoryId: string, body: unknown) {
  const b = (body ?? {}) as { productId?: string; variantIds?: string[] };
  const item = [...store.v1Inventory.values()].find(
    (i) => i.id === inventoryId || i.productId === b.productId,
  );
  if (!item) throw new WixError(404, `inventory item ${inventoryId} not found`, "INVENTORY_ITEM_NOT_FOUND");
  return answer(item, b.variantIds);
}

/**
 * Query Inventory: the V1 query shape, `filter` and `sort` as JSON strings (Query.filter: "Filter
 * string"), offset paging at most 100 (Paging.limit `@max 100`). The SDK declares no query spec;
 * the sandbox lets filter on `id` and `productId` (the item's ids) and on `numericId` ("Primarily
 * for sorting and filtering when crawling all inventories"), and sort on `numericId`.
 */
export const INVENTORY_QUERY: WqlSpec = {
  filter: {
    id: ["$eq", "$ne", "$in", "$hasSome"],
    productId: ["$eq", "$ne", "$in", "$hasSome"],
    numericId: "*",
  },
  sort: ["numericId"],
};

function queryInventory(store: WixStore, body: unknown) {
  const q = ((body as { query?: unknown })?.query ?? {}) as {
    filter?: string;
    sort?: string;
    paging?: { limit?: number; offset?: number };
  };
  const filter = jsonString<Record<string, unknown>>(q.filter, "query.filter");
  // V1's sort string: `[{"numericId": "asc"}]`.
  const sort = (jsonString<Record<string, string>[]>(q.sort, "query.sort") ?? []).flatMap((s) =>
    Object.entries(s).map(([fieldName, order]) => ({ fieldName, order: order.toUpperCase() })),
  );
  checkWql("query", { filter, sort }, INVENTORY_QUERY);
  const { offset, limit } = offsetPage({ paging: q.paging });
  const all = [...store.v1Inventory.values()].filter((i) =>
    matches(filter, (field) => [(i as unknown as Record<string, unknown>)[field]]),
  );
  if (sort[0])
    all.sort(
      (a, b) => compare(Number(a.numericId), Number(b.numericId)) * (sort[0]?.order === "DESC" ? -1 : 1),
    );
  const page = all.slice(offset, offset + limit);
  return {
    inventoryItems: page.map((i) => answer(i)),
    metadata: { items: page.length, offset },
    totalResults: all.length,
  };
}

function jsonString<T>(text: unknown, field: string): T | undefined {
  if (text === undefined || text === null || text === "") return undefined;
  try {
    if (typeof text !== "string") throw new Error("not a string");
    return JSON.parse(text) as T;
  } catch {
    throw new WixError(400, `${field} must be a JSON string`, undefined, [
      { field, description: "a JSON string" },
    ]);
  }
}

/**
 * Decrement / Increment Inventory: 1..300 items, each by `inventoryId` or `productId`, a variant and
 * an amount >= 1 (DecrementData / IncrementData, meta.d.ts). Only a tracked item's quantity moves.
 */
function adjust(store: WixStore, body: unknown, list: string, by: string, sign: 1 | -1) {
  const items = (body as Record<string, unknown>)?.[list] as Record<string, unknown>[] | undefined;
  if (!Array.isArray(items) || items.length < 1 || items.length > 300)
    throw new WixError(400, `${list} must hold 1 to 300 items`, undefined, [
      { field: list, description: "1..300" },
    ]);
  for (const [i, d] of items.entries()) {
    const item = [...store.v1Inventory.values()].find(
      (x) => x.id === d.inventoryId || x.productId === d.productId,
    );
    const stock = item?.variants.find((x) => x.variantId === d.variantId);
    const n = d[by];
    if (!item || !stock)
      throw new WixError(404, `${list}[${i}]: inventory variant not found`, "INVENTORY_ITEM_NOT_FOUND");
    if (!Number.isInteger(n) || (n as number) < 1)
      throw new WixError(400, `${list}[${i}].${by} must be >= 1`, undefined, [
        { field: `${list}[${i}].${by}`, description: ">= 1" },
      ]);
    if (item.trackQuantity) {
      stock.quantity = Math.max(0, stock.quantity + sign * (n as number));
      stock.inStock = stock.quantity > 0;
    }
  }
  return {};
}

/** A checkout's stock change on a V1 variant (tracked only), as the orders resource makes it. */
export function decrementV1(store: WixStore, productId: string, variantId: string, quantity: number): void {
  const item = store.v1Inventory.get(productId);
  const stock = item?.variants.find((x) => x.variantId === variantId);
  if (!item?.trackQuantity || !stock) return;
  stock.quantity -= quantity;
  stock.inStock = stock.quantity > 0;
  item.lastUpdated = new Date().toISOString();
}
