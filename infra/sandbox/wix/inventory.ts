import type { WixInventoryItem } from "#shared/flows/wix-catalog";
import { bulkResults } from "./bulk";
import { WixError } from "./errors";
import { DEFAULT_LOCATION_ID, newInventoryItem, v3, type WixResource, type WixStore } from "./store";
import { encodeCursor, matches, page } from "./wql";

/**
 * Inventory items V3 (@wix/auto_sdk_stores_inventory-items-v-3): one item per variant and
 * location (the pair is unique), queries paged by cursor alone, bulk create and update.
 */
export const inventory: WixResource = (r, { store, options }) => {
  r.on("POST", "/stores/v3/inventory-items/query", (req) =>
    v3(options, () => queryInventory(store, req.body)),
  );
  r.on("POST", "/stores/v3/bulk/inventory-items/update", (req) =>
    v3(options, () => bulkUpdateInventory(store, req.body)),
  );
  r.on("POST", "/stores/v3/bulk/inventory-items/create", (req) =>
    v3(options, () => bulkCreateInventory(store, req.body)),
  );
};

/**
 * A second (third...) location, as a merchant adds a warehouse in the dashboard; with
 * `quantity`, every variant gets an inventory item there too.
 */
export function addLocation(store: WixStore, locationId: string, quantity?: number): void {
  if (!store.locations.includes(locationId)) store.locations.push(locationId);
  if (quantity === undefined) return;
  for (const product of store.products.values())
    for (const variant of product.variantsInfo.variants)
      if (!itemAt(store, variant.id as string, locationId))
        newInventoryItem(store, product, variant, quantity, locationId);
}

/** The SKU's inventory item at a location (the default one unless named). */
export function inventoryForSku(
  store: WixStore,
  sku: string,
  locationId = DEFAULT_LOCATION_ID,
): WixInventoryItem | undefined {
  const index = skuIndex(store);
  const item = [...store.inventory.values()].find(
    (i) => index.get(i.variantId) === sku && i.locationId === locationId,
  );
  return item && withSku(store, item);
}

function itemAt(store: WixStore, variantId: string, locationId: string): WixInventoryItem | undefined {
  return [...store.inventory.values()].find((i) => i.variantId === variantId && i.locationId === locationId);
}

function withSku(store: WixStore, item: WixInventoryItem): WixInventoryItem {
  const product = store.products.get(item.productId);
  const variant = product?.variantsInfo.variants.find((v) => v.id === item.variantId);
  return { ...structuredClone(item), product: { variantSku: variant?.sku, name: product?.name } };
}

/** variant id -> SKU over the whole catalog, built once per query. */
function skuIndex(store: WixStore): Map<string, string> {
  const index = new Map<string, string>();
  for (const p of store.products.values())
    for (const v of p.variantsInfo.variants) if (v.id && v.sku) index.set(v.id, v.sku);
  return index;
}

/**
 * Query Inventory Items: filter on `product.variantSku`, `locationId`, `productId` ($in / $eq /
 * a value); at most 1,000 a page (fewer with `inventoryPageSize`). The answer's
 * `pagingMetadata` is `{count, cursors}` with no `hasNext` (PlatformPagingMetadataV2).
 */
function queryInventory(store: WixStore, body: unknown) {
  const q = ((body as { query?: unknown })?.query ?? {}) as {
    filter?: Record<string, unknown>;
    cursorPaging?: { limit?: number; cursor?: string };
  };
  const { start, limit: asked, filter } = page(q, 1000);
  const limit = Math.min(asked, store.inventoryPageSize);
  const index = skuIndex(store);
  const all = [...store.inventory.values()]
    .filter((i) =>
      matches(filter, (field) => [
        (
          {
            "product.variantSku": index.get(i.variantId),
            locationId: i.locationId,
            productId: i.productId,
          } as Record<string, unknown>
        )[field],
      ]),
    )
    .map((i) => withSku(store, i));
  const next = start + limit < all.length ? encodeCursor(start + limit, filter) : undefined;
  const found = all.slice(start, start + limit);
  return { inventoryItems: found, pagingMetadata: { count: found.length, cursors: next ? { next } : {} } };
}

function bulkUpdateInventory(store: WixStore, body: unknown) {
  const items = (body as { inventoryItems?: { inventoryItem: WixInventoryItem }[] })?.inventoryItems;
  return bulkResults<{ inventoryItem: WixInventoryItem }>(
    store,
    items,
    ({ inventoryItem }) => {
      const current = store.inventory.get(inventoryItem?.id);
      if (!current)
        throw new WixError(404, `inventory item ${inventoryItem?.id} not found`, "INVENTORY_ITEM_NOT_FOUND");
      if (inventoryItem.revision !== current.revision)
        throw new WixError(409, "revision mismatch", "REVISION_MISMATCH");
      const quantity = inventoryItem.quantity;
      if (quantity !== undefined && (!Number.isInteger(quantity) || quantity < -99999 || quantity > 99999)) {
        throw new WixError(400, "quantity must be an integer in -99999..99999", "INVALID_QUANTITY");
      }
      if (quantity !== undefined) current.quantity = quantity;
      current.inStock = (current.quantity ?? 0) > 0;
      current.revision = String(Number(current.revision) + 1);
      return withSku(store, current);
    },
    1000,
  );
}

/** Bulk Create Inventory Items: 1..1000; one item per variant and location (ITEM_ALREADY_EXISTS). */
function bulkCreateInventory(store: WixStore, body: unknown) {
  const items = (body as { inventoryItems?: WixInventoryItem[] })?.inventoryItems;
  return bulkResults<WixInventoryItem>(
    store,
    items,
    (input) => {
      const product = store.products.get(input.productId);
      const variant = product?.variantsInfo.variants.find((v) => v.id === input.variantId);
      if (!product || !variant) throw new WixError(404, "product or variant not found", "VARIANT_NOT_FOUND");
      const locationId = input.locationId ?? DEFAULT_LOCATION_ID;
      if (!store.locations.includes(locationId))
        throw new WixError(400, `location ${locationId} not found`, undefined, [
          { field: "inventoryItem.locationId", description: "unknown location" },
        ]);
      if (itemAt(store, input.variantId, locationId))
        throw new WixError(409, "inventory item already exists", "ITEM_ALREADY_EXISTS");
      return withSku(store, newInventoryItem(store, product, variant, input.quantity ?? 0, locationId));
    },
    1000,
  );
}
