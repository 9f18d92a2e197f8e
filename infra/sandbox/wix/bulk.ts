import type { WixInventoryItem, WixNewProduct, WixProduct } from "#shared/flows/wix-catalog";
import { createProduct, updateProduct } from "./catalog";
import { statusCode, WixError } from "./errors";
import { v3, type WixResource, type WixStore } from "./store";

/**
 * Bulk product calls: 1..100 items, one result per item under HTTP 200
 * (`{itemMetadata: {id, originalIndex, success, error?}, item?}`) and the `bulkActionMetadata` counts.
 */
export const bulk: WixResource = (r, { store, options }) => {
  r.on("POST", "/stores/v3/bulk/products/create", (req) =>
    v3(options, () => bulkCreate(store, req.body, false)),
  );
  r.on("POST", "/stores/v3/bulk/products-with-inventory/create", (req) =>
    v3(options, () => bulkCreate(store, req.body, true)),
  );
  r.on("POST", "/stores/v3/bulk/products/update", (req) => v3(options, () => bulkUpdate(store, req.body)));
};

/** Runs each item on its own: a refused item is a failed result, never the whole call's error. */
export function bulkResults<T>(
  store: WixStore,
  items: unknown,
  run: (item: T) => WixProduct | WixInventoryItem,
  max = 100,
) {
  if (!Array.isArray(items) || items.length < 1 || items.length > max) {
    throw new WixError(400, `between 1 and ${max} items are required`, undefined, [
      { field: "items", description: `1..${max}` },
    ]);
  }
  const results = (items as T[]).map((item, originalIndex) => {
    try {
      const out = run(item);
      return { itemMetadata: { id: out.id, originalIndex, success: true }, item: out };
    } catch (error) {
      const e = error instanceof WixError ? error : new WixError(500, (error as Error).message);
      return {
        itemMetadata: {
          originalIndex,
          success: false,
          error: { code: e.code ?? statusCode(e.status), description: e.message },
        },
      };
    }
  });
  const totalSuccesses = results.filter((r) => r.itemMetadata.success).length;
  let detailed = 0;
  const shown = results.filter((r) => r.itemMetadata.success || detailed++ < store.detailedFailureLimit);
  return {
    results: shown,
    bulkActionMetadata: {
      totalSuccesses,
      totalFailures: results.length - totalSuccesses,
      undetailedFailures: results.length - shown.length,
    },
  };
}

function bulkCreate(store: WixStore, body: unknown, withInventory: boolean) {
  const products = (body as { products?: WixNewProduct[] })?.products;
  const variantCount = (products ?? []).reduce((n, p) => n + (p?.variantsInfo?.variants?.length ?? 0), 0);
  if (variantCount > 1000) throw new WixError(400, "at most 1000 variants per request", "TOO_MANY_VARIANTS");
  // Bulk create doc: at most 100 options in all per request.
  const optionCount = (products ?? []).reduce((n, p) => n + (p?.options?.length ?? 0), 0);
  if (optionCount > 100)
    throw new WixError(400, "at most 100 options per request", undefined, [
      {
        field: "products.options",
        description: "at most 100 options in all",
        ruleName: "TOO_MANY_OPTIONS_IN_REQUEST",
      },
    ]);
  const results = bulkResults<WixNewProduct>(store, products, (p) => createProduct(store, p, withInventory));
  if (!withInventory) return results;
  // The with-inventory endpoint nests product results (BulkCreateProductsWithInventoryResponse).
  const stock = results.results.filter((r) => r.itemMetadata.success).length;
  return {
    productResults: results,
    inventoryResults: {
      bulkActionMetadata: { totalSuccesses: stock, totalFailures: 0, undetailedFailures: 0 },
    },
  };
}

function bulkUpdate(store: WixStore, body: unknown) {
  const products = (body as { products?: { product: WixProduct }[] })?.products;
  return bulkResults<{ product: WixProduct }>(store, products, ({ product }) => {
    if (!product?.id) throw new WixError(400, "product.id is required");
    try {
      return updateProduct(store, product.id, product);
    } catch (error) {
      if (error instanceof WixError && error.status === 409)
        throw new WixError(409, "revision mismatch", "REVISION_MISMATCH");
      throw error;
    }
  });
}
