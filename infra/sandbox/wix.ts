import { generateKeyPairSync, randomUUID } from "node:crypto";
import { importPKCS8, SignJWT } from "jose";
import type {
  WixInventoryItem,
  WixNewProduct,
  WixOrder,
  WixProduct,
  WixVariant,
} from "../../shared/wix/types";
import { FaultInjector, Router, type SimRequest, type SimResponse, sleep } from "./kit";

/**
 * A strict, in-memory Wix (CONTRACTS 2): API-key or OAuth auth, catalog version, V3 products with
 * revisions (409 on a stale one), the required variant, decimal-string prices, store-wide unique
 * SKUs, 100-per-bulk limits with per-item results under HTTP 200, inventory items per variant and
 * location (queries paged by cursor alone), categories with non-unique names and hidden ones,
 * eCommerce orders with cursor paging, and webhooks as RS256 JWTs in the three-layer envelope.
 */

const STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e";
/** The store's default location: where an inventory item goes when created without one. */
export const DEFAULT_LOCATION_ID = "5f3b4a1e-0d2c-4b8a-9e61-3c7d2f0a1b01";
/** FixedMonetaryAmount.amount: `@decimalValue options { gte:0, lte:999999999.99, maxScale:3 }`. */
const PRICE = /^\d{1,9}(\.\d{1,3})?$/;
const PRICE_MAX = 999999999.99;
/** V3Brand.name, ConnectedOption.name, ConnectedOptionChoice.name: @maxLength 50. */
const LABEL_MAX = 50;

/** A stored product: what Wix returns, with its read-only dates. */
type StoredProduct = WixProduct & { createdDate?: string; updatedDate?: string };

/**
 * Filterable (and sortable) fields of each V3 read, from the SDK's WQL specs (wire names:
 * `_id` is `id`, `_createdDate` is `createdDate`): V3ProductQuerySpec and V3ProductSearchSpec in
 * @wix/auto_sdk_stores_products-v-3, ReadOnlyVariantSearchSpec in
 * @wix/auto_sdk_stores_read-only-variants-v-3 (build/cjs/*.universal-*.d.ts).
 */
interface WqlSpec {
  filter: Record<string, "*" | string[]>;
  sort: string[];
}
const QUERY_PRODUCTS: WqlSpec = {
  filter: {
    "options.id": ["$hasAll", "$hasSome"],
    id: "*",
    handle: "*",
    createdDate: "*",
    updatedDate: "*",
    slug: "*",
    visible: "*",
  },
  sort: ["createdDate", "updatedDate", "slug", "visible"],
};
/** Search Products sorts on these (and filters on them, with any operator). */
const SEARCH_PRODUCT_SORTS = [
  "actualPriceRange.maxValue.amount",
  "actualPriceRange.minValue.amount",
  "compareAtPriceRange.maxValue.amount",
  "compareAtPriceRange.minValue.amount",
  "minVariantPriceInfo.sku",
  "name",
  "physicalProperties.shippingWeightRange.maxValue",
  "physicalProperties.shippingWeightRange.minValue",
];
const SEARCH_PRODUCTS: WqlSpec = {
  filter: {
    "allCategoriesInfo.categories": ["$matchItems"],
    "directCategoriesInfo.categories": ["$matchItems"],
    "variantsInfo.variants": ["$matchItems"],
    ...Object.fromEntries(
      [
        "additionalRibbons.id",
        "additionalRibbons.name",
        "infoSections.id",
        "infoSections.uniqueName",
        "modifiers.id",
        "modifiers.choicesSettings.choices.choiceId",
        "modifiers.choicesSettings.choices.name",
        "modifiers.name",
        "options.id",
        "options.choicesSettings.choices.choiceId",
        "options.choicesSettings.choices.name",
        "options.name",
        "tags.privateTags.tagIds",
        "tags.publicTags.tagIds",
      ].map((f) => [f, ["$hasAll", "$hasSome"]]),
    ),
    ...Object.fromEntries(
      [
        "id",
        "brand.id",
        "brand.name",
        "handle",
        "importId",
        "inventory.availabilityStatus",
        "inventory.preorderAvailability",
        "inventory.preorderStatus",
        "physicalProperties.deliveryProfileId",
        "physicalProperties.fulfillerId",
        "productType",
        "ribbon.id",
        "ribbon.name",
        "slug",
        "subscriptionDetails.allowOneTimePurchases",
        "taxGroupId",
        "visible",
        "visibleInPos",
        "createdDate",
        "updatedDate",
        ...SEARCH_PRODUCT_SORTS,
      ].map((f) => [f, "*"]),
    ),
  },
  sort: ["createdDate", "updatedDate", ...SEARCH_PRODUCT_SORTS],
};
const VARIANT_FIELDS = [
  "barcode",
  "inventoryStatus.inStock",
  "inventoryStatus.preorderEnabled",
  "price.actualPrice.amount",
  "price.compareAtPrice.amount",
  "productData.updatedDate",
  "productData.brand.id",
  "productData.handle",
  "productData.name",
  "productData.physicalProperties.fulfillerId",
  "productData.productId",
  "productData.productType",
  "productData.slug",
  "productData.visible",
  "productData.visibleInPos",
  "sku",
  "variantId",
  "visible",
];
const SEARCH_VARIANTS: WqlSpec = {
  filter: {
    id: "*",
    "optionChoices.optionChoiceIds.choiceId": ["$hasAll", "$hasSome"],
    "optionChoices.optionChoiceIds.optionId": ["$hasAll", "$hasSome"],
    ...Object.fromEntries(VARIANT_FIELDS.map((f) => [f, "*"])),
  },
  sort: [
    "optionChoices.optionChoiceIds.choiceId",
    "optionChoices.optionChoiceIds.optionId",
    ...VARIANT_FIELDS,
  ],
};

export interface WixSandboxOptions {
  apiKey: string;
  siteId: string;
  appId?: string;
  appSecret?: string;
  instanceId?: string;
  webhookUrl?: string;
  catalogVersion?: "V1_CATALOG" | "V3_CATALOG";
}

class WixError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly violations?: Violation[],
  ) {
    super(message);
  }
}

export interface WixSnapshot {
  products: StoredProduct[];
  inventory: WixInventoryItem[];
  orders: WixOrder[];
  categories?: (Omit<SandboxCategory, "items"> & { items: string[] })[];
  locations?: string[];
  orderNumber: number;
  sequence: number;
  keys: { publicKeyPem: string; privateKeyPem: string };
}

export interface OrderInput {
  lines: { sku: string; quantity: number; price?: string; productName?: string; lineDiscount?: string }[];
  buyer?: { email?: string; contactId?: string; firstName?: string; lastName?: string; phone?: string };
  address?: {
    country?: string;
    city?: string;
    addressLine?: string;
    postalCode?: string;
    subdivision?: string;
  };
  shipping?: string;
  taxes?: { name: string; rate: string; amount?: string }[];
  /** Additional fees (before tax), as an additional-fees service plugin adds them. */
  fees?: { name: string; amount: string }[];
  discount?: string;
  taxIncluded?: boolean;
  currency?: string;
  status?: "APPROVED" | "PENDING";
  paymentStatus?: string;
  withoutSku?: boolean;
}

/** A category of the Wix Stores tree and the products in it. */
interface SandboxCategory {
  id: string;
  name: string;
  slug: string;
  visible: boolean;
  revision: string;
  createdDate: string;
  managingAppId?: string;
  items: Set<string>;
}

export class WixSandbox {
  readonly router = new Router();
  readonly faults = new FaultInjector();
  /** Test knob: SKUs this store refuses (as a real store refuses an invalid product). */
  readonly rejectedSkus = new Set<string>();
  /**
   * Test knob: failures a bulk answer details; the rest only count in `undetailedFailures`
   * ("failures without details because detailed failure threshold was exceeded", BulkActionMetadata).
   */
  detailedFailureLimit = Number.POSITIVE_INFINITY;
  readonly products = new Map<string, StoredProduct>();
  /** Brands by id (a product created with `brand.name` makes one). */
  readonly brands = new Map<string, string>();
  readonly inventory = new Map<string, WixInventoryItem>();
  readonly orders = new Map<string, WixOrder>();
  /** Categories (Wix Stores tree) and the products in each. */
  readonly categories = new Map<string, SandboxCategory>();
  /** Test knob: products Bulk Add Items To Category refuses, per item. */
  readonly rejectedCategoryItems = new Set<string>();
  /** The store's locations, the default first; `addLocation` adds one. */
  readonly locations: string[] = [DEFAULT_LOCATION_ID];
  /**
   * Test knob: most inventory items one query page holds. Wix caps a page at 1,000 and may
   * answer fewer than the `limit` asked; only `cursors.next` says another page follows.
   */
  inventoryPageSize = 1000;
  readonly calls = { reads: 0, writes: 0 };
  /** Every authorized call as "METHOD /path", for counting bulk calls in tests and benchmarks. */
  readonly callLog: string[] = [];
  readonly webhookLog: { eventType: string; status: number | string }[] = [];
  publicKeyPem: string;
  private privateKeyPem: string;
  private readonly tokens = new Map<string, number>();
  private orderNumber = 10000;
  private readonly pending = new Set<Promise<void>>();
  private sequence = 0;

  constructor(private readonly options: WixSandboxOptions) {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    this.privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    this.routes();
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const query = req.query.toString();
    const fault = this.faults.take(req.method, query ? `${req.path}?${query}` : req.path);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    const injected = () =>
      this.error(
        new WixError(
          fault?.status as number,
          "injected fault",
          fault?.status === 429 ? "TOO_MANY_REQUESTS" : undefined,
        ),
      );
    if (fault?.status && !fault.late) return injected();
    const answer = await this.serve(req);
    // A late fault: the work was done and kept, only the answer is lost (a gateway timeout after
    // the commit), so a client that repeats the call meets its own first attempt.
    return fault?.status ? injected() : answer;
  }

  private async serve(req: SimRequest): Promise<SimResponse> {
    const matched = this.router.match(req.method, req.path);
    if (!matched) return this.error(new WixError(404, `no route ${req.method} ${req.path}`));
    if (req.path !== "/oauth2/token" && !this.authorized(req)) {
      return this.error(new WixError(401, "UNAUTHENTICATED: invalid or missing authorization"));
    }
    this.callLog.push(`${req.method} ${req.path}`);
    // Reads: GET, and query/search calls (including /search-variants and /query-variants).
    if (req.method === "GET" || /\/(query|search)(-variants)?$/.test(req.path)) this.calls.reads++;
    else this.calls.writes++;
    try {
      return await matched.route.fn({ ...req, params: matched.params });
    } catch (error) {
      if (error instanceof WixError) return this.error(error);
      return this.error(new WixError(500, (error as Error).message));
    }
  }

  private authorized(req: SimRequest): boolean {
    const auth = req.headers.authorization;
    if (!auth) return false;
    if (auth === this.options.apiKey) return req.headers["wix-site-id"] === this.options.siteId;
    const expires = this.tokens.get(auth);
    return expires !== undefined && expires > Date.now();
  }

  private error(e: WixError): SimResponse {
    const details = e.violations
      ? { validationError: { fieldViolations: e.violations } }
      : { applicationError: { code: e.code ?? statusCode(e.status), description: e.message, data: {} } };
    return {
      status: e.status,
      body: { message: e.message, details },
      headers: { "x-wix-request-id": randomUUID() },
    };
  }

  private routes(): void {
    const r = this.router;
    r.on("POST", "/oauth2/token", (req) => this.token(req));
    r.on("GET", "/stores/v3/provision/version", () => ({
      status: 200,
      body: { catalogVersion: this.options.catalogVersion ?? "V3_CATALOG" },
    }));
    r.on("POST", "/stores/v3/products", (req) =>
      this.v3(() => ({ product: this.create(productOf(req.body)) })),
    );
    r.on("POST", "/stores/v3/products-with-inventory", (req) =>
      this.v3(() => ({ product: this.create(productOf(req.body), true) })),
    );
    r.on("GET", "/stores/v3/products/:id", (req) =>
      this.v3(() => ({ product: this.get(req.params.id as string) })),
    );
    r.on("PATCH", "/stores/v3/products/:id", (req) =>
      this.v3(() => ({ product: this.update(req.params.id as string, productOf(req.body)) })),
    );
    r.on("DELETE", "/stores/v3/products/:id", (req) =>
      this.v3(() => {
        this.get(req.params.id as string);
        this.products.delete(req.params.id as string);
        return {};
      }),
    );
    r.on("POST", "/stores/v3/bulk/products/create", (req) => this.v3(() => this.bulkCreate(req.body, false)));
    r.on("POST", "/stores/v3/bulk/products-with-inventory/create", (req) =>
      this.v3(() => this.bulkCreate(req.body, true)),
    );
    r.on("POST", "/stores/v3/bulk/products/update", (req) => this.v3(() => this.bulkUpdate(req.body)));
    r.on("POST", "/stores/v3/products/query", (req) => this.v3(() => this.queryProducts(req.body)));
    r.on("POST", "/stores/v3/products/search", (req) =>
      this.v3(() => this.queryProducts(req.body, "search")),
    );
    r.on("POST", "/stores/v3/products/search-variants", (req) =>
      this.v3(() => this.searchVariants(req.body)),
    );
    r.on("POST", "/categories/v1/categories/query", (req) => this.v3(() => this.queryCategories(req.body)));
    r.on("POST", "/categories/v1/categories", (req) =>
      this.v3(() => ({ category: this.createCategory(req.body) })),
    );
    r.on("POST", "/categories/v1/bulk/categories/:id/add-items", (req) =>
      this.v3(() => this.categoryItems(req.params.id as string, req.body, true)),
    );
    r.on("POST", "/categories/v1/bulk/categories/:id/remove-items", (req) =>
      this.v3(() => this.categoryItems(req.params.id as string, req.body, false)),
    );
    r.on("POST", "/stores/v3/inventory-items/query", (req) => this.v3(() => this.queryInventory(req.body)));
    r.on("POST", "/stores/v3/bulk/inventory-items/update", (req) =>
      this.v3(() => this.bulkUpdateInventory(req.body)),
    );
    r.on("POST", "/stores/v3/bulk/inventory-items/create", (req) =>
      this.v3(() => this.bulkCreateInventory(req.body)),
    );
    r.on("GET", "/ecom/v1/orders/:id", (req) => {
      const order = this.orders.get(req.params.id as string);
      if (!order) throw new WixError(404, `order ${req.params.id} not found`, "ORDER_NOT_FOUND");
      return { status: 200, body: { order: structuredClone(order) } };
    });
    r.on("POST", "/ecom/v1/orders/search", (req) => ({ status: 200, body: this.searchOrders(req.body) }));
    // Changes that Wix announces with webhooks, as its dashboard and checkout do.
    r.on("POST", "/ecom/v1/orders", async (req) => {
      const order = this.createOrder(req.body);
      await this.announce(order, [
        "wix.ecom.v1.order_created",
        ...(order.status === "APPROVED" ? ["wix.ecom.v1.order_approved"] : []),
      ]);
      return { status: 200, body: { order } };
    });
    r.on("POST", "/ecom/v1/orders/:id/cancel", async (req) => {
      const order = this.changeOrder(this.existing(req.params.id as string).id, { status: "CANCELED" });
      await this.announce(order, ["wix.ecom.v1.order_canceled"]);
      return { status: 200, body: { order } };
    });
    r.on("POST", "/ecom/v1/orders/:id/mark-as-paid", async (req) => {
      const order = this.changeOrder(this.existing(req.params.id as string).id, { paymentStatus: "PAID" });
      await this.announce(order, ["wix.ecom.v1.order_payment_status_updated"]);
      return { status: 200, body: { order } };
    });
  }

  private token(req: SimRequest): SimResponse {
    const b = (req.body ?? {}) as Record<string, string>;
    const o = this.options;
    if (
      b.grant_type !== "client_credentials" ||
      !o.appId ||
      b.client_id !== o.appId ||
      b.client_secret !== o.appSecret ||
      b.instance_id !== o.instanceId
    ) {
      throw new WixError(401, "invalid client credentials");
    }
    const token = `OAUTH2.${randomUUID()}`;
    this.tokens.set(token, Date.now() + 14400_000);
    return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: 14400 } };
  }

  /** V3 endpoints answer 428 on a V1 site. */
  private v3(fn: () => unknown): SimResponse {
    if ((this.options.catalogVersion ?? "V3_CATALOG") !== "V3_CATALOG") {
      throw new WixError(428, "This site uses Catalog V1", "CATALOG_V1_SITE_CALLING_CATALOG_V3_API");
    }
    return { status: 200, body: fn() };
  }

  // --- products ------------------------------------------------------------------------------

  get(id: string): WixProduct {
    const product = this.products.get(id);
    if (!product) throw new WixError(404, `Product with id ${id} not found`, "PRODUCT_NOT_FOUND");
    return structuredClone(product);
  }

  create(input: WixNewProduct & { id?: string; revision?: string }, withInventory = false): WixProduct {
    if (input.id || input.revision)
      throw new WixError(400, "id and revision are read-only on create", undefined, [
        { field: "product.id", description: "must be empty" },
      ]);
    this.validate(input, true);
    const now = new Date().toISOString();
    const product: StoredProduct = {
      ...(structuredClone(input) as WixProduct),
      brand: input.brand ? this.brandByName(input.brand) : undefined,
      id: randomUUID(),
      revision: "1",
      visible: input.visible ?? true,
      createdDate: now,
      updatedDate: now,
    };
    product.variantsInfo.variants = input.variantsInfo.variants.map(({ inventoryItem: _stock, ...v }) => ({
      ...structuredClone(v),
      id: v.id ?? randomUUID(),
    }));
    if (!product.brand) delete product.brand;
    this.checkSkus(product);
    this.products.set(product.id as string, product);
    if (withInventory) {
      input.variantsInfo.variants.forEach((v, i) => {
        const variant = product.variantsInfo.variants[i] as WixVariant;
        this.newInventoryItem(product, variant, v.inventoryItem?.quantity ?? 0);
      });
    }
    return structuredClone(product);
  }

  update(id: string, patch: Partial<WixProduct>): WixProduct {
    const rules = updateRules(patch);
    if (rules.length) throw new WixError(400, "invalid product update", undefined, rules);
    const current = this.products.get(id);
    if (!current) throw new WixError(404, `Product with id ${id} not found`, "PRODUCT_NOT_FOUND");
    if (!patch.revision)
      throw new WixError(400, "revision is required", undefined, [
        { field: "product.revision", description: "required" },
      ]);
    if (patch.revision !== current.revision)
      throw new WixError(409, "revision mismatch", "REVISION_MISMATCH");
    // Options and variants replace the old ones whole, so they travel together (CONTRACTS 2.3).
    if (patch.options !== undefined && patch.variantsInfo === undefined) {
      throw new WixError(
        400,
        "options must be sent with variantsInfo",
        "VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT",
      );
    }
    const next: StoredProduct = {
      ...structuredClone(current),
      ...structuredClone(patch),
      id,
      brand: patch.brand ? this.brandById(patch.brand.id as string) : current.brand,
      variantsInfo: current.variantsInfo,
    };
    if (patch.variantsInfo) {
      // The variants array replaces the old one whole; a variant without id is a new variant.
      const oldIds = new Set(current.variantsInfo.variants.map((v) => v.id));
      for (const v of patch.variantsInfo.variants) {
        if (v.id && !oldIds.has(v.id))
          throw new WixError(
            400,
            `variant ${v.id} does not belong to the product`,
            "VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT",
          );
      }
      next.variantsInfo = {
        variants: patch.variantsInfo.variants.map((v) => ({
          ...structuredClone(v),
          id: v.id ?? randomUUID(),
        })),
      };
      const kept = new Set(next.variantsInfo.variants.map((v) => v.id));
      for (const [invId, inv] of this.inventory)
        if (inv.productId === id && !kept.has(inv.variantId)) this.inventory.delete(invId);
    }
    this.validate(next, false);
    this.checkSkus(next);
    next.revision = String(Number(current.revision) + 1);
    next.updatedDate = new Date().toISOString();
    this.products.set(id, next);
    return structuredClone(next);
  }

  private brandByName(brand: NonNullable<WixProduct["brand"]>): NonNullable<WixProduct["brand"]> {
    if (brand.id) return this.brandById(brand.id);
    const name = brand.name ?? "";
    const known = [...this.brands].find(([, n]) => n === name);
    const id = known?.[0] ?? randomUUID();
    this.brands.set(id, name);
    return { id, name };
  }

  private brandById(id: string): NonNullable<WixProduct["brand"]> {
    const name = this.brands.get(id);
    if (name === undefined) throw new WixError(404, `brand ${id} not found`, "BRAND_NOT_FOUND");
    return { id, name };
  }

  private validate(p: WixNewProduct, creating: boolean): void {
    const v: Violation[] = [];
    if (creating || p.name !== undefined) {
      if (typeof p.name !== "string" || p.name.length < 1 || p.name.length > 80)
        v.push({ field: "product.name", description: "must be 1 to 80 characters" });
    }
    if (p.plainDescription && p.plainDescription.length > 16000)
      v.push({ field: "product.plainDescription", description: "at most 16000 characters" });
    if (p.productType === "PHYSICAL" && !p.physicalProperties)
      v.push({ field: "product.physicalProperties", description: "required for PHYSICAL products" });
    if (p.brand?.name !== undefined && (p.brand.name ?? "").length > LABEL_MAX)
      v.push({ field: "product.brand.name", description: `at most ${LABEL_MAX} characters` });
    for (const [i, option] of (p.options ?? []).entries()) {
      if (!option.name || option.name.length > LABEL_MAX)
        v.push({ field: `product.options[${i}].name`, description: `1 to ${LABEL_MAX} characters` });
      for (const [j, choice] of (option.choicesSettings?.choices ?? []).entries())
        if (!choice.name || choice.name.length > LABEL_MAX)
          v.push({
            field: `product.options[${i}].choicesSettings.choices[${j}].name`,
            description: `1 to ${LABEL_MAX} characters`,
          });
    }
    if ((p.media?.itemsInfo.items.length ?? 0) > 50)
      v.push({ field: "product.media", description: "at most 50 items" });
    const variants = p.variantsInfo?.variants;
    if (!variants?.length)
      v.push({ field: "product.variantsInfo.variants", description: "at least one variant is required" });
    for (const [i, variant] of (variants ?? []).entries()) {
      if (variant.sku !== undefined && (variant.sku.length < 1 || variant.sku.length > 40))
        v.push({
          field: `product.variantsInfo.variants[${i}].sku`,
          description: "must be 1 to 40 characters",
        });
      const amount = variant.price?.actualPrice?.amount;
      if (typeof amount !== "string" || !PRICE.test(amount) || Number(amount) > PRICE_MAX)
        v.push({
          field: `product.variantsInfo.variants[${i}].price.actualPrice.amount`,
          description: `a decimal string, 0 to ${PRICE_MAX}, at most 3 decimal places`,
        });
      // Variant doc: physicalProperties "Must be passed when productType: PHYSICAL".
      if (p.productType === "PHYSICAL" && !variant.physicalProperties)
        v.push({
          field: `product.variantsInfo.variants[${i}].physicalProperties`,
          description: "required for variants of PHYSICAL products",
          ruleName: "VARIANTS_TYPED_PROPERTIES_ARE_NOT_ALIGNED",
        });
    }
    const options = p.options ?? [];
    if (options.length > 6) v.push({ field: "product.options", description: "at most 6 options" });
    if (v.length) throw new WixError(400, "invalid product", undefined, v);
    this.checkVariantsAlign(options, variants ?? []);

    const rejected = variants?.find((variant) => variant.sku && this.rejectedSkus.has(variant.sku));
    if (rejected)
      throw new WixError(400, `product with SKU ${rejected.sku} violates a store rule`, "INVALID_PRODUCT");
    if ((variants?.length ?? 0) > 1000) throw new WixError(400, "too many variants", "TOO_MANY_VARIANTS");
  }

  /**
   * Options and variants must agree: no options means one variant with no choices; otherwise every
   * variant picks one existing choice of each option, and no two variants pick the same ones.
   */
  private checkVariantsAlign(options: NonNullable<WixProduct["options"]>, variants: WixVariant[]): void {
    const fail = (why: string) => {
      throw new WixError(400, why, "VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT");
    };
    if (!options.length) {
      if (variants.length !== 1 || (variants[0]?.choices?.length ?? 0) > 0)
        fail("a product without options has exactly one variant without choices");
      return;
    }
    const combos = new Set<string>();
    for (const variant of variants) {
      const choices = variant.choices ?? [];
      if (choices.length !== options.length)
        fail(`variant ${variant.sku ?? variant.id} must choose one value of each option`);
      const picked = options.map((option) => {
        const choice = choices.find((c) => c.optionChoiceNames?.optionName === option.name);
        const name = choice?.optionChoiceNames.choiceName;
        if (!name || !option.choicesSettings?.choices.some((c) => c.name === name))
          fail(`variant ${variant.sku ?? variant.id}: no choice "${name}" in option ${option.name}`);
        return name;
      });
      const key = picked.join("\u0000");
      if (combos.has(key)) fail(`two variants choose ${picked.join(" / ")}`);
      combos.add(key);
    }
  }

  private checkSkus(product: WixProduct): void {
    const skus = new Set(product.variantsInfo.variants.map((v) => v.sku).filter(Boolean));
    for (const other of this.products.values()) {
      if (other.id === product.id) continue;
      for (const v of other.variantsInfo.variants) {
        if (v.sku && skus.has(v.sku))
          throw new WixError(400, `SKU ${v.sku} already exists`, "SKU_ALREADY_EXIST_ERROR");
      }
    }
  }

  private bulk<T>(items: unknown, run: (item: T) => WixProduct | WixInventoryItem, max = 100) {
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
    const shown = results.filter((r) => r.itemMetadata.success || detailed++ < this.detailedFailureLimit);
    return {
      results: shown,
      bulkActionMetadata: {
        totalSuccesses,
        totalFailures: results.length - totalSuccesses,
        undetailedFailures: results.length - shown.length,
      },
    };
  }

  private bulkCreate(body: unknown, withInventory: boolean) {
    const products = (body as { products?: WixNewProduct[] })?.products;
    const variantCount = (products ?? []).reduce((n, p) => n + (p?.variantsInfo?.variants?.length ?? 0), 0);
    if (variantCount > 1000)
      throw new WixError(400, "at most 1000 variants per request", "TOO_MANY_VARIANTS");
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
    const results = this.bulk<WixNewProduct>(products, (p) => this.create(p, withInventory));
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

  private bulkUpdate(body: unknown) {
    const products = (body as { products?: { product: WixProduct }[] })?.products;
    return this.bulk<{ product: WixProduct }>(products, ({ product }) => {
      if (!product?.id) throw new WixError(400, "product.id is required");
      try {
        return this.update(product.id, product);
      } catch (error) {
        if (error instanceof WixError && error.status === 409)
          throw new WixError(409, "revision mismatch", "REVISION_MISMATCH");
        throw error;
      }
    });
  }

  /**
   * Query/search products: only the filters and sorts the spec declares (400 otherwise). We
   * evaluate `id` and `variantsInfo.variants` `$matchItems` on `sku`; results carry no variants.
   */
  private queryProducts(body: unknown, key: "query" | "search" = "query") {
    const q = ((body as Record<string, unknown>)?.[key] ?? {}) as WqlRequest;
    checkWql(key, q, key === "query" ? QUERY_PRODUCTS : SEARCH_PRODUCTS);
    const { start, limit, filter } = this.page(q, 100);
    const all = [...this.products.values()]
      .sort((a, b) => String(a.createdDate).localeCompare(String(b.createdDate)))
      .filter((p) => matches(filter, (field) => productField(p, field)));
    const page = all
      .slice(start, start + limit)
      .map(({ variantsInfo: _v, ...rest }) => structuredClone(rest));
    return { products: page, pagingMetadata: this.paging(start, limit, all.length, filter) };
  }

  /** Search Variants (read-only variants V3): one row per variant with its product's data. */
  private searchVariants(body: unknown) {
    const q = ((body as { search?: unknown })?.search ?? {}) as WqlRequest;
    checkWql("search", q, SEARCH_VARIANTS);
    const { start, limit, filter } = this.page(q, 1000);
    const rows = [...this.products.values()].flatMap((p) =>
      p.variantsInfo.variants.map((v) => ({
        variantId: v.id,
        sku: v.sku,
        visible: v.visible ?? true,
        price: v.price,
        productData: {
          productId: p.id,
          name: p.name,
          revision: p.revision,
          productType: p.productType,
          visible: p.visible,
        },
      })),
    );
    const all = rows.filter((row) => matches(filter, (field) => [pathValue(row, field)]));
    const page = all.slice(start, start + limit).map((row) => structuredClone(row));
    return { variants: page, pagingMetadata: this.paging(start, limit, all.length, filter) };
  }

  // --- categories ---------------------------------------------------------------------------

  /** Every Categories call names the Wix Stores tree. */
  private tree(body: unknown): Record<string, unknown> {
    const b = (body ?? {}) as Record<string, unknown>;
    const tree = b.treeReference as { appNamespace?: string } | undefined;
    if (tree?.appNamespace !== "@wix/stores") {
      throw new WixError(400, "treeReference.appNamespace must be @wix/stores", undefined, [
        { field: "treeReference", description: "required" },
      ]);
    }
    return b;
  }

  /**
   * Query Categories: filter on `name`, `id`, `slug`, `visible` (a value, $eq or $in), oldest
   * first, cursor paging (<= 1,000, answers `hasNext`). Non-visible categories are left out
   * unless `returnNonVisibleCategories: true` (@wix/auto_sdk_categories_categories meta.d.ts).
   */
  private queryCategories(body: unknown) {
    const b = this.tree(body) as { query?: unknown; returnNonVisibleCategories?: boolean };
    const q = (b.query ?? {}) as {
      filter?: Record<string, unknown>;
      cursorPaging?: { limit?: number; cursor?: string };
    };
    const { start, limit, filter } = this.page(q, 1000);
    const all = [...this.categories.values()]
      .filter(
        (c) =>
          (c.visible || b.returnNonVisibleCategories === true) &&
          matches(filter, (field) => [
            ({ name: c.name, id: c.id, slug: c.slug } as Record<string, unknown>)[field],
          ]),
      )
      .sort((x, y) => x.createdDate.localeCompare(y.createdDate));
    return {
      categories: all.slice(start, start + limit).map(({ items: _i, ...c }) => ({
        ...c,
        itemCounter: _i.size,
        treeReference: { appNamespace: "@wix/stores" },
      })),
      pagingMetadata: this.paging(start, limit, all.length, filter),
    };
  }

  /**
   * Create Category. Names are not unique; the slug is made from the name (kept unique), and a
   * slug given twice is DUPLICATE_SLUG; at most 1,000 categories per tree
   * (`CreateCategoryApplicationErrors` in @wix/auto_sdk_categories_categories meta.d.ts).
   */
  private createCategory(body: unknown) {
    const input = (this.tree(body).category ?? {}) as {
      id?: string;
      name?: string;
      slug?: string;
      visible?: boolean;
      managingAppId?: string;
    };
    if (input.id)
      throw new WixError(400, "id is not allowed in the request", undefined, [
        { field: "category.id", description: "ID_NOT_ALLOWED_IN_REQUEST" },
      ]);
    const name = input.name;
    if (!name || name.length > 80)
      throw new WixError(400, "category.name must be 1 to 80 characters", undefined, [
        { field: "category.name", description: "1..80" },
      ]);
    const slugs = new Set([...this.categories.values()].map((c) => c.slug));
    if (input.slug && slugs.has(input.slug))
      throw new WixError(409, `slug ${input.slug} is taken`, "DUPLICATE_SLUG");
    if (this.categories.size >= 1000)
      throw new WixError(428, "at most 1000 categories per tree", "CATEGORIES_LIMIT_PER_TREE_EXCEEDED");
    const base =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "") || "category";
    let slug = input.slug ?? base;
    for (let n = 1; slugs.has(slug); n++) slug = `${base}-${n}`;
    const category: SandboxCategory = {
      id: randomUUID(),
      name,
      slug,
      visible: input.visible ?? true,
      revision: "1",
      createdDate: new Date(Date.now() + this.categories.size).toISOString(),
      ...(input.managingAppId ? { managingAppId: input.managingAppId } : {}),
      items: new Set<string>(),
    };
    this.categories.set(category.id, category);
    const { items: _i, ...created } = category;
    return { ...created, itemCounter: 0, treeReference: { appNamespace: "@wix/stores" } };
  }

  /**
   * Bulk Add (1..1000) / Remove (1..100) Items: the whole call is refused for a category managed
   * by another app (MANAGED_CATEGORY_OPERATION_NOT_ALLOWED); otherwise one result per item,
   * `{itemMetadata: {item, originalIndex, success, error?}}`, under HTTP 200.
   */
  private categoryItems(id: string, body: unknown, add: boolean) {
    const b = this.tree(body) as { categoryId?: string; items?: unknown };
    const category = this.categories.get(id);
    if (!category) throw new WixError(404, `category ${id} not found`, "CATEGORY_NOT_FOUND");
    if (b.categoryId !== undefined && b.categoryId !== id)
      throw new WixError(400, "categoryId differs from the path", undefined, [
        { field: "categoryId", description: "must match the path" },
      ]);
    const max = add ? 1000 : 100;
    const items = b.items as { catalogItemId?: string; appId?: string }[];
    if (!Array.isArray(items) || items.length < 1 || items.length > max)
      throw new WixError(400, `between 1 and ${max} items are required`, undefined, [
        { field: "items", description: `1..${max}` },
      ]);
    if (category.managingAppId)
      throw new WixError(
        403,
        "the category's items are managed by another app",
        "MANAGED_CATEGORY_OPERATION_NOT_ALLOWED",
      );
    const results = items.map((item, originalIndex) => {
      const fail = (code: string, description: string) => ({
        itemMetadata: { item, originalIndex, success: false, error: { code, description } },
      });
      if (item?.appId !== STORES_APP_ID || !item.catalogItemId)
        return fail("INVALID_ARGUMENT", "items need the Wix Stores appId and a catalogItemId");
      if (!this.products.has(item.catalogItemId))
        return fail("NOT_FOUND", `product ${item.catalogItemId} not found`);
      if (this.rejectedCategoryItems.has(item.catalogItemId))
        return fail("INTERNAL", `product ${item.catalogItemId} could not be filed`);
      if (add) category.items.add(item.catalogItemId);
      else category.items.delete(item.catalogItemId);
      return { itemMetadata: { item, originalIndex, success: true } };
    });
    const totalSuccesses = results.filter((r) => r.itemMetadata.success).length;
    return {
      results,
      bulkActionMetadata: {
        totalSuccesses,
        totalFailures: results.length - totalSuccesses,
        undetailedFailures: 0,
      },
    };
  }

  /** A category made in the dashboard (or by another app, with `managingAppId`); tests. */
  addCategory(name: string, opts: { visible?: boolean; managingAppId?: string } = {}): string {
    return this.createCategory({
      category: { name, ...opts },
      treeReference: { appNamespace: "@wix/stores" },
    }).id;
  }

  /** Names of the categories a product is in (tests). */
  categoriesOf(productId: string): string[] {
    return [...this.categories.values()].filter((c) => c.items.has(productId)).map((c) => c.name);
  }

  // --- inventory -----------------------------------------------------------------------------
  // One item per variant and location (the pair is unique), @wix/auto_sdk_stores_inventory-items-v-3.

  private newInventoryItem(
    product: WixProduct,
    variant: WixVariant,
    quantity: number,
    locationId = DEFAULT_LOCATION_ID,
  ): WixInventoryItem {
    const item: WixInventoryItem = {
      id: randomUUID(),
      revision: "1",
      productId: product.id as string,
      variantId: variant.id as string,
      locationId,
      quantity,
      trackQuantity: true,
      inStock: quantity > 0,
    };
    this.inventory.set(item.id, item);
    return item;
  }

  /**
   * A second (third...) location, as a merchant adds a warehouse in the dashboard; with
   * `quantity`, every variant gets an inventory item there too.
   */
  addLocation(locationId: string, quantity?: number): void {
    if (!this.locations.includes(locationId)) this.locations.push(locationId);
    if (quantity === undefined) return;
    for (const product of this.products.values())
      for (const variant of product.variantsInfo.variants)
        if (!this.itemAt(variant.id as string, locationId))
          this.newInventoryItem(product, variant, quantity, locationId);
  }

  private itemAt(variantId: string, locationId: string): WixInventoryItem | undefined {
    return [...this.inventory.values()].find((i) => i.variantId === variantId && i.locationId === locationId);
  }

  private withSku(item: WixInventoryItem): WixInventoryItem {
    const product = this.products.get(item.productId);
    const variant = product?.variantsInfo.variants.find((v) => v.id === item.variantId);
    return { ...structuredClone(item), product: { variantSku: variant?.sku, name: product?.name } };
  }

  /** variant id -> SKU over the whole catalog, built once per query. */
  private skuIndex(): Map<string, string> {
    const index = new Map<string, string>();
    for (const p of this.products.values())
      for (const v of p.variantsInfo.variants) if (v.id && v.sku) index.set(v.id, v.sku);
    return index;
  }

  /** The SKU's inventory item at a location (the default one unless named). */
  inventoryForSku(sku: string, locationId = DEFAULT_LOCATION_ID): WixInventoryItem | undefined {
    const index = this.skuIndex();
    const item = [...this.inventory.values()].find(
      (i) => index.get(i.variantId) === sku && i.locationId === locationId,
    );
    return item && this.withSku(item);
  }

  /**
   * Query Inventory Items: filter on `product.variantSku`, `locationId`, `productId` ($in / $eq /
   * a value); at most 1,000 a page (fewer with `inventoryPageSize`). The answer's
   * `pagingMetadata` is `{count, cursors}` with no `hasNext` (PlatformPagingMetadataV2).
   */
  private queryInventory(body: unknown) {
    const q = ((body as { query?: unknown })?.query ?? {}) as {
      filter?: Record<string, unknown>;
      cursorPaging?: { limit?: number; cursor?: string };
    };
    const { start, limit: asked, filter } = this.page(q, 1000);
    const limit = Math.min(asked, this.inventoryPageSize);
    const index = this.skuIndex();
    const all = [...this.inventory.values()]
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
      .map((i) => this.withSku(i));
    const next =
      start + limit < all.length
        ? Buffer.from(JSON.stringify({ start: start + limit, filter })).toString("base64url")
        : undefined;
    const page = all.slice(start, start + limit);
    return { inventoryItems: page, pagingMetadata: { count: page.length, cursors: next ? { next } : {} } };
  }

  private bulkUpdateInventory(body: unknown) {
    const items = (body as { inventoryItems?: { inventoryItem: WixInventoryItem }[] })?.inventoryItems;
    return this.bulk<{ inventoryItem: WixInventoryItem }>(
      items,
      ({ inventoryItem }) => {
        const current = this.inventory.get(inventoryItem?.id);
        if (!current)
          throw new WixError(
            404,
            `inventory item ${inventoryItem?.id} not found`,
            "INVENTORY_ITEM_NOT_FOUND",
          );
        if (inventoryItem.revision !== current.revision)
          throw new WixError(409, "revision mismatch", "REVISION_MISMATCH");
        const quantity = inventoryItem.quantity;
        if (
          quantity !== undefined &&
          (!Number.isInteger(quantity) || quantity < -99999 || quantity > 99999)
        ) {
          throw new WixError(400, "quantity must be an integer in -99999..99999", "INVALID_QUANTITY");
        }
        if (quantity !== undefined) current.quantity = quantity;
        current.inStock = (current.quantity ?? 0) > 0;
        current.revision = String(Number(current.revision) + 1);
        return this.withSku(current);
      },
      1000,
    );
  }

  /** Bulk Create Inventory Items: 1..1000; one item per variant and location (ITEM_ALREADY_EXISTS). */
  private bulkCreateInventory(body: unknown) {
    const items = (body as { inventoryItems?: WixInventoryItem[] })?.inventoryItems;
    return this.bulk<WixInventoryItem>(
      items,
      (input) => {
        const product = this.products.get(input.productId);
        const variant = product?.variantsInfo.variants.find((v) => v.id === input.variantId);
        if (!product || !variant)
          throw new WixError(404, "product or variant not found", "VARIANT_NOT_FOUND");
        const locationId = input.locationId ?? DEFAULT_LOCATION_ID;
        if (!this.locations.includes(locationId))
          throw new WixError(400, `location ${locationId} not found`, undefined, [
            { field: "inventoryItem.locationId", description: "unknown location" },
          ]);
        if (this.itemAt(input.variantId, locationId))
          throw new WixError(409, "inventory item already exists", "ITEM_ALREADY_EXISTS");
        return this.withSku(this.newInventoryItem(product, variant, input.quantity ?? 0, locationId));
      },
      1000,
    );
  }

  // --- paging --------------------------------------------------------------------------------

  private page(
    q: { filter?: Record<string, unknown>; cursorPaging?: { limit?: number; cursor?: string } },
    max: number,
  ) {
    const limit = q.cursorPaging?.limit ?? 20;
    if (limit < 1 || limit > max)
      throw new WixError(400, `cursorPaging.limit must be 1..${max}`, undefined, [
        { field: "cursorPaging.limit", description: `1..${max}` },
      ]);
    if (q.cursorPaging?.cursor) {
      if (q.filter)
        throw new WixError(400, "send only the cursor when paging", undefined, [
          { field: "filter", description: "not allowed with a cursor" },
        ]);
      const decoded = JSON.parse(Buffer.from(q.cursorPaging.cursor, "base64url").toString()) as {
        start: number;
        filter?: Record<string, unknown>;
      };
      return { start: decoded.start, limit, filter: decoded.filter };
    }
    return { start: 0, limit, filter: q.filter };
  }

  private paging(start: number, limit: number, total: number, filter?: Record<string, unknown>) {
    const hasNext = start + limit < total;
    const next = hasNext
      ? Buffer.from(JSON.stringify({ start: start + limit, filter })).toString("base64url")
      : undefined;
    return { count: Math.min(limit, Math.max(0, total - start)), cursors: { next }, hasNext };
  }

  // --- orders --------------------------------------------------------------------------------

  /**
   * Search Orders as Wix runs it (doc comment and OrderSearchSpec of searchOrders in
   * @wix/auto_sdk_ecom_orders): only the declared fields filter and sort (400 otherwise), sorted
   * by `createdDate` DESC unless told, PENDING and REJECTED orders left out unless the filter
   * names `status`, INITIALIZED never returned; cursor pages carry only the cursor.
   */
  private searchOrders(body: unknown) {
    const s = ((body as { search?: unknown })?.search ?? {}) as {
      filter?: Record<string, unknown>;
      sort?: { fieldName?: string; order?: string }[];
      cursorPaging?: { limit?: number; cursor?: string };
    };
    const limit = s.cursorPaging?.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw new WixError(400, "cursorPaging.limit must be 1..100", undefined, [
        { field: "search.cursorPaging.limit", description: "1..100" },
      ]);
    let { filter, sort } = s;
    let start = 0;
    if (s.cursorPaging?.cursor) {
      if (s.filter || s.sort)
        throw new WixError(400, "send only the cursor when paging", undefined, [
          { field: "search.filter", description: "not allowed with a cursor" },
        ]);
      ({ start, filter, sort } = decodeOrderCursor(s.cursorPaging.cursor));
    }
    checkOrderFilter(filter);
    sort = sort?.length ? sort : [{ fieldName: "createdDate", order: "DESC" }];
    for (const [i, by] of sort.entries()) {
      if (!ORDER_SORTABLE.has(by.fieldName ?? ""))
        throw new WixError(400, `cannot sort by ${by.fieldName}`, undefined, [
          { field: `search.sort[${i}].fieldName`, description: "not a sortable field" },
        ]);
    }
    const namesStatus = namesField(filter, "status");
    const all = [...this.orders.values()]
      .filter((o) => o.status !== "INITIALIZED")
      .filter((o) => namesStatus || (o.status !== "PENDING" && o.status !== "REJECTED"))
      .filter((o) => orderMatches(o, filter))
      .sort((x, y) => {
        for (const by of sort) {
          const c = compare(valueAt(x, by.fieldName as string), valueAt(y, by.fieldName as string));
          if (c) return by.order === "DESC" ? -c : c;
        }
        return 0;
      });
    const page = all.slice(start, start + limit).map((o) => structuredClone(o));
    const hasNext = start + limit < all.length;
    return {
      orders: page,
      metadata: {
        count: page.length,
        cursors: hasNext ? { next: encodeOrderCursor({ start: start + limit, filter, sort }) } : {},
        hasNext,
      },
    };
  }

  /** A checkout: prices from the catalog unless given, totals computed, stock decremented. */
  placeOrder(input: OrderInput): WixOrder {
    const lines = input?.lines;
    if (
      !Array.isArray(lines) ||
      !lines.length ||
      lines.some((l) => !l?.sku || !Number.isInteger(l.quantity) || l.quantity < 1)
    ) {
      throw new Error('lines: a list of {"sku", "quantity" >= 1} is required');
    }
    const currency = input.currency ?? "USD";
    const lineItems = input.lines.map((line) => {
      const product = [...this.products.values()].find((p) =>
        p.variantsInfo.variants.some((v) => v.sku === line.sku),
      );
      const variant = product?.variantsInfo.variants.find((v) => v.sku === line.sku);
      const unit =
        Number(line.price ?? variant?.price.actualPrice.amount ?? "0") - Number(line.lineDiscount ?? 0);
      return {
        id: randomUUID(),
        productName: { original: line.productName ?? product?.name ?? line.sku },
        catalogReference: {
          catalogItemId: product?.id ?? randomUUID(),
          appId: STORES_APP_ID,
          options: { variantId: variant?.id },
        },
        quantity: line.quantity,
        price: money(unit),
        totalPriceAfterTax: money(unit * line.quantity),
        physicalProperties: input.withoutSku ? {} : { sku: line.sku },
      };
    });
    const subtotal = lineItems.reduce((n, l) => n + Number(l.price.amount) * l.quantity, 0);
    const shipping = Number(input.shipping ?? 0);
    const discount = Number(input.discount ?? 0);
    const taxes = (input.taxes ?? []).map((t) => ({
      taxName: t.name,
      rate: t.rate,
      aggregatedTaxAmount: money(
        t.amount !== undefined
          ? Number(t.amount)
          : ((subtotal - discount) * Number(t.rate)) / (input.taxIncluded ? 1 + Number(t.rate) : 1),
      ),
    }));
    const tax = taxes.reduce((n, t) => n + Number(t.aggregatedTaxAmount.amount), 0);
    const additionalFees = (input.fees ?? []).map((f) => {
      if (!f?.name || !PRICE.test(String(f.amount))) throw new Error('fees: a list of {"name", "amount"}');
      const price = money(Number(f.amount));
      return {
        id: randomUUID(),
        name: f.name,
        price,
        priceBeforeTax: price,
        source: "SERVICE_PLUGIN" as const,
      };
    });
    const fees = additionalFees.reduce((n, f) => n + Number(f.price.amount), 0);
    const total = subtotal + shipping + fees - discount + (input.taxIncluded ? 0 : tax);
    const now = new Date().toISOString();
    const contact = {
      firstName: input.buyer?.firstName ?? "Ada",
      lastName: input.buyer?.lastName ?? "Lovelace",
      phone: input.buyer?.phone,
    };
    const address = {
      country: input.address?.country ?? "US",
      subdivision: input.address?.subdivision ?? "US-NY",
      city: input.address?.city ?? "New York",
      postalCode: input.address?.postalCode ?? "10001",
      addressLine: input.address?.addressLine ?? "1 Main St",
    };
    const order: WixOrder = {
      id: randomUUID(),
      number: String(++this.orderNumber),
      createdDate: now,
      updatedDate: now,
      status: input.status ?? "APPROVED",
      paymentStatus: (input.paymentStatus ?? "NOT_PAID") as WixOrder["paymentStatus"],
      fulfillmentStatus: "NOT_FULFILLED",
      currency,
      taxIncludedInPrices: input.taxIncluded ?? false,
      buyerInfo: {
        email: input.buyer?.email ?? "ada@example.com",
        contactId: input.buyer?.contactId ?? randomUUID(),
      },
      billingInfo: { address, contactDetails: contact },
      shippingInfo: { logistics: { shippingDestination: { address, contactDetails: contact } } },
      priceSummary: {
        subtotal: money(subtotal),
        shipping: money(shipping),
        tax: money(tax),
        discount: money(discount),
        ...(fees ? { totalAdditionalFees: money(fees) } : {}),
        total: money(total),
      },
      taxInfo: { totalTax: money(tax), taxBreakdown: taxes },
      ...(additionalFees.length ? { additionalFees } : {}),
      appliedDiscounts: discount
        ? [{ discountType: "GLOBAL", coupon: { code: "SAVE", amount: money(discount) } }]
        : [],
      lineItems,
    };
    return this.keep(order);
  }

  /** Stores a new order and takes its quantities off stock, as a checkout does. */
  private keep(order: WixOrder): WixOrder {
    for (const line of order.lineItems) {
      const sku = line.physicalProperties?.sku;
      const inv = sku ? this.inventoryForSku(sku) : undefined;
      const stored = inv && this.inventory.get(inv.id);
      if (stored) {
        stored.quantity = (stored.quantity ?? 0) - line.quantity;
        stored.revision = String(Number(stored.revision) + 1);
      }
    }
    this.orders.set(order.id, order);
    return structuredClone(order);
  }

  /**
   * Create Order (`POST /ecom/v1/orders {order}`): a Wix-shaped order; ids, number and dates are
   * Wix's, and a missing price summary is computed from the lines (tax from taxInfo).
   */
  createOrder(body: unknown): WixOrder {
    const input = (body as { order?: Partial<WixOrder> })?.order;
    if (!input || typeof input !== "object")
      throw new WixError(400, "order is required", undefined, [{ field: "order", description: "required" }]);
    const lines = input.lineItems;
    if (!Array.isArray(lines) || lines.length < 1 || lines.length > 300) {
      throw new WixError(400, "order.lineItems must hold 1 to 300 lines", undefined, [
        { field: "order.lineItems", description: "1..300" },
      ]);
    }
    lines.forEach((line, i) => {
      if (!Number.isInteger(line?.quantity) || line.quantity < 1)
        throw new WixError(400, "invalid line", undefined, [
          { field: `order.lineItems[${i}].quantity`, description: "a positive integer" },
        ]);
      if (typeof line.price?.amount !== "string" || !PRICE.test(line.price.amount))
        throw new WixError(400, "invalid line", undefined, [
          { field: `order.lineItems[${i}].price.amount`, description: "a decimal string" },
        ]);
    });
    const subtotal = lines.reduce((n, l) => n + Number(l.price.amount) * l.quantity, 0);
    const tax = Number(input.priceSummary?.tax?.amount ?? input.taxInfo?.totalTax?.amount ?? 0);
    const shipping = Number(input.priceSummary?.shipping?.amount ?? 0);
    const discount = Number(input.priceSummary?.discount?.amount ?? 0);
    const fees = (input.additionalFees ?? []).reduce(
      (n, f) => n + Number(f.priceBeforeTax?.amount ?? f.price?.amount ?? 0),
      0,
    );
    const now = new Date().toISOString();
    const order: WixOrder = {
      currency: "USD",
      status: "APPROVED",
      paymentStatus: "NOT_PAID",
      fulfillmentStatus: "NOT_FULFILLED",
      taxIncludedInPrices: false,
      ...structuredClone(input),
      id: randomUUID(),
      number: String(++this.orderNumber),
      createdDate: now,
      updatedDate: now,
      lineItems: lines.map((l) => ({ ...structuredClone(l), id: l.id ?? randomUUID() })),
      priceSummary: input.priceSummary?.total
        ? structuredClone(input.priceSummary)
        : {
            subtotal: money(subtotal),
            shipping: money(shipping),
            tax: money(tax),
            discount: money(discount),
            ...(fees ? { totalAdditionalFees: money(fees) } : {}),
            total: money(subtotal + shipping + fees - discount + (input.taxIncludedInPrices ? 0 : tax)),
          },
    } as WixOrder;
    return this.keep(order);
  }

  private existing(id: string): WixOrder {
    const order = this.orders.get(id);
    if (!order) throw new WixError(404, `order ${id} not found`, "ORDER_NOT_FOUND");
    return order;
  }

  /** Webhooks go out after the answer, as Wix sends them from its own queue. */
  private async announce(order: WixOrder, events: string[]): Promise<void> {
    const delivery = (async () => {
      await sleep(5);
      for (const event of events) await this.sendEvent(event, order);
    })();
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  /** Resolves when every announced change has been delivered (or given up). */
  async webhooksSettled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Changes an order as the dashboard or checkout would, bumping updatedDate. */
  changeOrder(
    id: string,
    patch: Partial<Pick<WixOrder, "status" | "paymentStatus" | "fulfillmentStatus">>,
  ): WixOrder {
    const order = this.orders.get(id);
    if (!order) throw new Error(`no order ${id}`);
    Object.assign(order, patch, {
      updatedDate: new Date(Math.max(Date.now(), Date.parse(order.updatedDate) + 1)).toISOString(),
    });
    return structuredClone(order);
  }

  // --- webhooks ------------------------------------------------------------------------------

  /** Everything the store holds (and its signing key), to survive a restart of the local host. */
  snapshot(): WixSnapshot {
    return {
      products: [...this.products.values()],
      inventory: [...this.inventory.values()],
      orders: [...this.orders.values()],
      categories: [...this.categories.values()].map((c) => ({ ...c, items: [...c.items] })),
      locations: [...this.locations],
      orderNumber: this.orderNumber,
      sequence: this.sequence,
      keys: { publicKeyPem: this.publicKeyPem, privateKeyPem: this.privateKeyPem },
    };
  }

  restore(s: WixSnapshot): void {
    const fill = <T extends { id?: string }>(map: Map<string, T>, list: T[]) => {
      map.clear();
      for (const x of list) map.set(x.id as string, x);
    };
    fill(this.products, s.products);
    fill(this.inventory, s.inventory);
    fill(this.orders, s.orders);
    this.categories.clear();
    for (const c of s.categories ?? [])
      this.categories.set(c.id, {
        ...c,
        slug: c.slug ?? c.id,
        visible: c.visible ?? true,
        createdDate: c.createdDate ?? new Date(0).toISOString(),
        items: new Set(c.items),
      });
    this.locations.splice(0, this.locations.length, ...(s.locations ?? [DEFAULT_LOCATION_ID]));
    // Snapshots from before locations: their items were at the one (default) location.
    for (const item of this.inventory.values())
      if (!this.locations.includes(item.locationId ?? "")) item.locationId = DEFAULT_LOCATION_ID;
    this.orderNumber = s.orderNumber;
    this.sequence = s.sequence;
    this.publicKeyPem = s.keys.publicKeyPem;
    this.privateKeyPem = s.keys.privateKeyPem;
  }

  /** Signs an event as Wix does: JWT{data: JSON{eventType, instanceId, data: JSON{...}, identity}}. */
  async signEvent(
    eventType: string,
    order: WixOrder,
    opts: { eventId?: string; expiresIn?: string; legacy?: boolean } = {},
  ): Promise<string> {
    const base = {
      id: opts.eventId ?? randomUUID(),
      entityFqdn: "wix.ecom.v1.order",
      slug: eventType.split("_").slice(1).join("_") || eventType,
      entityId: order.id,
      eventTime: new Date().toISOString(),
      entityEventSequence: String(++this.sequence),
    };
    let inner: Record<string, unknown>;
    if (eventType.endsWith("order_created"))
      inner = opts.legacy
        ? { ...base, createdEvent: { entityAsJson: JSON.stringify(order) } }
        : { ...base, createdEvent: { entity: order } };
    else if (eventType.endsWith("order_updated"))
      inner = opts.legacy
        ? { ...base, updatedEvent: { currentEntityAsJson: JSON.stringify(order) } }
        : { ...base, updatedEvent: { currentEntity: order } };
    else
      inner = opts.legacy
        ? { ...base, actionEvent: { bodyAsJson: JSON.stringify({ order }) } }
        : { ...base, actionEvent: { body: { order } } };
    const envelope = {
      eventType,
      instanceId: this.options.instanceId ?? "sandbox-instance",
      data: JSON.stringify(inner),
      identity: JSON.stringify({ identityType: "APP", appId: this.options.appId ?? "sandbox-app" }),
    };
    const key = await importPKCS8(this.privateKeyPem, "RS256");
    return new SignJWT({ data: JSON.stringify(envelope) })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime(opts.expiresIn ?? "1h")
      .sign(key);
  }

  /** Delivers an order event to the configured webhook URL, retrying like Wix (compressed in time). */
  async sendEvent(
    eventType: string,
    order: WixOrder,
    opts: { eventId?: string } = {},
  ): Promise<number | string> {
    if (!this.options.webhookUrl) return "no webhook url";
    return this.deliver(eventType, await this.signEvent(eventType, order, opts));
  }

  /**
   * Wix delivers at least once, in no set order: each event is signed once (one event id) and
   * delivered `copies` times, every delivery of every event at once, shuffled.
   */
  async sendEventCopies(eventTypes: string[], order: WixOrder, copies: number): Promise<(number | string)[]> {
    if (!this.options.webhookUrl) return ["no webhook url"];
    const tokens = await Promise.all(
      eventTypes.map(async (e) => [e, await this.signEvent(e, order)] as const),
    );
    const deliveries = tokens.flatMap((t) => Array.from({ length: copies }, () => t));
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [deliveries[i], deliveries[j]] = [
        deliveries[j] as (typeof deliveries)[number],
        deliveries[i] as (typeof deliveries)[number],
      ];
    }
    return Promise.all(deliveries.map(([eventType, token]) => this.deliver(eventType, token)));
  }

  private async deliver(eventType: string, token: string): Promise<number | string> {
    if (!this.options.webhookUrl) return "no webhook url";
    let status: number | string = "not sent";
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const res = await fetch(this.options.webhookUrl, {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body: token,
          signal: AbortSignal.timeout(5000),
        });
        status = res.status;
        if (res.ok) break;
      } catch (error) {
        status = (error as Error).message;
      }
      await sleep(200 * attempt);
    }
    this.webhookLog.push({ eventType, status });
    return status;
  }

  setWebhookTarget(url: string | undefined): void {
    this.options.webhookUrl = url;
  }
}

type Violation = { field: string; description: string; ruleName?: string };

interface WqlRequest {
  filter?: Record<string, unknown>;
  sort?: { fieldName?: string; order?: string }[];
  cursorPaging?: { limit?: number; cursor?: string };
}

/** Update rules from the SDK's updateProduct doc and UpdateProductValidationErrors. */
function updateRules(patch: Partial<WixProduct>): Violation[] {
  const v: Violation[] = [];
  if (patch.brand && !patch.brand.id)
    v.push({
      field: "product.brand.id",
      description: "a brand is assigned by id on update",
      ruleName: "BRAND_MISSING_ID",
    });
  if (patch.variantsInfo !== undefined && patch.options === undefined)
    v.push({
      field: "product.options",
      description: "options must be sent with variantsInfo",
      ruleName: "MISSING_OPTIONS_ON_UPDATE_VARIANTS",
    });
  return v;
}

/** 400 for a filter or sort on a field (or with an operator) the spec does not declare. */
function checkWql(envelope: string, q: WqlRequest, spec: WqlSpec): void {
  const v: Violation[] = [];
  const check = (filter: unknown, at: string) => {
    if (!filter || typeof filter !== "object") return;
    for (const [field, cond] of Object.entries(filter as Record<string, unknown>)) {
      if (field === "$and" || field === "$or" || field === "$not") {
        for (const sub of [cond].flat()) check(sub, at);
        continue;
      }
      const allowed = spec.filter[field];
      const ops = cond && typeof cond === "object" && !Array.isArray(cond) ? Object.keys(cond) : ["$eq"];
      if (!allowed) v.push({ field: `${at}.${field}`, description: "field is not filterable" });
      else if (allowed !== "*" && ops.some((op) => !allowed.includes(op)))
        v.push({ field: `${at}.${field}`, description: `only ${allowed.join(", ")} on this field` });
      else if (allowed === "*" && ops.includes("$matchItems"))
        v.push({ field: `${at}.${field}`, description: "$matchItems is not supported on this field" });
    }
  };
  check(q.filter, `${envelope}.filter`);
  for (const [i, s] of (q.sort ?? []).entries())
    if (!s.fieldName || !spec.sort.includes(s.fieldName))
      v.push({ field: `${envelope}.sort[${i}].fieldName`, description: "field is not sortable" });
  if (v.length) throw new WixError(400, "invalid query", undefined, v);
}

/** A WQL filter ($eq, $ne, $in, $hasSome, $matchItems, $and/$or) over a document's field values. */
function matches(filter: Record<string, unknown> | undefined, values: (field: string) => unknown[]): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([field, cond]) => {
    if (field === "$and") return (cond as Record<string, unknown>[]).every((f) => matches(f, values));
    if (field === "$or") return (cond as Record<string, unknown>[]).some((f) => matches(f, values));
    const have = values(field);
    if (!cond || typeof cond !== "object" || Array.isArray(cond)) return have.includes(cond);
    return Object.entries(cond as Record<string, unknown>).every(([op, want]) => {
      if (op === "$eq") return have.includes(want);
      if (op === "$ne") return !have.includes(want);
      if (op === "$in" || op === "$hasSome") return (want as unknown[]).some((w) => have.includes(w));
      if (op === "$hasAll") return (want as unknown[]).every((w) => have.includes(w));
      if (op === "$matchItems")
        return have.some((item) =>
          (want as Record<string, unknown>[]).every((f) => matches(f, (sub) => [pathValue(item, sub)])),
        );
      return false;
    });
  });
}

function productField(p: WixProduct, field: string): unknown[] {
  if (field === "variantsInfo.variants") return p.variantsInfo.variants;
  if (field.startsWith("options.")) return (p.options ?? []).map((o) => pathValue(o, field.slice(8)));
  return [pathValue(p, field)];
}

function pathValue(doc: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      doc,
    );
}

function productOf(body: unknown): WixProduct {
  const product = (body as { product?: WixProduct })?.product;
  if (!product || typeof product !== "object")
    throw new WixError(400, "product is required", undefined, [
      { field: "product", description: "required" },
    ]);
  return product;
}

/**
 * Search Orders' filterable fields and their operators, in REST names (OrderSearchSpec of
 * @wix/auto_sdk_ecom_orders: the SDK's `_id`/`_createdDate`/`_updatedDate` are `id`,
 * `createdDate`, `updatedDate` on the wire); `sort` lists the ones declared sortable.
 */
const EQUALITY = ["$eq", "$in", "$ne", "$nin"];
const ANY = ["$eq", "$in", "$ne", "$nin", "$gt", "$gte", "$lt", "$lte", "$exists", "$startsWith", "$isEmpty"];
const ORDER_FILTERS: { fields: string[]; operators: string[]; sort: boolean }[] = [
  {
    fields: [
      "channelInfo.type",
      "fulfillmentStatus",
      "paymentStatus",
      "shippingInfo.region.name",
      "shippingInfo.title",
      "status",
    ],
    operators: EQUALITY,
    sort: true,
  },
  {
    fields: [
      "createdDate",
      "updatedDate",
      "balanceSummary.authorized.amount",
      "balanceSummary.pending.amount",
      "balanceSummary.pendingRefund.amount",
      "billingInfo.contactDetails.firstName",
      "billingInfo.contactDetails.lastName",
      "businessLocation.id",
      "businessLocation.name",
      "buyerInfo.email",
      "number",
      "priceSummary.total.amount",
      "purchasedDate",
      "shippingInfo.logistics.deliveryTime",
      "shippingInfo.logistics.deliveryTimeSlot.from",
      "shippingInfo.logistics.deliveryTimeSlot.to",
      "taxInfo.totalExempt.amount",
      "taxInfo.totalTax.amount",
    ],
    operators: ANY,
    sort: true,
  },
  { fields: ["archived", "imported", "seenByAHuman", "demo"], operators: ANY, sort: false },
  {
    fields: [
      "id",
      "buyerInfo.contactId",
      "buyerInfo.memberId",
      "channelInfo.externalOrderId",
      "checkoutId",
      "createdBy.userId",
      "lineItems.subscriptionInfo.id",
    ],
    operators: EQUALITY,
    sort: false,
  },
  {
    fields: [
      "lineItems.catalogReference.appId",
      "lineItems.catalogReference.catalogItemId",
      "lineItems.locations.id",
      "appliedDiscounts.coupon.id",
    ],
    operators: ["$hasAll", "$hasSome"],
    sort: false,
  },
  {
    fields: ["fulfillmentStatusesAggregate.statuses", "lineItems.productName.original"],
    operators: ["$hasAll", "$hasSome"],
    sort: true,
  },
];
const ORDER_OPERATORS = new Map(ORDER_FILTERS.flatMap((g) => g.fields.map((f) => [f, g.operators])));
const ORDER_SORTABLE = new Set(ORDER_FILTERS.filter((g) => g.sort).flatMap((g) => g.fields));

/** 400 for a field Search Orders does not filter on, or an operator it does not take there. */
function checkOrderFilter(filter: unknown, path = "search.filter"): void {
  if (filter === undefined || filter === null) return;
  if (typeof filter !== "object" || Array.isArray(filter))
    throw new WixError(400, "filter must be an object", undefined, [
      { field: path, description: "an object" },
    ]);
  for (const [key, condition] of Object.entries(filter)) {
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(condition))
        throw new WixError(400, `${key} takes a list`, undefined, [
          { field: `${path}.${key}`, description: "a list" },
        ]);
      for (const [i, c] of condition.entries()) checkOrderFilter(c, `${path}.${key}[${i}]`);
      continue;
    }
    if (key === "$not") {
      checkOrderFilter(condition, `${path}.$not`);
      continue;
    }
    const operators = ORDER_OPERATORS.get(key);
    if (!operators)
      throw new WixError(400, `cannot filter by ${key}`, undefined, [
        { field: `${path}.${key}`, description: "not a filterable field" },
      ]);
    const used =
      condition && typeof condition === "object" && !Array.isArray(condition)
        ? Object.keys(condition)
        : ["$eq"];
    for (const op of used)
      if (!operators.includes(op))
        throw new WixError(400, `operator ${op} is not supported for ${key}`, undefined, [
          { field: `${path}.${key}`, description: `supports ${operators.join(", ")}` },
        ]);
  }
}

/** Whether a filter (at any depth of $and/$or/$not) names this field. */
function namesField(filter: unknown, field: string): boolean {
  if (!filter || typeof filter !== "object") return false;
  if (Array.isArray(filter)) return filter.some((f) => namesField(f, field));
  return Object.entries(filter).some(
    ([key, value]) => key === field || (key.startsWith("$") && namesField(value, field)),
  );
}

/** The values at a dotted path (arrays flattened, as `lineItems.productName.original`). */
function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split(".")) {
    current = current
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .map((v) => (v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined));
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== undefined);
}

function valueAt(value: unknown, path: string): unknown {
  return valuesAt(value, path)[0];
}

/** Decimal strings (amounts) compare as numbers; ISO dates and names as text. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const decimal = /^-?\d+(\.\d+)?$/;
  const numeric = typeof a === "string" && typeof b === "string" && decimal.test(a) && decimal.test(b);
  const [x, y] = (numeric ? [Number(a), Number(b)] : [a, b]) as [string | number, string | number];
  return x < y ? -1 : x > y ? 1 : 0;
}

function orderMatches(order: WixOrder, filter: Record<string, unknown> | undefined): boolean {
  for (const [key, condition] of Object.entries(filter ?? {})) {
    if (key === "$and" && !(condition as Record<string, unknown>[]).every((c) => orderMatches(order, c)))
      return false;
    if (key === "$or" && !(condition as Record<string, unknown>[]).some((c) => orderMatches(order, c)))
      return false;
    if (key === "$not" && orderMatches(order, condition as Record<string, unknown>)) return false;
    if (key.startsWith("$")) continue;
    const values = valuesAt(order, key);
    const ops =
      condition && typeof condition === "object" && !Array.isArray(condition)
        ? (condition as Record<string, unknown>)
        : { $eq: condition };
    for (const [op, arg] of Object.entries(ops)) {
      const list = Array.isArray(arg) ? arg : [arg];
      const ok =
        op === "$eq"
          ? values.some((v) => compare(v, arg) === 0)
          : op === "$ne"
            ? !values.some((v) => compare(v, arg) === 0)
            : op === "$in" || op === "$hasSome"
              ? values.some((v) => list.some((a) => compare(v, a) === 0))
              : op === "$nin"
                ? !values.some((v) => list.some((a) => compare(v, a) === 0))
                : op === "$hasAll"
                  ? list.every((a) => values.some((v) => compare(v, a) === 0))
                  : op === "$gt"
                    ? values.some((v) => compare(v, arg) > 0)
                    : op === "$gte"
                      ? values.some((v) => compare(v, arg) >= 0)
                      : op === "$lt"
                        ? values.some((v) => compare(v, arg) < 0)
                        : op === "$lte"
                          ? values.some((v) => compare(v, arg) <= 0)
                          : op === "$exists"
                            ? values.length > 0 === Boolean(arg)
                            : op === "$startsWith"
                              ? values.some((v) => String(v).startsWith(String(arg)))
                              : op === "$isEmpty"
                                ? (values.length === 0) === Boolean(arg)
                                : false;
      if (!ok) return false;
    }
  }
  return true;
}

type OrderCursor = {
  start: number;
  filter?: Record<string, unknown>;
  sort?: { fieldName?: string; order?: string }[];
};

function encodeOrderCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeOrderCursor(cursor: string): OrderCursor {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString()) as OrderCursor;
    if (Number.isInteger(decoded.start) && decoded.start >= 0) return decoded;
  } catch {
    // falls through to the 400 below
  }
  throw new WixError(400, "invalid cursor", undefined, [
    { field: "search.cursorPaging.cursor", description: "not a cursor this API gave" },
  ]);
}

function money(n: number) {
  return { amount: (Math.round(n * 100) / 100).toFixed(2) };
}

function statusCode(status: number): string {
  return (
    (
      {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        409: "ALREADY_EXISTS",
        428: "FAILED_PRECONDITION",
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        503: "UNAVAILABLE",
        504: "DEADLINE_EXCEEDED",
      } as Record<number, string>
    )[status] ?? "UNKNOWN"
  );
}
