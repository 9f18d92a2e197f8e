import type { WixInventoryItem, WixNewProduct, WixProduct } from "#shared/flows/wix-catalog";
import type { WixFulfillment, WixOrderWithFulfillments } from "#shared/flows/wix-fulfillments";
import type { WixOrder, WixOrderTransactions, WixPayment, WixRefund } from "#shared/flows/wix-orders";
import { TRANSACTIONS_FQDN } from "#shared/wix/transactions";
import { FaultInjector, Router, type SimRequest, type SimResponse, withFaults } from "../kit";
import { auth, TOKEN_PATH, WixAuth } from "./auth";
import { bulk } from "./bulk";
import { catalog, createProduct, getProduct, updateProduct } from "./catalog";
import { catalogSearch } from "./catalog-search";
import { addCategory, categories, categoriesOf } from "./categories";
import { errorResponse, WixError } from "./errors";
import { createFulfillment, deleteFulfillment, fulfillments, withFulfillments } from "./fulfillments";
import { addLocation, inventory, inventoryForSku } from "./inventory";
import { changeOrder, createOrder, type OrderInput, orders, placeOrder } from "./orders";
import type { RefundInput } from "./refund-rules";
import { refundEvents, refundPayments, refunds } from "./refunds";
import { restoreSnapshot, snapshotOf, type WixSnapshot } from "./snapshot";
import {
  DEFAULT_LOCATION_ID,
  type WixContext,
  type WixResource,
  type WixSandboxOptions,
  WixStore,
} from "./store";
import { addPayments, setPaymentStatus, transactions, transactionsOf } from "./transactions";
import { v1Collections, v1CollectionsOf } from "./v1-collections";
import { v1Inventory } from "./v1-inventory";
import { migrateToV3 } from "./v1-migrate";
import {
  createV1Product,
  storeVariants,
  answer as v1Answer,
  existing as v1Existing,
  v1Products,
} from "./v1-products";
import { WixWebhooks } from "./webhooks";

/**
 * A strict, in-memory Wix: API-key or OAuth auth, catalog version, V3 products with revisions
 * (409 on a stale one), the required variant, decimal-string prices, store-wide unique SKUs,
 * 100-per-bulk limits with per-item results under HTTP 200, inventory items per variant and
 * location (queries paged by cursor alone), categories with non-unique names and hidden ones,
 * eCommerce orders with cursor paging, and webhooks as RS256 JWTs in the three-layer envelope.
 *
 * One file per resource. To add one (say order fulfillments): write `fulfillments.ts` exporting a
 * `WixResource`, `(r, { store, options, auth, webhooks }) => { r.on("POST", "/ecom/v1/...", ...) }`,
 * keep its data in a new field of `WixStore` (store.ts) and in the snapshot (snapshot.ts) if it
 * must survive a restart, and add it to RESOURCES below. Throw `WixError` for a refusal (errors.ts:
 * Wix's envelope); `v3()` wraps catalog V3 calls; `webhooks.announce` sends events after the answer.
 */
const RESOURCES: WixResource[] = [
  auth,
  catalog,
  catalogSearch,
  bulk,
  categories,
  inventory,
  orders,
  fulfillments,
  transactions,
  refunds,
  v1Products,
  v1Inventory,
  v1Collections,
];

export { DEFAULT_LOCATION_ID, type OrderInput, type WixSandboxOptions, type WixSnapshot };

export class WixSandbox extends WixStore {
  readonly router = new Router();
  readonly faults = new FaultInjector();
  readonly calls = { reads: 0, writes: 0 };
  /** Every authorized call as "METHOD /path", for counting bulk calls in tests and benchmarks. */
  readonly callLog: string[] = [];
  private readonly auth: WixAuth;
  private readonly webhooks: WixWebhooks;
  private readonly options: WixSandboxOptions;

  constructor(options: WixSandboxOptions) {
    super();
    this.options = options;
    this.auth = new WixAuth(options);
    this.webhooks = new WixWebhooks(options);
    const context: WixContext = { store: this, options, auth: this.auth, webhooks: this.webhooks };
    for (const resource of RESOURCES) resource(this.router, context);
  }

  /** The key Wix signs webhooks with (the app verifies them with it). */
  get publicKeyPem(): string {
    return this.webhooks.keys.publicKeyPem;
  }

  get webhookLog(): { eventType: string; status: number | string }[] {
    return this.webhooks.log;
  }

  handle(req: SimRequest): Promise<SimResponse> {
    return withFaults(
      this.faults,
      req,
      (r) => this.serve(r),
      ({ status }) =>
        errorResponse(
          new WixError(status, "injected fault", status === 429 ? "TOO_MANY_REQUESTS" : undefined),
        ),
    );
  }

  private async serve(req: SimRequest): Promise<SimResponse> {
    const matched = this.router.match(req.method, req.path);
    if (!matched) return errorResponse(new WixError(404, `no route ${req.method} ${req.path}`));
    if (req.path !== TOKEN_PATH && !this.auth.authorized(req)) {
      return errorResponse(new WixError(401, "UNAUTHENTICATED: invalid or missing authorization"));
    }
    this.callLog.push(`${req.method} ${req.path}`);
    // Reads: GET, query/search calls (including /search-variants and /query-variants) and List
    // Fulfillments / Transactions For Multiple Orders (`/list-by-ids`, ECOM.READ_FULFILLMENTS and
    // ECOM.READ_TRANSACTIONS in the SDK packages' index.typings.d.ts), and every Catalog V1
    // CatalogReadApi / InventoryReadApi call (served under /stores-reader/, as query-platformized
    // and getVariants).
    if (
      req.method === "GET" ||
      req.path.startsWith("/stores-reader/") ||
      /\/((query|search)(-variants)?|list-by-ids)$/.test(req.path)
    )
      this.calls.reads++;
    else this.calls.writes++;
    try {
      return await matched.route.fn({ ...req, params: matched.params });
    } catch (error) {
      if (error instanceof WixError) return errorResponse(error);
      return errorResponse(new WixError(500, (error as Error).message));
    }
  }

  // --- what tests, the demo and the local host's control routes do directly --------------------

  get(id: string): WixProduct {
    return getProduct(this, id);
  }

  create(input: WixNewProduct & { id?: string; revision?: string }, withInventory = false): WixProduct {
    return createProduct(this, input, withInventory);
  }

  update(id: string, patch: Partial<WixProduct>): WixProduct {
    return updateProduct(this, id, patch);
  }

  /** What Get Catalog Version answers: V3 unless started in V1 mode (and not migrated since). */
  get catalogVersion(): "V1_CATALOG" | "V3_CATALOG" {
    return this.options.catalogVersion ?? "V3_CATALOG";
  }

  /**
   * Wix converts this V1 site to Catalog V3 (v1-migrate.ts: product ids kept, variant, inventory
   * and category ids new). Nothing happens on a V3 site.
   */
  migrateToV3(): void {
    migrateToV3(this, this.options);
  }

  /** A Catalog V1 product made in the dashboard (Create Product's rules); answered as Get Product. */
  createV1(product: Record<string, unknown>): ReturnType<typeof v1Answer> {
    return v1Answer(this, createV1Product(this, product), true);
  }

  /** A Catalog V1 product as Get Product answers it (variants with their stock included). */
  v1Product(id: string): ReturnType<typeof v1Answer> {
    return v1Answer(this, v1Existing(this, id), true);
  }

  /** Every V1 variant as Query Store Variants answers it (SKU, choices, stock). */
  v1Variants(): ReturnType<typeof storeVariants> {
    return storeVariants(this);
  }

  /** Names of the V1 collections a product is in. */
  v1CollectionsOf(productId: string): string[] {
    return v1CollectionsOf(this, productId);
  }

  /** A category made in the dashboard (or by another app, with `managingAppId`). */
  addCategory(name: string, opts: { visible?: boolean; managingAppId?: string } = {}): string {
    return addCategory(this, name, opts);
  }

  /** Names of the categories a product is in. */
  categoriesOf(productId: string): string[] {
    return categoriesOf(this, productId);
  }

  /** A second (third...) location; with `quantity`, every variant gets an inventory item there. */
  addLocation(locationId: string, quantity?: number): void {
    addLocation(this, locationId, quantity);
  }

  /** The SKU's inventory item at a location (the default one unless named). */
  inventoryForSku(sku: string, locationId = DEFAULT_LOCATION_ID): WixInventoryItem | undefined {
    return inventoryForSku(this, sku, locationId);
  }

  /** A checkout: prices from the catalog unless given, totals computed, stock decremented. */
  placeOrder(input: OrderInput): WixOrder {
    return placeOrder(this, input);
  }

  /** Create Order as Wix takes it (`{order}`), without its webhooks. */
  createOrder(body: unknown): WixOrder {
    return createOrder(this, body);
  }

  /** Changes an order as the dashboard or checkout would, bumping updatedDate. */
  changeOrder(
    id: string,
    patch: Partial<Pick<WixOrder, "status" | "paymentStatus" | "fulfillmentStatus">>,
  ): WixOrder {
    return changeOrder(this, id, patch);
  }

  /** The order's payments and refunds, as List Transactions answers them. */
  transactionsOf(orderId: string): WixOrderTransactions {
    return transactionsOf(this, orderId);
  }

  /**
   * Payments recorded on an order (as a checkout, the dashboard or Add Payments does): its payment
   * status follows, and `order_transactions_details_updated` (and `order_payment_status_updated`
   * when the status moved) are announced. Returns the new payment ids.
   */
  addPayments(orderId: string, payments: WixPayment[]): string[] {
    return addPayments(this, this.webhooks, orderId, payments);
  }

  /** A payment moves to another status (approved, declined...), announced like Wix does. */
  setPaymentStatus(orderId: string, paymentId: string, status: NonNullable<WixPayment["status"]>): void {
    setPaymentStatus(this, this.webhooks, orderId, paymentId, status);
  }

  /** Signs an action event of order transactions (entityId: the order id). */
  signTransactionsEvent(eventType: string, orderId: string, body: unknown, opts: { eventId?: string } = {}) {
    return this.webhooks.signAction(eventType, { fqdn: TRANSACTIONS_FQDN, id: orderId }, body, opts);
  }

  /** The next `count` webhook deliveries of event types matching `match` are lost (never arrive). */
  loseWebhooks(count: number, match: RegExp): void {
    this.webhooks.lose(count, match);
  }

  /** Webhook losses set and not yet used; `clearLosses` drops them. */
  get pendingLosses(): number {
    return this.webhooks.pendingLosses;
  }

  clearLosses(): void {
    this.webhooks.clearLosses();
  }

  /** Signed events, each delivered `copies` times, all at once, shuffled. */
  deliverCopies(
    tokens: readonly (readonly [string, string])[],
    copies: number,
  ): Promise<(number | string)[]> {
    return this.webhooks.deliverCopies(tokens, copies);
  }

  /** Signs an event as Wix does: JWT{data: JSON{eventType, instanceId, data: JSON{...}, identity}}. */
  signEvent(
    eventType: string,
    order: WixOrder,
    opts: { eventId?: string; expiresIn?: string; legacy?: boolean } = {},
  ): Promise<string> {
    return this.webhooks.sign(eventType, order, opts);
  }

  /** Delivers an order event to the configured webhook URL, retrying like Wix (compressed in time). */
  sendEvent(eventType: string, order: WixOrder, opts: { eventId?: string } = {}): Promise<number | string> {
    return this.webhooks.send(eventType, order, opts);
  }

  /** Each event signed once and delivered `copies` times, all at once, shuffled (at least once). */
  sendEventCopies(eventTypes: string[], order: WixOrder, copies: number): Promise<(number | string)[]> {
    return this.webhooks.sendCopies(eventTypes, order, copies);
  }

  /**
   * A fulfillment made by the merchant in the Wix dashboard: the same rules as the API, the order's
   * status follows and `fulfillments_updated` goes out.
   */
  fulfil(orderId: string, fulfillment: WixFulfillment): WixFulfillment {
    return createFulfillment(this, this.webhooks, orderId, fulfillment);
  }

  /** A fulfillment deleted in the dashboard (announced like any change). */
  unfulfil(orderId: string, fulfillmentId: string): void {
    deleteFulfillment(this, this.webhooks, orderId, fulfillmentId);
  }

  fulfillmentsOf(orderId: string): WixFulfillment[] {
    return withFulfillments(this, orderId).fulfillments ?? [];
  }

  /** The order's current `fulfillments_updated` event, signed once, delivered `copies` times at once. */
  async sendFulfillmentsCopies(orderId: string, copies: number): Promise<(number | string)[]> {
    const entity: WixOrderWithFulfillments = withFulfillments(this, orderId);
    const token = await this.webhooks.signFulfillments(entity);
    return this.webhooks.deliverCopies([["wix.ecom.v1.fulfillments_updated", token]], copies);
  }

  /** A refund made in the dashboard: Refund Payments' rules, effects and events. */
  refund(orderId: string, input: RefundInput): WixRefund {
    return refundPayments(this, this.webhooks, orderId, input);
  }

  /** A refund's events, each signed once and delivered `copies` times, all at once, shuffled. */
  async sendRefundEventCopies(
    orderId: string,
    refundId: string,
    copies: number,
  ): Promise<(number | string)[]> {
    const entity = { fqdn: TRANSACTIONS_FQDN, id: orderId };
    const tokens = await Promise.all(
      refundEvents(this, orderId, refundId).map(
        async (e) => [e.eventType, await this.webhooks.signAction(e.eventType, entity, e.body)] as const,
      ),
    );
    return this.webhooks.deliverCopies(tokens, copies);
  }

  /** Runs before each webhook delivery (kit.ts BeforeDelivery): the host saves the sandbox there. */
  beforeWebhook(commit: () => void): void {
    this.webhooks.beforeDelivery = commit;
  }

  /** Resolves when every announced change has been delivered (or given up). */
  webhooksSettled(): Promise<void> {
    return this.webhooks.settled();
  }

  setWebhookTarget(url: string | undefined): void {
    this.webhooks.setTarget(url);
  }

  /** Everything the store holds (and its signing key), to survive a restart of the local host. */
  snapshot(): WixSnapshot {
    return snapshotOf(this, this.webhooks, this.options);
  }

  restore(s: WixSnapshot): void {
    restoreSnapshot(this, this.webhooks, s, this.options);
  }
}
