import type {
  GetInventoryVariantsRequestOriginal,
  GetInventoryVariantsResponseOriginal,
  InventoryItemV2Original,
  QueryInventoryRequestOriginal,
  QueryInventoryResponseOriginal,
} from "@wix/auto_sdk_stores_inventory/meta";
import type { GetProductResponseOriginal } from "@wix/auto_sdk_stores_products/meta";
import { HttpError, PermanentError } from "../../errors";
import type { InventoryWix, MappedVariant } from "../../flows/inventory/ports";
import type { BulkItemResult, BulkResponse, WixInventoryItem } from "../../flows/wix-catalog";
import type { HttpClient } from "../../http/client";
import { offsetPages } from "../../paging";
import { errorOf } from "../responses";
import { isV1Refusal, setV1Stock, V1_REVISION, type V1VariantRef } from "./stock";

/**
 * Catalog V1 inventory (@wix/auto_sdk_stores_inventory) behind the inventory flow's port. V1 keeps
 * ONE inventory item per product, with `trackQuantity` for the whole product and a quantity per
 * variant (`InventoryItemV2`, build/cjs/meta.d.ts); the port speaks of one item per variant, so
 * each variant is given as an item of its own here.
 */

/** Query Inventory pages: `Paging.limit @max 100`, offset paging (meta.d.ts `Paging`). */
export const V1_INVENTORY_PAGE = 100;

/**
 * Up to this many mapped products are read one by one (Get Inventory Variants, one call each once
 * their inventory item id is known); more are read by crawling the inventory, which costs one call
 * per 100 products of the store but no more for many of ours (a reconcile of 1,000 items).
 */
export const V1_PRODUCT_READS_MAX = 10;

/** A variant whose stock is read: as mapped, or as found by SKU in the store (with its product's name). */
type StockRef = MappedVariant & Pick<V1VariantRef, "productName">;

const V1_NO_LOCATIONS = "Catalog V1 has no inventory locations: unset WIX_LOCATION_ID for this site";

/**
 * The opaque inventory item id the flow hands back to write and keeps in the mapping: V1 writes by
 * product and variant (Update Inventory Variants) and reads by the product's inventory item id
 * (Get Inventory Variants), so all three travel in it, the last when known. Wix ids are GUIDs (no "/").
 */
export function v1InventoryId(productId: string, variantId: string, inventoryId?: string): string {
  return `v1/${productId}/${variantId}${inventoryId ? `/${inventoryId}` : ""}`;
}

function parseV1InventoryId(
  id: string,
): { productId: string; variantId: string; inventoryId?: string } | undefined {
  const [tag, productId, variantId, inventoryId, ...rest] = id.split("/");
  if (tag !== "v1" || !productId || !variantId || rest.length || inventoryId === "") return undefined;
  return { productId, variantId, ...(inventoryId ? { inventoryId } : {}) };
}

export class WixV1Inventory implements InventoryWix {
  /** Each product's inventory item id (`Product.inventoryItemId`), learnt once: it never changes. */
  private readonly inventoryIds = new Map<string, string>();

  constructor(
    private readonly http: HttpClient,
    private readonly variantsBySku: (skus: string[]) => Promise<V1VariantRef[]>,
  ) {}

  /**
   * One item per variant of these SKUs. A SKU our mapping names is read from that product and
   * variant (V1 lets two products share a SKU: the one we mapped is the one we stock): one Get
   * Inventory Variants per product when they are few (a stock change, a sale), else a crawl of the
   * inventory (crawl) matched by product id (a reconcile). Other SKUs are found in the store by SKU
   * (the products adapter) and crawled for. A variant with no inventory entry is left out: the
   * flow then creates its stock (bulkCreateInventory).
   */
  async inventoryBySku(
    skus: string[],
    locationId?: string,
    mapped: MappedVariant[] = [],
  ): Promise<WixInventoryItem[]> {
    if (locationId) throw new PermanentError(V1_NO_LOCATIONS, { locationId });
    const wanted = new Set(skus);
    const ours = mapped.filter((m) => wanted.has(m.sku));
    for (const m of ours) wanted.delete(m.sku);
    const items: WixInventoryItem[] = [];
    const oneByOne = byProduct(ours);
    const crawled: StockRef[] = [];
    if (oneByOne.size > V1_PRODUCT_READS_MAX) {
      crawled.push(...ours);
      oneByOne.clear();
    }
    for (const [productId, refs] of oneByOne) {
      const inventory = await this.productInventory(productId, refs);
      if (inventory) items.push(...variantItems(inventory, refs));
    }
    if (wanted.size) crawled.push(...(await this.variantsBySku([...wanted])));
    if (crawled.length) items.push(...(await this.crawl(byProduct(crawled))));
    return items;
  }

  /**
   * Get Inventory Variants: POST /stores-reader/v2/inventoryItems/{inventoryId}/getVariants with
   * `{inventoryId, variantIds}` (@wix/auto_sdk_stores_inventory build/cjs/index.js
   * `getInventoryVariants`, protoPath "/v2/inventoryItems/{inventoryId}/getVariants" mapped to
   * /stores-reader/v2/inventoryItems on www.wixapis.com; `inventoryId` required). The id comes from
   * the mapping (v1InventoryId), else from what this adapter learnt, else from Get Product.
   * Undefined when the product is gone (404): its write then fails on its own.
   */
  private async productInventory(
    productId: string,
    refs: MappedVariant[],
  ): Promise<InventoryItemV2Original | undefined> {
    const kept = refs
      .map((r) => parseV1InventoryId(r.inventoryItemId ?? ""))
      .find((p) => p?.productId === productId);
    const inventoryId =
      this.inventoryIds.get(productId) ?? kept?.inventoryId ?? (await this.inventoryIdOf(productId));
    if (!inventoryId) return undefined;
    const body: GetInventoryVariantsRequestOriginal = {
      inventoryId,
      variantIds: refs.map((r) => r.variantId),
    };
    const inventory = await absentOn404(async () => {
      const res = await this.http.send<GetInventoryVariantsResponseOriginal>({
        method: "POST",
        path: `/stores-reader/v2/inventoryItems/${encodeURIComponent(inventoryId)}/getVariants`,
        idempotent: true, // a read
        body,
      });
      return res.body.inventoryItem;
    });
    // An id kept for another product (never expected) reads nothing rather than its stock.
    if (inventory?.productId !== productId) {
      this.inventoryIds.delete(productId);
      return undefined;
    }
    this.inventoryIds.set(productId, inventoryId);
    return inventory;
  }

  /**
   * The product's inventory item id: Get Product (GET /stores-reader/v1/products/{id},
   * @wix/auto_sdk_stores_products build/cjs/index.js `getProduct`) answers `Product.inventoryItemId`
   * ("ID referencing the inventory system", meta.d.ts).
   */
  private async inventoryIdOf(productId: string): Promise<string | undefined> {
    return absentOn404(async () => {
      const res = await this.http.send<GetProductResponseOriginal>({
        method: "GET",
        path: `/stores-reader/v1/products/${encodeURIComponent(productId)}`,
      });
      return res.body.product?.inventoryItemId ?? undefined;
    });
  }

  /**
   * These products' stock from Query Inventory: its doc comments declare no filterable field but
   * `numericId` ("primarily for sorting and filtering when crawling all inventories", meta.d.ts
   * `InventoryItemV2`), so the inventory is crawled in `numericId` order, 100 a page, until every
   * product asked for is seen.
   */
  private async crawl(products: Map<string, StockRef[]>): Promise<WixInventoryItem[]> {
    const items: WixInventoryItem[] = [];
    const pending = new Set(products.keys());
    for await (const page of offsetPages(
      (offset, limit) => this.queryPage(offset, limit),
      V1_INVENTORY_PAGE,
    )) {
      for (const inventory of page) {
        const wanted = inventory.productId ? products.get(inventory.productId) : undefined;
        if (!wanted) continue;
        pending.delete(inventory.productId as string);
        items.push(...variantItems(inventory, wanted));
      }
      if (!pending.size) break;
    }
    return items;
  }

  private async queryPage(offset: number, limit: number): Promise<InventoryItemV2Original[]> {
    const body: QueryInventoryRequestOriginal = {
      query: { sort: JSON.stringify([{ numericId: "asc" }]), paging: { limit, offset } },
    };
    const res = await this.http.send<QueryInventoryResponseOriginal>({
      method: "POST",
      path: "/stores-reader/v2/inventoryItems/query",
      idempotent: true, // a read
      body,
    });
    return res.body.inventoryItems ?? [];
  }

  /** Absolute quantities by item id; V1 has no revision to guard them (see V1_REVISION). */
  bulkUpdateInventory(
    items: { id: string; revision: string; quantity: number }[],
  ): Promise<BulkResponse<WixInventoryItem>> {
    return this.writeStock(
      items.map((item) => {
        const ref = parseV1InventoryId(item.id);
        if (ref?.inventoryId) this.inventoryIds.set(ref.productId, ref.inventoryId);
        return { ...item, ref };
      }),
    );
  }

  /** V1 creates a product's inventory with the product: "creating" a variant's stock is setting it. */
  bulkCreateInventory(
    items: { productId: string; variantId: string; quantity: number; locationId?: string }[],
  ): Promise<BulkResponse<WixInventoryItem>> {
    if (items.some((i) => i.locationId)) throw new PermanentError(V1_NO_LOCATIONS);
    return this.writeStock(
      items.map((item) => ({
        quantity: item.quantity,
        ref: { productId: item.productId, variantId: item.variantId },
      })),
    );
  }

  /**
   * One Update Inventory Variants call per product carries all its variants (setV1Stock), so a
   * product refused fails its own variants only; a retryable failure (rate limit, outage) throws
   * for the queue to retry the message.
   */
  private async writeStock(
    inputs: { quantity: number; ref?: { productId: string; variantId: string } }[],
  ): Promise<BulkResponse<WixInventoryItem>> {
    const results: BulkItemResult<WixInventoryItem>[] = [];
    const byProduct = new Map<string, number[]>();
    inputs.forEach(({ ref }, index) => {
      if (!ref)
        results.push(
          failed(index, { code: "INVALID_ID", description: "not a Catalog V1 inventory item id" }),
        );
      else byProduct.set(ref.productId, [...(byProduct.get(ref.productId) ?? []), index]);
    });
    for (const [productId, indexes] of byProduct) {
      const variants = indexes.map((i) => ({
        variantId: inputs[i]?.ref?.variantId as string,
        quantity: inputs[i]?.quantity as number,
      }));
      try {
        await setV1Stock(this.http, productId, variants);
      } catch (error) {
        if (!isV1Refusal(error)) throw error;
        const refused = errorOf({
          code: String(error.details.code ?? "REFUSED"),
          description: error.message,
        });
        for (const i of indexes) results.push(failed(i, refused));
        continue;
      }
      indexes.forEach((index, k) => {
        const { variantId, quantity } = variants[k] as { variantId: string; quantity: number };
        const id = v1InventoryId(productId, variantId, this.inventoryIds.get(productId));
        results.push({
          itemMetadata: { id, originalIndex: index, success: true },
          // What setV1Stock wrote: the quantity, tracked (it always sends trackQuantity: true).
          item: {
            id,
            revision: V1_REVISION,
            productId,
            variantId,
            quantity,
            inStock: quantity > 0,
            trackQuantity: true,
          },
        });
      });
    }
    results.sort((a, b) => a.itemMetadata.originalIndex - b.itemMetadata.originalIndex);
    const failures = results.filter((r) => !r.itemMetadata.success).length;
    return {
      results,
      bulkActionMetadata: {
        totalSuccesses: results.length - failures,
        totalFailures: failures,
        undetailedFailures: 0,
      },
    };
  }
}

function byProduct<R extends { productId: string }>(refs: R[]): Map<string, R[]> {
  const products = new Map<string, R[]>();
  for (const ref of refs) products.set(ref.productId, [...(products.get(ref.productId) ?? []), ref]);
  return products;
}

/** A read whose 404 means the product (or its inventory) is gone. */
async function absentOn404<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return undefined;
    throw error;
  }
}

function failed(originalIndex: number, error: { code: string; description?: string }): BulkItemResult<never> {
  return { itemMetadata: { originalIndex, success: false, error } };
}

/** The wanted variants of one V1 inventory item, each as an item of its own. */
function variantItems(inventory: InventoryItemV2Original, wanted: StockRef[]): WixInventoryItem[] {
  const items: WixInventoryItem[] = [];
  for (const ref of wanted) {
    const variant = inventory.variants?.find((v) => v.variantId === ref.variantId);
    if (!variant) continue;
    items.push({
      id: v1InventoryId(ref.productId, ref.variantId, inventory.id ?? undefined),
      revision: V1_REVISION,
      productId: ref.productId,
      variantId: ref.variantId,
      // Tracking is the product's, for all its variants (`InventoryItemV2.trackQuantity`).
      ...(typeof inventory.trackQuantity === "boolean" ? { trackQuantity: inventory.trackQuantity } : {}),
      ...(typeof variant.quantity === "number" ? { quantity: variant.quantity } : {}),
      ...(typeof variant.inStock === "boolean" ? { inStock: variant.inStock } : {}),
      product: { variantSku: ref.sku, ...(ref.productName ? { name: ref.productName } : {}) },
    });
  }
  return items;
}
