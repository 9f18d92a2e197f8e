import type {
  BulkAddItemsToCategoryRequestOriginal,
  BulkAddItemsToCategoryResponseOriginal,
  BulkRemoveItemsFromCategoryRequestOriginal,
  BulkRemoveItemsFromCategoryResponseOriginal,
  CategoryOriginal,
  CreateCategoryRequestOriginal,
  CreateCategoryResponseOriginal,
  QueryCategoriesRequestOriginal,
  QueryCategoriesResponseOriginal,
} from "@wix/auto_sdk_categories_categories/meta";
import type {
  GetOrderResponseOriginal,
  OrderOriginal,
  SearchOrdersRequestOriginal,
  SearchOrdersResponseOriginal,
} from "@wix/auto_sdk_ecom_orders/meta";
import type { GetCatalogVersionResponseOriginal } from "@wix/auto_sdk_stores_catalog-versioning/meta";
import type {
  BulkActionMetadataOriginal,
  BulkCreateInventoryItemsRequestOriginal,
  BulkCreateInventoryItemsResponseOriginal,
  BulkUpdateInventoryItemsRequestOriginal,
  BulkUpdateInventoryItemsResponseOriginal,
  CommonCursorsOriginal,
  InventoryItemOriginal,
  ItemMetadataOriginal,
  QueryInventoryItemsResponseOriginal,
  QueryV2Original,
} from "@wix/auto_sdk_stores_inventory-items-v-3/meta";
import type { Settings } from "../config/settings";
import { AlreadyExistsError, HttpError, NotFoundError } from "../errors";
import { HttpClient, type HttpClientOptions } from "../http/client";
import type { RateBudget } from "../http/rate-budget";
import { ONE_TRY } from "../resilience/retry";
import type { BulkError } from "./bulk";
import type {
  CreateFulfillmentBody,
  CreateFulfillmentResponse,
  DeleteFulfillmentResponse,
  ListFulfillmentsBody,
  ListFulfillmentsResponse,
  UpdateFulfillmentBody,
  UpdateFulfillmentResponse,
  WixFulfillment,
} from "./fulfillment-types";
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

/** GetCatalogVersionResponse.catalogVersion (@wix/auto_sdk_stores_catalog-versioning meta.d.ts). */
export type CatalogVersion = NonNullable<GetCatalogVersionResponseOriginal["catalogVersion"]>;

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
/** Bulk create/update take 1..1000 inventory items; a query page holds at most 1,000
 * (@wix/auto_sdk_stores_inventory-items-v-3 build/cjs/meta.d.ts: `@maxSize 1000`, `CursorPaging.limit @max 1000`). */
export const WIX_BULK_INVENTORY = 1000;
export const WIX_QUERY_LIMIT = 100;
export const WIX_STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e";
/** Every Categories call names the Wix Stores tree (CONTRACTS 2.3). */
const STORES_TREE = { appNamespace: "@wix/stores" };
/**
 * Items per Bulk Add/Remove Items To/From Category call: remove takes at most 100 and both answer
 * at most 100 results (@wix/auto_sdk_categories_categories build/cjs/meta.d.ts).
 */
export const WIX_CATEGORY_ITEMS = 100;

export interface WixCategory {
  id: string;
  name: string;
}

/** What Wix answered for one product of a Bulk Add/Remove Items call. */
export interface CategoryItemOutcome {
  productId: string;
  error?: BulkError;
}

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

  /**
   * Which catalog the site runs; cached because a site never goes back from V3. A `probe` (the
   * health check) asks Wix once, past the cache.
   */
  async catalogVersion(opts: { probe?: boolean } = {}): Promise<CatalogVersion> {
    if (this.catalogVersionCache === "V3_CATALOG" && !opts.probe) return this.catalogVersionCache;
    const res = await this.http.send<GetCatalogVersionResponseOriginal>({
      method: "GET",
      path: "/stores/v3/provision/version",
      ...(opts.probe ? { retry: ONE_TRY } : {}),
    });
    this.catalogVersionCache = res.body.catalogVersion ?? "STORES_NOT_INSTALLED";
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
        { envelope: "search" },
      )) {
        found.push(v);
      }
    }
    return found;
  }

  /**
   * Inventory items of these SKUs: one per variant and location (CONTRACTS 2.4), or only those at
   * `locationId` when given. `product.variantSku` and `locationId` are filterable
   * (InventoryItemQuerySpec in @wix/auto_sdk_stores_inventory-items-v-3's universal .d.ts).
   */
  async inventoryBySku(skus: string[], locationId?: string): Promise<WixInventoryItem[]> {
    const key: keyof QueryInventoryItemsResponseOriginal = "inventoryItems";
    const items: WixInventoryItem[] = [];
    for (let i = 0; i < skus.length; i += WIX_BULK_INVENTORY) {
      const filter: Record<string, unknown> = {
        "product.variantSku": { $in: skus.slice(i, i + WIX_BULK_INVENTORY) },
      };
      if (locationId) filter.locationId = { $eq: locationId };
      for await (const item of this.query<InventoryItemOriginal>(
        "/stores/v3/inventory-items/query",
        key,
        filter,
        WIX_BULK_INVENTORY,
      )) {
        const parsed = inventoryItemOf(item);
        if (parsed) items.push(parsed);
      }
    }
    return items;
  }

  /**
   * A V3 query (or search: same paging, request under `search`), page by page: the first page
   * carries the filter (and sort), later ones only the cursor; `body` holds the request's other
   * fields (sent every time). Pages on while
   * `cursors.next` is set: Query Inventory Items answers no `hasNext` at all
   * (`PlatformPagingMetadataV2` in @wix/auto_sdk_stores_inventory-items-v-3 build/cjs/meta.d.ts),
   * other queries answer `hasNext: false` on their last page.
   */
  private async *query<T>(
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
    let cursor: string | undefined;
    do {
      const query: QueryV2Original = cursor
        ? { cursorPaging: { limit, cursor } }
        : { filter, ...(opts.sort ? { sort: opts.sort } : {}), cursorPaging: { limit } };
      const res = await this.http.send<
        Record<string, unknown> & {
          pagingMetadata?: { cursors?: CommonCursorsOriginal; hasNext?: boolean | null };
        }
      >({
        method: "POST",
        path,
        idempotent: true, // a read
        body: { ...opts.body, [opts.envelope ?? "query"]: query },
      });
      yield* (res.body[key] as T[] | undefined) ?? [];
      const paging = res.body.pagingMetadata;
      cursor = paging?.hasNext === false ? undefined : (paging?.cursors?.next ?? undefined);
    } while (cursor);
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

  /**
   * Wix Stores categories named so, oldest first. Names are not unique in Wix, and Query
   * Categories hides non-visible categories unless asked (`returnNonVisibleCategories`,
   * @wix/auto_sdk_categories_categories build/cjs/meta.d.ts `QueryCategoriesRequest`). A category
   * managed by another app (`managingAppId`) refuses our items, so it is not offered.
   */
  async findCategories(name: string): Promise<WixCategory[]> {
    const key: keyof QueryCategoriesResponseOriginal = "categories";
    const body: Omit<QueryCategoriesRequestOriginal, "query"> = {
      treeReference: STORES_TREE,
      returnNonVisibleCategories: true,
    };
    const found: { category: WixCategory; created: string }[] = [];
    for await (const c of this.query<CategoryOriginal>(
      "/categories/v1/categories/query",
      key,
      { name: { $eq: name } },
      100,
      { body },
    )) {
      if (c.id && c.name === name && !c.managingAppId)
        found.push({ category: { id: c.id, name: c.name }, created: String(c.createdDate ?? "") });
    }
    return found.sort((a, b) => a.created.localeCompare(b.created)).map((f) => f.category);
  }

  async createCategory(name: string): Promise<WixCategory> {
    const body: CreateCategoryRequestOriginal = { category: { name }, treeReference: STORES_TREE };
    const res = await this.http.send<CreateCategoryResponseOriginal>({
      method: "POST",
      path: "/categories/v1/categories",
      body,
    });
    const id = res.body.category?.id;
    if (!id) throw new Error(`Wix created category ${name} without an id`);
    return { id, name: res.body.category?.name ?? name };
  }

  /** Adds up to 100 products to one category (Bulk Add Items To Category); per-product outcomes. */
  addToCategory(categoryId: string, productIds: string[]): Promise<CategoryItemOutcome[]> {
    return this.categoryItems(categoryId, productIds, "add-items");
  }

  removeFromCategory(categoryId: string, productIds: string[]): Promise<CategoryItemOutcome[]> {
    return this.categoryItems(categoryId, productIds, "remove-items");
  }

  /**
   * Bulk Add/Remove Items: `{categoryId, items, treeReference}` (the id also in the path), answered
   * with one result per item (`ItemReferenceMetadata`) under HTTP 200. A product with no
   * successful result (an undetailed failure) counts as failed.
   */
  private async categoryItems(
    categoryId: string,
    productIds: string[],
    action: "add-items" | "remove-items",
  ): Promise<CategoryItemOutcome[]> {
    const body: BulkAddItemsToCategoryRequestOriginal & BulkRemoveItemsFromCategoryRequestOriginal = {
      categoryId,
      items: productIds.map((catalogItemId) => ({ catalogItemId, appId: WIX_STORES_APP_ID })),
      treeReference: STORES_TREE,
    };
    const res = await this.http.send<
      BulkAddItemsToCategoryResponseOriginal & BulkRemoveItemsFromCategoryResponseOriginal
    >({
      method: "POST",
      path: `/categories/v1/bulk/categories/${categoryId}/${action}`,
      idempotent: true, // set semantics: adding twice leaves one membership
      body,
    });
    const outcomes = new Map<number, BulkError | undefined>();
    for (const r of res.body.results ?? []) {
      const m = r.itemMetadata;
      const index = m?.originalIndex ?? productIds.indexOf(m?.item?.catalogItemId ?? "");
      if (index < 0) continue;
      outcomes.set(index, m?.success ? undefined : errorOf(m?.error));
    }
    return productIds.map((productId, i) => ({
      productId,
      error: outcomes.has(i) ? outcomes.get(i) : { code: "NO_RESULT", description: "Wix gave no result" },
    }));
  }

  /** Order fulfillments (WixFulfillments below): list-by-ids, create, update, delete. */
  private get fulfillments(): WixFulfillments {
    this.fulfillmentCalls ??= new WixFulfillments(this.http);
    return this.fulfillmentCalls;
  }
  private fulfillmentCalls?: WixFulfillments;

  orderFulfillments(orderIds: string[]): Promise<Map<string, WixFulfillment[]>> {
    return this.fulfillments.orderFulfillments(orderIds);
  }

  createFulfillment(orderId: string, fulfillment: WixFulfillment) {
    return this.fulfillments.createFulfillment(orderId, fulfillment);
  }

  updateFulfillment(orderId: string, fulfillment: WixFulfillment & { id: string }) {
    return this.fulfillments.updateFulfillment(orderId, fulfillment);
  }

  deleteFulfillment(orderId: string, fulfillmentId: string) {
    return this.fulfillments.deleteFulfillment(orderId, fulfillmentId);
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

/**
 * Order fulfillments (@wix/auto_sdk_ecom_order-fulfillments, build/cjs/index.js request builders;
 * `/ecom/v1/fulfillments` on www.wixapis.com). Kept out of the class body's order code so the
 * shipments flow's calls stay together.
 */
export class WixFulfillments {
  constructor(private readonly http: HttpClient) {}

  /**
   * List Fulfillments For Multiple Orders: `POST /ecom/v1/fulfillments/list-by-ids {orderIds}`
   * (1..100 per call, `@maxSize 100` in meta.d.ts); every order asked for is in the answer map.
   */
  async orderFulfillments(orderIds: string[]): Promise<Map<string, WixFulfillment[]>> {
    const found = new Map<string, WixFulfillment[]>();
    const ids = [...new Set(orderIds)];
    for (let i = 0; i < ids.length; i += WIX_FULFILLMENT_ORDERS) {
      const res = await this.http.send<ListFulfillmentsResponse>({
        method: "POST",
        path: "/ecom/v1/fulfillments/list-by-ids",
        idempotent: true, // a read
        body: { orderIds: ids.slice(i, i + WIX_FULFILLMENT_ORDERS) } satisfies ListFulfillmentsBody,
      });
      for (const entry of res.body.ordersWithFulfillments ?? [])
        if (entry.orderId) found.set(entry.orderId, entry.fulfillments ?? []);
    }
    for (const id of ids) if (!found.has(id)) found.set(id, []);
    return found;
  }

  /**
   * Create Fulfillment: `POST /ecom/v1/fulfillments/orders/{orderId}/create-fulfillment
   * {fulfillment}`. A tracking number the order already has is `TRACKING_NUMBER_ALREADY_EXISTS`
   * (CreateFulfillmentApplicationErrors): AlreadyExistsError; an unknown order NotFoundError.
   */
  async createFulfillment(
    orderId: string,
    fulfillment: WixFulfillment,
  ): Promise<{ fulfillmentId: string; fulfillments: WixFulfillment[] }> {
    const res = await fulfillmentCall(() =>
      this.http.send<CreateFulfillmentResponse>({
        method: "POST",
        path: `/ecom/v1/fulfillments/orders/${encodeURIComponent(orderId)}/create-fulfillment`,
        // The SDK's request carries the order id in the body as well as the path (contract test).
        body: { orderId, fulfillment } satisfies CreateFulfillmentBody,
      }),
    );
    return {
      fulfillmentId: res.body.fulfillmentId ?? "",
      fulfillments: res.body.orderWithFulfillments?.fulfillments ?? [],
    };
  }

  /**
   * Update Fulfillment: `PATCH /ecom/v1/fulfillments/{fulfillment.id}/orders/{orderId}` with
   * `{fulfillment: {id, ...}, orderId}`, as the SDK's updateFulfillment sends it. Line items and
   * quantities cannot change (delete and create again); `null` clears a field.
   */
  async updateFulfillment(
    orderId: string,
    fulfillment: WixFulfillment & { id: string },
  ): Promise<WixFulfillment[]> {
    const res = await fulfillmentCall(() =>
      this.http.send<UpdateFulfillmentResponse>({
        method: "PATCH",
        path: `/ecom/v1/fulfillments/${encodeURIComponent(fulfillment.id)}/orders/${encodeURIComponent(orderId)}`,
        idempotent: true, // setting the same fields again changes nothing
        body: { fulfillment, orderId } satisfies UpdateFulfillmentBody,
      }),
    );
    return res.body.orderWithFulfillments?.fulfillments ?? [];
  }

  /** Delete Fulfillment: `DELETE /ecom/v1/fulfillments/{fulfillmentId}/orders/{orderId}`; gone: NotFoundError. */
  async deleteFulfillment(orderId: string, fulfillmentId: string): Promise<WixFulfillment[]> {
    const res = await fulfillmentCall(() =>
      this.http.send<DeleteFulfillmentResponse>({
        method: "DELETE",
        path: `/ecom/v1/fulfillments/${encodeURIComponent(fulfillmentId)}/orders/${encodeURIComponent(orderId)}`,
        idempotent: true,
      }),
    );
    return res.body.orderWithFulfillments?.fulfillments ?? [];
  }
}

/** Orders per List Fulfillments For Multiple Orders call (`orderIds @maxSize 100`, FUL meta.d.ts). */
export const WIX_FULFILLMENT_ORDERS = 100;

/** Transport failures of the fulfillment calls as the domain conditions the flow handles. */
async function fulfillmentCall<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof HttpError && error.details.code === "TRACKING_NUMBER_ALREADY_EXISTS")
      throw new AlreadyExistsError(error.message, error.details);
    if (error instanceof HttpError && error.status === 404)
      throw new NotFoundError(error.message, error.details);
    throw error;
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

/** One wire inventory item as ours; an item without id or revision cannot be updated, so is left out. */
function inventoryItemOf(w: InventoryItemOriginal): WixInventoryItem | undefined {
  if (!w.id || !w.revision || !w.productId || !w.variantId) return undefined;
  return {
    id: w.id,
    revision: w.revision,
    productId: w.productId,
    variantId: w.variantId,
    ...(w.locationId ? { locationId: w.locationId } : {}),
    ...(w.quantity !== undefined ? { quantity: w.quantity } : {}),
    ...(w.inStock !== undefined ? { inStock: w.inStock } : {}),
    ...(w.trackQuantity !== undefined ? { trackQuantity: w.trackQuantity } : {}),
    product: {
      ...(w.product?.variantSku ? { variantSku: w.product.variantSku } : {}),
      ...(w.product?.name ? { name: w.product.name } : {}),
    },
  };
}

function errorOf(e?: { code?: string; description?: string }): BulkError {
  return { code: e?.code || "UNKNOWN", ...(e?.description ? { description: e.description } : {}) };
}

/** A wire bulk answer (every field optional) as per-item results paired by `originalIndex`. */
function bulkResponseOf<W, T>(
  body: {
    results?: { itemMetadata?: ItemMetadataOriginal; item?: W }[];
    bulkActionMetadata?: BulkActionMetadataOriginal;
  },
  parse: (w: W) => T | undefined,
): BulkResponse<T> {
  const m = body.bulkActionMetadata;
  return {
    results: (body.results ?? []).map(({ itemMetadata: meta, item }) => {
      const parsed = item === undefined ? undefined : parse(item);
      return {
        itemMetadata: {
          ...(meta?.id ? { id: meta.id } : {}),
          originalIndex: meta?.originalIndex ?? -1,
          success: meta?.success ?? false,
          ...(meta?.success ? {} : { error: errorOf(meta?.error) }),
        },
        ...(parsed === undefined ? {} : { item: parsed }),
      };
    }),
    bulkActionMetadata: {
      totalSuccesses: m?.totalSuccesses ?? 0,
      totalFailures: m?.totalFailures ?? 0,
      undetailedFailures: m?.undetailedFailures ?? 0,
    },
  };
}

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
