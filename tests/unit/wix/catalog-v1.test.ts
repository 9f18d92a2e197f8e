import { beforeEach, describe, expect, test } from "@jest/globals";
import type {
  GetInventoryVariantsRequestOriginal,
  QueryInventoryRequestOriginal,
  UpdateInventoryVariantsRequestOriginal,
} from "@wix/auto_sdk_stores_inventory/meta";
import { HttpError, PermanentError } from "#shared/errors";
import { InventorySync } from "#shared/flows/inventory/sync";
import type { CategoryDirectory } from "#shared/flows/products/category-ports";
import type { HttpClient, HttpRequest } from "#shared/http/client";
import { WixV1Collections } from "#shared/wix/catalog-v1/collections";
import { V1_PRODUCT_READS_MAX, WixV1Inventory } from "#shared/wix/catalog-v1/inventory";
import type { V1VariantRef } from "#shared/wix/catalog-v1/stock";
import { FakeErpnext, FakeLog, FakeState } from "../flows/fakes";

/** A V1 inventory item as Wix keeps it: one per product, tracking for the whole product. */
interface V1Inventory {
  productId: string;
  numericId: string;
  trackQuantity: boolean;
  variants: { variantId: string; quantity?: number; inStock?: boolean }[];
}

/**
 * The HttpClient's `send`, in memory: answers Get Product (its inventory item id, `inv-<product>`),
 * Query Inventory, Get Inventory Variants and Update Inventory Variants from `inventory`, refuses the products in `refused` (400) and everything while `outage` (503), as
 * HttpClient reports them (HttpError).
 */
class FakeV1Http {
  inventory: V1Inventory[] = [];
  requests: HttpRequest[] = [];
  refused = new Set<string>();
  outage = false;
  readonly http = this as unknown as HttpClient;

  async send(req: HttpRequest) {
    this.requests.push(req);
    if (this.outage) throw new HttpError("Service Unavailable", 503, true);
    if (req.path === "/stores-reader/v2/inventoryItems/query") {
      const paging = (req.body as QueryInventoryRequestOriginal).query?.paging;
      const offset = paging?.offset ?? 0;
      const limit = paging?.limit ?? 100;
      const sorted = [...this.inventory].sort((a, b) => Number(a.numericId) - Number(b.numericId));
      return { status: 200, headers: {}, body: { inventoryItems: sorted.slice(offset, offset + limit) } };
    }
    const got = /^\/stores-reader\/v2\/inventoryItems\/inv-(.+)\/getVariants$/.exec(req.path);
    if (got) {
      const item = this.inventory.find((i) => i.productId === decodeURIComponent(got[1] ?? ""));
      if (!item) throw new HttpError("no inventory", 404, false);
      const ids = (req.body as GetInventoryVariantsRequestOriginal).variantIds ?? [];
      const variants = item.variants.filter((v) => !ids.length || ids.includes(v.variantId));
      return {
        status: 200,
        headers: {},
        body: { inventoryItem: { ...item, id: `inv-${item.productId}`, variants } },
      };
    }
    if (req.method === "GET") {
      const id = decodeURIComponent(req.path.split("/").pop() ?? "");
      if (!this.inventory.some((i) => i.productId === id)) throw new HttpError("no product", 404, false);
      return { status: 200, headers: {}, body: { product: { id, inventoryItemId: `inv-${id}` } } };
    }
    const productId = decodeURIComponent(req.path.split("/").pop() ?? "");
    if (this.refused.has(productId))
      throw new HttpError("PRODUCT_NOT_FOUND: no such product", 404, false, { code: "PRODUCT_NOT_FOUND" });
    const item = this.inventory.find((i) => i.productId === productId);
    if (!item) throw new HttpError("no inventory", 404, false);
    const { inventoryItem } = req.body as UpdateInventoryVariantsRequestOriginal;
    item.trackQuantity = inventoryItem.trackQuantity ?? false;
    for (const v of inventoryItem.variants ?? []) {
      const variant = item.variants.find((x) => x.variantId === v.variantId);
      if (variant) variant.quantity = v.quantity ?? undefined;
      else item.variants.push({ variantId: v.variantId ?? "", quantity: v.quantity ?? undefined });
    }
    return { status: 200, headers: {}, body: {} };
  }

  patches() {
    return this.requests.filter((r) => r.method === "PATCH");
  }
}

const DEFAULT_VARIANT = "00000000-0000-0000-0000-000000000000";
let wix: FakeV1Http;
let refs: V1VariantRef[];
const variantsBySku = async (skus: string[]) => refs.filter((r) => skus.includes(r.sku));

/** `count` simple products P0..P{count-1}, each with its default variant tracked at quantity 1. */
function simpleProducts(count: number) {
  for (let n = 0; n < count; n++) {
    wix.inventory.push({
      productId: `P${n}`,
      numericId: String(n + 1),
      trackQuantity: true,
      variants: [{ variantId: DEFAULT_VARIANT, quantity: 1, inStock: true }],
    });
    refs.push({ productId: `P${n}`, variantId: DEFAULT_VARIANT, sku: `SKU-${n}` });
  }
}

beforeEach(() => {
  wix = new FakeV1Http();
  refs = [];
});

describe("WixV1Inventory", () => {
  test("a location on a V1 site is refused with a clear message (V1 has no inventory locations)", async () => {
    // prepare
    const inventory = new WixV1Inventory(wix.http, variantsBySku);
    // act
    const read = inventory.inventoryBySku(["SKU-0"], "loc-1");
    // assess
    await expect(read).rejects.toThrow(PermanentError);
    await expect(read).rejects.toThrow(
      "Catalog V1 has no inventory locations: unset WIX_LOCATION_ID for this site",
    );
    expect(wix.requests).toHaveLength(0);
  });

  test("the inventory is crawled 100 a page in numericId order, and only until every product asked for is seen", async () => {
    // prepare: 250 products, three pages
    simpleProducts(250);
    const inventory = new WixV1Inventory(wix.http, variantsBySku);
    // act
    const early = await inventory.inventoryBySku(["SKU-3"]);
    const firstPages = wix.requests.length;
    const late = await inventory.inventoryBySku(["SKU-3", "SKU-120"]);
    // assess
    expect(early.map((i) => i.product?.variantSku)).toEqual(["SKU-3"]);
    expect(firstPages).toBe(1);
    expect(late.map((i) => i.product?.variantSku)).toEqual(["SKU-3", "SKU-120"]);
    expect(wix.requests.slice(1).map((r) => (r.body as QueryInventoryRequestOriginal).query?.paging)).toEqual(
      [
        { limit: 100, offset: 0 },
        { limit: 100, offset: 100 },
      ],
    );
  });

  test("one Update Inventory Variants call per product carries all its variants; a product refused fails its own variants only", async () => {
    // prepare: a product with two variants, one refused product, one simple product
    wix.inventory.push({
      productId: "TEE",
      numericId: "1",
      trackQuantity: true,
      variants: [
        { variantId: "v-s", quantity: 1 },
        { variantId: "v-m", quantity: 1 },
      ],
    });
    simpleProducts(2);
    wix.refused.add("P0");
    const inventory = new WixV1Inventory(wix.http, variantsBySku);
    // act
    const res = await inventory.bulkCreateInventory([
      { productId: "TEE", variantId: "v-s", quantity: 4 },
      { productId: "P0", variantId: DEFAULT_VARIANT, quantity: 2 },
      { productId: "P1", variantId: DEFAULT_VARIANT, quantity: 3 },
      { productId: "TEE", variantId: "v-m", quantity: 0 },
    ]);
    // assess
    expect(wix.patches().map((r) => r.path)).toEqual([
      "/stores/v2/inventoryItems/product/TEE",
      "/stores/v2/inventoryItems/product/P0",
      "/stores/v2/inventoryItems/product/P1",
    ]);
    expect(res.results.map((r) => [r.itemMetadata.originalIndex, r.itemMetadata.success])).toEqual([
      [0, true],
      [1, false],
      [2, true],
      [3, true],
    ]);
    expect(res.results[1]?.itemMetadata.error?.code).toBe("PRODUCT_NOT_FOUND");
    expect(res.bulkActionMetadata).toEqual({ totalSuccesses: 3, totalFailures: 1, undetailedFailures: 0 });
    expect(wix.inventory[0]?.variants.map((v) => v.quantity)).toEqual([4, 0]);
  });

  test("a retryable failure throws for the queue to retry, never reported as a refused item", async () => {
    // prepare
    simpleProducts(1);
    wix.outage = true;
    const inventory = new WixV1Inventory(wix.http, variantsBySku);
    // act
    const write = inventory.bulkUpdateInventory([
      { id: `v1/P0/${DEFAULT_VARIANT}`, revision: "v1", quantity: 5 },
    ]);
    // assess
    await expect(write).rejects.toThrow(HttpError);
  });

  test("the inventory flow on V1: changed and untracked stock pushed (tracking on), missing stock created, a rerun writes nothing", async () => {
    // prepare: A tracked at 1 (ERPNext 5), B untracked at 5 (ERPNext 5), C with no inventory entry yet
    const erpnext = new FakeErpnext();
    const state = new FakeState();
    simpleProducts(3);
    const [a, b, c] = wix.inventory as [V1Inventory, V1Inventory, V1Inventory];
    b.trackQuantity = false;
    (b.variants[0] as { quantity?: number }).quantity = 5;
    c.variants = [];
    for (const n of [0, 1, 2]) {
      state.mappings.set(`SKU-${n}`, {
        itemCode: `SKU-${n}`,
        productId: `P${n}`,
        variantId: DEFAULT_VARIANT,
        createdAt: "2025-01-01T00:00:00.000Z",
        updatedAt: "2025-01-01T00:00:00.000Z",
      });
      erpnext.seed("Bin", {
        name: `SKU-${n}-Stores`,
        item_code: `SKU-${n}`,
        warehouse: "Stores - SL",
        actual_qty: 5,
        reserved_qty: 0,
        modified: "2025-03-01 10:00:00",
      });
    }
    const sync = new InventorySync({
      erpnext,
      wix: new WixV1Inventory(wix.http, variantsBySku),
      state,
      log: new FakeLog(),
      warehouses: [],
    });
    // act
    const first = await sync.syncItems(["SKU-0", "SKU-1", "SKU-2"]);
    const writes = wix.patches().length;
    const rerun = await sync.syncItems(["SKU-0", "SKU-1", "SKU-2"]);
    // assess
    expect(first).toMatchObject({ pushed: 2, created: 1, failed: [] });
    expect([a, b, c].map((i) => [i.trackQuantity, i.variants[0]?.quantity])).toEqual([
      [true, 5],
      [true, 5],
      [true, 5],
    ]);
    expect(state.mappings.get("SKU-2")?.inventoryItemId).toBe(`v1/P2/${DEFAULT_VARIANT}/inv-P2`);
    expect(writes).toBe(3);
    expect(rerun).toMatchObject({ pushed: 0, created: 0, unchanged: 3 });
    expect(wix.patches()).toHaveLength(3);
  });
});

describe("V1 stock of the product we mapped", () => {
  const mappingOf = (itemCode: string, productId: string, inventoryItemId?: string) => ({
    itemCode,
    productId,
    variantId: DEFAULT_VARIANT,
    ...(inventoryItemId ? { inventoryItemId } : {}),
    createdAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-01T00:00:00.000Z",
  });

  function stockSync(state: FakeState, quantity: number) {
    const erpnext = new FakeErpnext();
    for (const code of state.mappings.keys())
      erpnext.seed("Bin", {
        name: `${code}-Stores`,
        item_code: code,
        warehouse: "Stores - SL",
        actual_qty: quantity,
        reserved_qty: 0,
        modified: "2025-03-01 10:00:00",
      });
    return new InventorySync({
      erpnext,
      wix: new WixV1Inventory(wix.http, variantsBySku),
      state,
      log: new FakeLog(),
      warehouses: [],
    });
  }

  test("two products share a SKU: the mapped one is read and stocked, the other never touched", async () => {
    // prepare: we mapped SKU-0 to P0; a later copy P1 (dashboard duplicate) carries SKU-0 too
    simpleProducts(2);
    (refs[1] as V1VariantRef).sku = "SKU-0";
    const state = new FakeState();
    state.mappings.set("SKU-0", mappingOf("SKU-0", "P0"));
    // act
    const result = await stockSync(state, 6).syncItems(["SKU-0"]);
    // assess
    expect(result).toMatchObject({ pushed: 1, failed: [] });
    expect(wix.inventory.map((i) => [i.productId, i.variants[0]?.quantity])).toEqual([
      ["P0", 6],
      ["P1", 1],
    ]);
    expect(wix.patches().map((r) => r.path)).toEqual(["/stores/v2/inventoryItems/product/P0"]);
  });

  test("a stock check of one mapped product costs one read in a store of 250, whatever its place", async () => {
    // prepare: the last product of the store, its inventory item id unknown at first
    simpleProducts(250);
    const state = new FakeState();
    state.mappings.set("SKU-249", mappingOf("SKU-249", "P249"));
    const reads = () => wix.requests.filter((r) => r.method !== "PATCH").map((r) => `${r.method} ${r.path}`);
    // act: the first check asks Get Product for the inventory item id, the mapping keeps it for
    // the next (a new adapter: nothing remembered in memory)
    await stockSync(state, 1).syncItems(["SKU-249"]);
    const first = reads();
    wix.requests = [];
    await stockSync(state, 1).syncItems(["SKU-249"]);
    // assess
    expect(first).toEqual([
      "GET /stores-reader/v1/products/P249",
      "POST /stores-reader/v2/inventoryItems/inv-P249/getVariants",
    ]);
    expect(state.mappings.get("SKU-249")?.inventoryItemId).toBe(`v1/P249/${DEFAULT_VARIANT}/inv-P249`);
    expect(reads()).toEqual(["POST /stores-reader/v2/inventoryItems/inv-P249/getVariants"]);
  });

  test("many mapped products (a reconcile) are read by crawling the inventory, matched by product id", async () => {
    // prepare
    simpleProducts(V1_PRODUCT_READS_MAX + 1);
    // act
    const items = await new WixV1Inventory(wix.http, variantsBySku).inventoryBySku(
      refs.map((r) => r.sku),
      undefined,
      refs,
    );
    // assess: one page of Query Inventory, no SKU lookup needed
    expect(items).toHaveLength(V1_PRODUCT_READS_MAX + 1);
    expect(wix.requests.map((r) => r.path)).toEqual(["/stores-reader/v2/inventoryItems/query"]);
  });
});

describe("WixV1Collections", () => {
  /** Add/Remove Products answer all or nothing: a call naming a deleted product is refused whole. */
  function collectionsWix(deleted: string) {
    const calls: string[][] = [];
    const http = {
      async send(req: HttpRequest) {
        const ids = (req.body as { productIds: string[] }).productIds;
        calls.push(ids);
        if (ids.includes(deleted))
          throw new HttpError("PRODUCT_NOT_FOUND: gone", 404, false, { code: "PRODUCT_NOT_FOUND" });
        return { status: 200, headers: {}, body: {} };
      },
    } as unknown as HttpClient;
    // The category filing's port, met structurally (tsc fails here if it drifts).
    const collections: Omit<CategoryDirectory, "catalogVersion"> = new WixV1Collections(http);
    return { collections, calls };
  }

  test("a refused call is filed again product by product, so one bad product never keeps the others out", async () => {
    // prepare
    const { collections, calls } = collectionsWix("GONE");
    // act
    const filings = await collections.addToCategory("c1", ["P1", "GONE", "P2"]);
    // assess
    expect(filings).toEqual([
      { productId: "P1" },
      { productId: "GONE", error: { code: "PRODUCT_NOT_FOUND", description: "PRODUCT_NOT_FOUND: gone" } },
      { productId: "P2" },
    ]);
    expect(calls).toEqual([["P1", "GONE", "P2"], ["P1"], ["GONE"], ["P2"]]);
  });

  test("a retryable failure throws", async () => {
    // prepare
    const http = {
      send: async () => {
        throw new HttpError("Too Many Requests", 429, true);
      },
    } as unknown as HttpClient;
    // act
    const removing = new WixV1Collections(http).removeFromCategory("c1", ["P1", "P2"]);
    // assess
    await expect(removing).rejects.toThrow("Too Many Requests");
  });
});
