import type {
  GetOrderResponseOriginal,
  OrderOriginal,
  SearchOrdersRequestOriginal,
  SearchOrdersResponseOriginal,
} from "@wix/auto_sdk_ecom_orders/meta";
import type { Settings } from "../config/settings";
import { HttpClient, type HttpClientOptions } from "../http/client";
import { HttpError } from "../http/errors";
import type { RateBudget } from "../http/rate-budget";
import type {
  BulkResponse,
  BulkWithInventoryResponse,
  Wire,
  WixInventoryItem,
  WixNewProduct,
  WixOrder,
  WixProduct,
  WixProductUpdate,
  WixVariantMatch,
} from "./types";

export type CatalogVersion = "V1_CATALOG" | "V3_CATALOG" | "STORES_NOT_INSTALLED";

/** Connection settings come from the validated settings; the rest are tuning knobs. */
export type WixClientOptions = Pick<
  Settings["wix"],
  "apiUrl" | "apiKey" | "siteId" | "appId" | "appSecret" | "instanceId"
> & {
  timeoutMs?: number;
  budget?: RateBudget;
  retry?: HttpClientOptions["retry"];
  onRetry?: HttpClientOptions["onRetry"];
};

/** Wix limits (CONTRACTS 2.3-2.5). */
export const WIX_BULK_PRODUCTS = 100;
export const WIX_BULK_VARIANTS = 1000;
/** Options created by one bulk create, in all (bulkCreateProductsWithInventory doc, products-v-3 index.d.ts). */
export const WIX_BULK_OPTIONS = 100;
export const WIX_BULK_INVENTORY = 1000;
export const WIX_QUERY_LIMIT = 100;
export const WIX_STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e";
/** Every Categories call names the Wix Stores tree (CONTRACTS 2.3). */
const STORES_TREE = { appNamespace: "@wix/stores" };

/** Wix REST: catalog V3 products and inventory, eCommerce orders. Key or app (OAuth) auth. */
export class WixClient {
  readonly http: HttpClient;
  private catalogVersionCache?: CatalogVersion;
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

  /** Which catalog the site runs; cached because a site never goes back from V3. */
  async catalogVersion(): Promise<CatalogVersion> {
    if (this.catalogVersionCache === "V3_CATALOG") return this.catalogVersionCache;
    const res = await this.http.send<{ catalogVersion: CatalogVersion }>({
      method: "GET",
      path: "/stores/v3/provision/version",
    });
    this.catalogVersionCache = res.body.catalogVersion;
    return this.catalogVersionCache;
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

  /** PATCH: omitted fields stay; variants travel with options; a brand goes by id (WixProductUpdate). */
  async updateProduct(product: WixProductUpdate): Promise<WixProduct> {
    const res = await this.http.send<{ product: WixProduct }>({
      method: "PATCH",
      path: `/stores/v3/products/${product.id}`,
      body: { product },
    });
    return res.body.product;
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
      for await (const v of this.query<WixVariantMatch>(
        "/stores/v3/products/search-variants",
        "variants",
        filter,
        WIX_QUERY_LIMIT,
        "search",
      )) {
        found.push(v);
      }
    }
    return found;
  }

  /** Inventory items for these SKUs (at most 1000 a page). */
  async inventoryBySku(skus: string[]): Promise<WixInventoryItem[]> {
    const items: WixInventoryItem[] = [];
    for (let i = 0; i < skus.length; i += WIX_BULK_INVENTORY) {
      const filter = { "product.variantSku": { $in: skus.slice(i, i + WIX_BULK_INVENTORY) } };
      for await (const item of this.query<WixInventoryItem>(
        "/stores/v3/inventory-items/query",
        "inventoryItems",
        filter,
        WIX_BULK_INVENTORY,
      )) {
        items.push(item);
      }
    }
    return items;
  }

  /**
   * A V3 query (or search: same paging, request under `search`), page by page: the first page
   * carries the filter, later ones only the cursor.
   */
  private async *query<T>(
    path: string,
    key: string,
    filter: Record<string, unknown>,
    limit: number,
    envelope: "query" | "search" = "query",
  ): AsyncGenerator<T> {
    let cursor: string | undefined;
    do {
      const query = cursor ? { cursorPaging: { limit, cursor } } : { filter, cursorPaging: { limit } };
      const res = await this.http.send<
        Record<string, unknown> & { pagingMetadata?: { cursors?: { next?: string }; hasNext?: boolean } }
      >({
        method: "POST",
        path,
        idempotent: true, // a read
        body: { [envelope]: query },
      });
      yield* (res.body[key] as T[] | undefined) ?? [];
      cursor = res.body.pagingMetadata?.hasNext ? res.body.pagingMetadata.cursors?.next : undefined;
    } while (cursor);
  }

  /** Absolute quantities, up to 1000 items a call. */
  async bulkUpdateInventory(
    items: { id: string; revision: string; quantity: number }[],
  ): Promise<BulkResponse<WixInventoryItem>> {
    const res = await this.http.send<BulkResponse<WixInventoryItem>>({
      method: "POST",
      path: "/stores/v3/bulk/inventory-items/update",
      idempotent: true, // absolute quantities, revision-guarded
      body: {
        inventoryItems: items.map((i) => ({ inventoryItem: { ...i, trackQuantity: true } })),
        reason: "MANUAL",
        returnEntity: true,
      },
    });
    return res.body;
  }

  async bulkCreateInventory(
    items: { productId: string; variantId: string; quantity: number }[],
  ): Promise<BulkResponse<WixInventoryItem>> {
    const res = await this.http.send<BulkResponse<WixInventoryItem>>({
      method: "POST",
      path: "/stores/v3/bulk/inventory-items/create",
      idempotent: true, // a second create for a variant is refused per item
      body: { inventoryItems: items.map((i) => ({ ...i, trackQuantity: true })), returnEntity: true },
    });
    return res.body;
  }

  /** The Wix Stores category named so (top level), if any. */
  async findCategory(name: string): Promise<{ id: string; name: string } | undefined> {
    const res = await this.http.send<{ categories?: { id: string; name: string }[] }>({
      method: "POST",
      path: "/categories/v1/categories/query",
      idempotent: true, // a read
      body: {
        query: { filter: { name: { $eq: name } }, cursorPaging: { limit: 1 } },
        treeReference: STORES_TREE,
      },
    });
    return res.body.categories?.[0];
  }

  async createCategory(name: string): Promise<{ id: string; name: string }> {
    const res = await this.http.send<{ category: { id: string; name: string } }>({
      method: "POST",
      path: "/categories/v1/categories",
      body: { category: { name }, treeReference: STORES_TREE },
    });
    return res.body.category;
  }

  /** Adds up to 100 products to one category (Bulk Add Items To Category). */
  addToCategory(categoryId: string, productIds: string[]): Promise<void> {
    return this.categoryItems(categoryId, productIds, "add-items");
  }

  removeFromCategory(categoryId: string, productIds: string[]): Promise<void> {
    return this.categoryItems(categoryId, productIds, "remove-items");
  }

  private async categoryItems(
    categoryId: string,
    productIds: string[],
    action: "add-items" | "remove-items",
  ) {
    const items = productIds.map((catalogItemId) => ({ catalogItemId, appId: WIX_STORES_APP_ID }));
    await this.http.send({
      method: "POST",
      path: `/categories/v1/bulk/categories/${categoryId}/${action}`,
      idempotent: true, // set semantics: adding twice leaves one membership
      body: { items, treeReference: STORES_TREE },
    });
  }

  /** Get Order: `GET /ecom/v1/orders/{id}` (@wix/auto_sdk_ecom_orders, getOrder). */
  async getOrder(id: string): Promise<WixOrder | undefined> {
    try {
      const res = await this.http.send<GetOrderResponse>({
        method: "GET",
        path: `/ecom/v1/orders/${encodeURIComponent(id)}`,
      });
      return res.body.order;
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * One page of orders updated since `since`, oldest first (Search Orders,
   * `POST /ecom/v1/orders/search`). The filter names every status on purpose: by default Search
   * Orders leaves PENDING and REJECTED orders out (doc comment of searchOrders in
   * @wix/auto_sdk_ecom_orders); INITIALIZED orders it never returns. `updatedDate` and `status`
   * are filterable and sortable (OrderSearchSpec, same package). The answer pages with
   * `metadata` (CursorPagingMetadata), not `pagingMetadata`.
   */
  async searchOrders(since: string, cursor?: string): Promise<{ orders: WixOrder[]; next?: string }> {
    const search: SearchOrdersRequestOriginal["search"] = cursor
      ? { cursorPaging: { limit: WIX_ORDER_PAGE, cursor } }
      : {
          filter: { updatedDate: { $gte: since }, status: { $in: [...SEARCHED_ORDER_STATUSES] } },
          sort: [{ fieldName: "updatedDate", order: "ASC" }],
          cursorPaging: { limit: WIX_ORDER_PAGE },
        };
    const res = await this.http.send<SearchOrdersResponse>({
      method: "POST",
      path: "/ecom/v1/orders/search",
      idempotent: true, // a read
      body: { search } satisfies SearchOrdersRequestOriginal,
    });
    const { orders, metadata } = res.body;
    return {
      orders: orders ?? [],
      next: metadata?.hasNext ? (metadata.cursors?.next ?? undefined) : undefined,
    };
  }
}

const NO_RESULTS: BulkResponse<WixProduct> = {
  results: [],
  bulkActionMetadata: { totalSuccesses: 0, totalFailures: 0, undetailedFailures: 0 },
};

/** Search Orders' largest page (CursorPaging.limit: @max 100, @wix/auto_sdk_ecom_orders meta). */
export const WIX_ORDER_PAGE = 100;
/** Every status Search Orders can return (OrderStatus, less INITIALIZED which it never returns). */
export const SEARCHED_ORDER_STATUSES = [
  "APPROVED",
  "PENDING",
  "CANCELED",
  "REJECTED",
] as const satisfies Wire<OrderOriginal["status"]>[];

/** Answers as the SDK declares them, with our order shape (checked against `OrderOriginal` in types.ts). */
type GetOrderResponse = Omit<GetOrderResponseOriginal, "order"> & { order?: WixOrder };
type SearchOrdersResponse = Omit<Wire<SearchOrdersResponseOriginal>, "orders"> & { orders?: WixOrder[] };

/** Wix error envelope: `{message, details: {applicationError | validationError}}` plus x-wix-request-id. */
export function describeWixError(
  status: number,
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
) {
  const details: Record<string, unknown> = {};
  const requestId = headers["x-wix-request-id"];
  if (requestId) details.requestId = requestId;
  let message = typeof body === "string" ? body.slice(0, 300) : `HTTP ${status}`;
  if (body && typeof body === "object") {
    const b = body as {
      message?: string;
      details?: {
        applicationError?: { code?: string; description?: string };
        validationError?: { fieldViolations?: { field?: string; description?: string }[] };
      };
    };
    if (b.message) message = b.message;
    const app = b.details?.applicationError;
    if (app?.code) {
      details.code = app.code;
      message = `${app.code}: ${app.description ?? message}`;
    }
    const violations = b.details?.validationError?.fieldViolations;
    if (violations?.length) {
      details.fieldViolations = violations;
      message = `${message} (${violations.map((v) => `${v.field}: ${v.description}`).join("; ")})`;
    }
  }
  if (requestId) message = `${message} [request ${requestId}]`;
  return { message, details };
}
