import type { GetCatalogVersionResponseOriginal } from "@wix/auto_sdk_stores_catalog-versioning/meta";
import type {
  BulkCreateInventoryItemsRequestOriginal,
  BulkCreateInventoryItemsResponseOriginal,
  BulkUpdateInventoryItemsRequestOriginal,
  BulkUpdateInventoryItemsResponseOriginal,
  InventoryItemOriginal,
  QueryInventoryItemsResponseOriginal,
} from "@wix/auto_sdk_stores_inventory-items-v-3/meta";
import type { Settings } from "../config/settings";
import { HttpError } from "../errors";
import type {
  BulkResponse,
  BulkWithInventoryResponse,
  CatalogVersion,
  WixInventoryItem,
  WixNewProduct,
  WixProduct,
  WixProductUpdate,
  WixVariantMatch,
} from "../flows/wix-catalog";
import type { WixFulfillment, WixFulfillmentUpdate } from "../flows/wix-fulfillments";
import type { WixOrder, WixOrderTransactions } from "../flows/wix-orders";
import { HttpClient, type HttpClientOptions } from "../http/client";
import { isWixRead, type WriteGuard } from "../http/dry-run";
import type { RateBudget } from "../http/rate-budget";
import { ONE_TRY } from "../resilience/retry";
import { type CategoryItemOutcome, WixCategories, type WixCategory } from "./categories";
import { WixFulfillments } from "./fulfillments";
import { WixOrders } from "./orders";
import { queryPages } from "./query";
import {
  bulkResponseOf,
  describeWixError,
  inventoryItemOf,
  NO_RESULTS,
  productWriteCondition,
} from "./responses";

/** Connection settings come from the validated settings; the rest are tuning knobs. */
export type WixClientOptions = Pick<
  Settings["wix"],
  "apiUrl" | "apiKey" | "siteId" | "appId" | "appSecret" | "instanceId"
> & {
  timeoutMs?: number;
  budget?: RateBudget;
  retry?: HttpClientOptions["retry"];
  onRetry?: HttpClientOptions["onRetry"];
  /** Test mode: told of each write withheld (reads still go out). */
  onWithheldWrite?: WriteGuard["record"];
};

/**
 * Inventory items per query: `CursorPaging.limit @max 1000`, and as many SKUs per `$in`
 * (@wix/auto_sdk_stores_inventory-items-v-3 build/cjs/meta.d.ts).
 */
const WIX_INVENTORY_QUERY = 1000;
export const WIX_QUERY_LIMIT = 100;
/** Wix REST: catalog V3 products and inventory, eCommerce orders. Key or app (OAuth) auth. */
export class WixClient {
  readonly http: HttpClient;
  private token?: { value: string; expiresAt: number };

  constructor(private readonly options: WixClientOptions) {
    this.http = new HttpClient({
      name: "Wix",
      baseUrl: options.apiUrl,
      headers: () => this.authHeaders(),
      describeError: describeWixError,
      timeoutMs: options.timeoutMs,
      budget: options.budget,
      retry: options.retry,
      onRetry: options.onRetry,
      dryRun: options.onWithheldWrite && { isRead: isWixRead, record: options.onWithheldWrite },
      secrets: [options.apiKey, options.appSecret],
    });
  }

  private async authHeaders(): Promise<Record<string, string>> {
    if (this.options.apiKey) {
      return { authorization: this.options.apiKey, "wix-site-id": this.options.siteId ?? "" };
    }
    return { authorization: await this.accessToken() };
  }

  /** OAuth client credentials; the token is cached until a minute before it expires. */
  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now() + 60_000) return this.token.value;
    const tokenClient = new HttpClient({
      name: "Wix OAuth",
      baseUrl: this.options.apiUrl,
      headers: () => ({}),
      describeError: describeWixError,
      secrets: [this.options.appSecret],
    });
    const res = await tokenClient.send<{ access_token: string; expires_in: number }>({
      method: "POST",
      path: "/oauth2/token",
      idempotent: true,
      body: {
        grant_type: "client_credentials",
        client_id: this.options.appId,
        client_secret: this.options.appSecret,
        instance_id: this.options.instanceId,
      },
    });
    this.token = { value: res.body.access_token, expiresAt: Date.now() + res.body.expires_in * 1000 };
    return this.token.value;
  }

  /**
   * Which catalog the site runs, asked every time: SiteCatalog (./catalog.ts) caches it for minutes,
   * so a site Wix converts from V1 to V3 is seen soon. A `probe` (the health check) tries once.
   */
  async catalogVersion(opts: { probe?: boolean } = {}): Promise<CatalogVersion> {
    const res = await this.http.send<GetCatalogVersionResponseOriginal>({
      method: "GET",
      path: "/stores/v3/provision/version",
      ...(opts.probe ? { retry: ONE_TRY } : {}),
    });
    return res.body.catalogVersion ?? "STORES_NOT_INSTALLED";
  }

  async getProduct(id: string): Promise<WixProduct | undefined> {
    try {
      const res = await this.http.send<{ product: WixProduct }>({
        method: "GET",
        path: `/stores/v3/products/${id}`,
      });
      return res.body.product;
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  async createProduct(product: WixNewProduct): Promise<WixProduct> {
    const res = await this.http.send<{ product: WixProduct }>({
      method: "POST",
      path: "/stores/v3/products-with-inventory",
      idempotent: true, // unique SKUs: a repeat is refused, then linked
      body: { product },
    });
    return res.body.product;
  }

  /**
   * PATCH: omitted fields stay; variants travel with options; a brand goes by id (WixProductUpdate).
   * The update names the revision it was based on ("The current `revision` must be passed when
   * updating the product", updateProduct doc in @wix/auto_sdk_stores_products-v-3
   * build/cjs/index.d.ts): Wix refuses a stale one with 409 Conflict, which the flow sees as
   * `RevisionConflictError` (re-read and retry); a deleted product's 404 as `NotFoundError`.
   */
  async updateProduct(product: WixProductUpdate): Promise<WixProduct> {
    try {
      const res = await this.http.send<{ product: WixProduct }>({
        method: "PATCH",
        path: `/stores/v3/products/${product.id}`,
        body: { product },
      });
      return res.body.product;
    } catch (error) {
      throw productWriteCondition(error);
    }
  }

  /**
   * Up to 100 products with their opening stock; per-item results (HTTP 200 even when items fail).
   * This endpoint nests them under `productResults` (BulkCreateProductsWithInventoryResponse,
   * @wix/auto_sdk_stores_products-v-3 build/cjs/meta.d.ts), unlike plain bulk calls.
   */
  async bulkCreateProducts(products: WixNewProduct[]): Promise<BulkResponse<WixProduct>> {
    const res = await this.http.send<BulkWithInventoryResponse>({
      method: "POST",
      path: "/stores/v3/bulk/products-with-inventory/create",
      idempotent: true, // unique SKUs: a repeat is refused per item, then linked
      body: { products, returnEntity: true },
    });
    return res.body.productResults ?? NO_RESULTS;
  }

  /** Bulk Update Products (flat BulkUpdateProductsResponse). */
  async bulkUpdateProducts(products: WixProductUpdate[]): Promise<BulkResponse<WixProduct>> {
    const res = await this.http.send<BulkResponse<WixProduct>>({
      method: "POST",
      path: "/stores/v3/bulk/products/update",
      idempotent: true, // revision-guarded
      body: { products: products.map((product) => ({ product })), returnEntity: true },
    });
    return { results: res.body.results ?? [], bulkActionMetadata: res.body.bulkActionMetadata };
  }

  /**
   * The variants that carry any of these SKUs, with their product id and revision, via Search
   * Variants (@wix/auto_sdk_stores_read-only-variants-v-3): `sku` is filterable there, while
   * Query Products filters only id, handle, slug, visible, dates and options.id, and Search
   * Products takes variants only through `$matchItems` (ReadOnlyVariantSearchSpec and
   * V3ProductQuerySpec in the packages' universal .d.ts). SKUs are unique store-wide, so 100
   * SKUs match at most 100 variants: one page.
   */
  async findVariantsBySku(skus: string[]): Promise<WixVariantMatch[]> {
    const found: WixVariantMatch[] = [];
    for (let i = 0; i < skus.length; i += WIX_QUERY_LIMIT) {
      const filter = { sku: { $in: skus.slice(i, i + WIX_QUERY_LIMIT) } };
      for await (const v of queryPages<WixVariantMatch>(
        this.http,
        "/stores/v3/products/search-variants",
        "variants",
        filter,
        WIX_QUERY_LIMIT,
        { envelope: "search" },
      )) {
        found.push(v);
      }
    }
    return found;
  }

  /**
   * Every variant of the catalog, with its product's id and name (Search Variants with no filter,
   * @wix/auto_sdk_stores_read-only-variants-v-3), a page at a time: `onPage` hears each page's size.
   */
  async allVariants(onPage?: (count: number) => void): Promise<WixVariantMatch[]> {
    const found: WixVariantMatch[] = [];
    let page = 0;
    for await (const v of queryPages<WixVariantMatch>(
      this.http,
      "/stores/v3/products/search-variants",
      "variants",
      {},
      WIX_QUERY_LIMIT,
      { envelope: "search" },
    )) {
      found.push(v);
      if (++page === WIX_QUERY_LIMIT) {
        onPage?.(page);
        page = 0;
      }
    }
    if (page) onPage?.(page);
    return found;
  }

  /**
   * Inventory items of these SKUs: one per variant and location (InventoryItem in
   * @wix/auto_sdk_stores_inventory-items-v-3 build/cjs/meta.d.ts), or only those at
   * `locationId` when given. `product.variantSku` and `locationId` are filterable
   * (InventoryItemQuerySpec in @wix/auto_sdk_stores_inventory-items-v-3's universal .d.ts).
   */
  async inventoryBySku(skus: string[], locationId?: string): Promise<WixInventoryItem[]> {
    const key: keyof QueryInventoryItemsResponseOriginal = "inventoryItems";
    const items: WixInventoryItem[] = [];
    for (let i = 0; i < skus.length; i += WIX_INVENTORY_QUERY) {
      const filter: Record<string, unknown> = {
        "product.variantSku": { $in: skus.slice(i, i + WIX_INVENTORY_QUERY) },
      };
      if (locationId) filter.locationId = { $eq: locationId };
      for await (const item of queryPages<InventoryItemOriginal>(
        this.http,
        "/stores/v3/inventory-items/query",
        key,
        filter,
        WIX_INVENTORY_QUERY,
      )) {
        const parsed = inventoryItemOf(item);
        if (parsed) items.push(parsed);
      }
    }
    return items;
  }

  /**
   * Absolute quantities, up to 1000 items a call, revision-guarded. `trackQuantity` is read-only
   * (setting `quantity` is what tracks by quantity) and `reason` is an optional enum of the request
   * (@wix/auto_sdk_stores_inventory-items-v-3 build/cjs/meta.d.ts `InventoryItem`, `BulkUpdateInventoryItemsRequest`).
   */
  async bulkUpdateInventory(
    items: { id: string; revision: string; quantity: number }[],
  ): Promise<BulkResponse<WixInventoryItem>> {
    const body: BulkUpdateInventoryItemsRequestOriginal = {
      inventoryItems: items.map(({ id, revision, quantity }) => ({
        inventoryItem: { id, revision, quantity },
      })),
      reason: "MANUAL",
      returnEntity: true,
    };
    const res = await this.http.send<BulkUpdateInventoryItemsResponseOriginal>({
      method: "POST",
      path: "/stores/v3/bulk/inventory-items/update",
      idempotent: true, // absolute quantities, revision-guarded
      body,
    });
    return bulkResponseOf(res.body, inventoryItemOf);
  }

  /**
   * New inventory items (1..1000 a call) at `locationId`; without one, Wix uses the store's default
   * location (`InventoryItem.locationId` in @wix/auto_sdk_stores_inventory-items-v-3 build/cjs/meta.d.ts).
   */
  async bulkCreateInventory(
    items: { productId: string; variantId: string; quantity: number; locationId?: string }[],
  ): Promise<BulkResponse<WixInventoryItem>> {
    const body: BulkCreateInventoryItemsRequestOriginal = {
      inventoryItems: items.map(({ productId, variantId, quantity, locationId }) => ({
        productId,
        variantId,
        quantity,
        ...(locationId ? { locationId } : {}),
      })),
      returnEntity: true,
    };
    const res = await this.http.send<BulkCreateInventoryItemsResponseOriginal>({
      method: "POST",
      path: "/stores/v3/bulk/inventory-items/create",
      idempotent: true, // a second item for the same variant and location is refused per item
      body,
    });
    return bulkResponseOf(res.body, inventoryItemOf);
  }

  /** The resources kept in their own modules, over this client's authenticated transport. */
  private get resources() {
    this.resourceClients ??= {
      categories: new WixCategories(this.http),
      orders: new WixOrders(this.http),
      fulfillments: new WixFulfillments(this.http),
    };
    return this.resourceClients;
  }
  private resourceClients?: { categories: WixCategories; orders: WixOrders; fulfillments: WixFulfillments };

  findCategories(name: string): Promise<WixCategory[]> {
    return this.resources.categories.findCategories(name);
  }
  createCategory(name: string): Promise<WixCategory> {
    return this.resources.categories.createCategory(name);
  }
  addToCategory(categoryId: string, productIds: string[]): Promise<CategoryItemOutcome[]> {
    return this.resources.categories.addToCategory(categoryId, productIds);
  }
  removeFromCategory(categoryId: string, productIds: string[]): Promise<CategoryItemOutcome[]> {
    return this.resources.categories.removeFromCategory(categoryId, productIds);
  }
  orderFulfillments(orderIds: string[]): Promise<Map<string, WixFulfillment[]>> {
    return this.resources.fulfillments.orderFulfillments(orderIds);
  }
  createFulfillment(orderId: string, fulfillment: WixFulfillment) {
    return this.resources.fulfillments.createFulfillment(orderId, fulfillment);
  }
  updateFulfillment(orderId: string, fulfillment: WixFulfillmentUpdate) {
    return this.resources.fulfillments.updateFulfillment(orderId, fulfillment);
  }
  deleteFulfillment(orderId: string, fulfillmentId: string) {
    return this.resources.fulfillments.deleteFulfillment(orderId, fulfillmentId);
  }
  getOrder(id: string): Promise<WixOrder | undefined> {
    return this.resources.orders.getOrder(id);
  }
  orderTransactions(orderIds: string[]): Promise<Map<string, WixOrderTransactions>> {
    return this.resources.orders.orderTransactions(orderIds);
  }
  searchOrders(since: string, cursor?: string): Promise<{ orders: WixOrder[]; next?: string }> {
    return this.resources.orders.searchOrders(since, cursor);
  }
}
