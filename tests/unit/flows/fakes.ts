/**
 * The in-memory ERPNext, Wix and state every flow's unit tests share: just enough of them to run
 * the use-cases in milliseconds. They follow the ports' documented behaviour, nothing more; a
 * flow's tests add the ERPNext rules they need (its mappers, totals) in a subclass.
 */
import { AlreadyExistsError, NotFoundError } from "#shared/errors";
import type { BillingWix } from "#shared/flows/billing/ports";
import type { InventoryErpnext, InventoryState, InventoryWix } from "#shared/flows/inventory/ports";
import { CLOSE_SALES_ORDERS } from "#shared/flows/orders/cancel";
import type {
  CustomerRecord,
  DocFilter,
  OrdersErpnext,
  OrdersState,
  OrdersWix,
} from "#shared/flows/orders/ports";
import type { CategoryState, MappingScan } from "#shared/flows/products/category-ports";
import type { FlowHeartbeat, ProductMappings } from "#shared/flows/products/ports";
import type { OrderRecord, ProductMapping, SyncLogEntry } from "#shared/flows/records";
import type { RefundsWix } from "#shared/flows/refunds/ports";
import type { ShipmentsErpnext, ShipmentsWix } from "#shared/flows/shipments/ports";
import type { BulkResponse, WixInventoryItem } from "#shared/flows/wix-catalog";
import type { WixFulfillment } from "#shared/flows/wix-fulfillments";
import type { WixOrder, WixOrderTransactions, WixPayment, WixRefund } from "#shared/flows/wix-orders";

export type Doc = Record<string, unknown> & { name: string };

export const matches = (doc: Doc, filter: DocFilter): boolean => {
  // `[child doctype, field, op, value]`: one of the document's rows matches.
  if (filter.length === 4)
    return Object.values(doc).some(
      (v) => Array.isArray(v) && v.some((row) => matches(row as Doc, filter.slice(1) as DocFilter)),
    );
  const [field, op, value] = filter;
  // An unset Check or Int field reads as 0 in Frappe's tables (docstatus, is_return...).
  const actual = doc[field] ?? (field === "docstatus" || typeof value === "number" ? 0 : undefined);
  if (op === "=") return actual === value;
  if (op === "!=") return actual !== value;
  if (op === "in") return (value as unknown[]).includes(actual);
  if (op === ">=") return String(actual) >= String(value);
  throw new Error(`fake ERPNext: no operator ${op}`);
};

/** Documents per doctype; a Sales Order's grand_total is its lines and charges less its discount. */
export class FakeErpnext implements OrdersErpnext, InventoryErpnext, ShipmentsErpnext {
  readonly docs = new Map<string, Map<string, Doc>>();
  readonly calls: string[] = [];
  /** ERPNext-side rules that change a Sales Order's total (a pricing rule, a tax template). */
  salesOrderTotal?: (computed: number) => number;
  private serial = 0;

  table(doctype: string): Map<string, Doc> {
    const table = this.docs.get(doctype) ?? new Map<string, Doc>();
    this.docs.set(doctype, table);
    return table;
  }

  all(doctype: string): Doc[] {
    return [...this.table(doctype).values()];
  }

  seed(doctype: string, doc: Doc): void {
    this.table(doctype).set(doc.name, doc);
  }

  async get<T>(doctype: string, name: string): Promise<T> {
    const doc = await this.find<T>(doctype, name);
    if (!doc) throw new NotFoundError(`${doctype} ${name} not found`);
    return doc;
  }

  async find<T>(doctype: string, name: string): Promise<T | undefined> {
    this.calls.push(`get ${doctype} ${name}`);
    const doc = this.table(doctype).get(name);
    return doc && (structuredClone(doc) as T);
  }

  async list<T>(
    doctype: string,
    opts: { fields: string[]; filters?: DocFilter[]; orderBy?: string; start?: number; pageLength?: number },
  ): Promise<T[]> {
    this.calls.push(`list ${doctype}`);
    const rows = this.all(doctype).filter((d) => (opts.filters ?? []).every((f) => matches(d, f)));
    // `<field> asc`, the one order the flows ask for.
    const [by, dir] = opts.orderBy?.split(" ") ?? [];
    if (by && dir === "asc") rows.sort((a, b) => String(a[by]).localeCompare(String(b[by])));
    const start = opts.start ?? 0;
    return rows
      .slice(start, start + (opts.pageLength ?? 500))
      .map(
        (d) =>
          Object.fromEntries(opts.fields.map((f) => [f, d[f] ?? (f === "docstatus" ? 0 : undefined)])) as T,
      );
  }

  listAll<T>(doctype: string, opts: { fields: string[]; filters?: DocFilter[] }): Promise<T[]> {
    return this.list<T>(doctype, { ...opts, pageLength: Number.MAX_SAFE_INTEGER });
  }

  async insert<T>(doctype: string, doc: Record<string, unknown>): Promise<T> {
    this.calls.push(`insert ${doctype}`);
    const name = `${doctype.replace(/[^A-Z]/g, "")}-${++this.serial}`;
    const stored: Doc = { docstatus: 0, ...structuredClone(doc), name };
    if (doctype === "Sales Order") stored.grand_total = this.totalOf(stored);
    this.table(doctype).set(name, stored);
    return structuredClone(stored) as T;
  }

  async update<T>(doctype: string, name: string, patch: Record<string, unknown>): Promise<T> {
    this.calls.push(`update ${doctype} ${name} ${JSON.stringify(patch)}`);
    const doc = this.table(doctype).get(name);
    if (!doc) throw new NotFoundError(`${doctype} ${name} not found`);
    Object.assign(doc, patch);
    return structuredClone(doc) as T;
  }

  async delete(doctype: string, name: string): Promise<void> {
    this.calls.push(`delete ${doctype} ${name}`);
    const doc = this.table(doctype).get(name);
    if (!doc) throw new NotFoundError(`${doctype} ${name} not found`);
    if (doc.docstatus === 1) throw new Error("Submitted documents cannot be deleted");
    this.table(doctype).delete(name);
  }

  /** ERPNext's whitelisted methods the orders flow calls: the list view's Close. */
  async call<T>(method: string, args: Record<string, unknown> = {}): Promise<T> {
    this.calls.push(`call ${method} ${JSON.stringify(args)}`);
    if (method !== CLOSE_SALES_ORDERS) throw new Error(`fake ERPNext: no method ${method}`);
    for (const name of JSON.parse(String(args.names)) as string[]) {
      const so = this.table("Sales Order").get(name);
      if (so?.docstatus === 1 && args.status === "Closed") so.status = "Closed";
    }
    return null as T;
  }

  /** ERPNext's document mappers (make Delivery Note...): a flow's tests add the ones they use. */
  async mapDocument<T>(method: string, sourceName: string): Promise<T> {
    this.calls.push(`map ${method} ${sourceName}`);
    throw new Error(`fake ERPNext: no mapper ${method}`);
  }

  private totalOf(doc: Doc): number {
    const items = (doc.items as { qty: number; rate: number }[] | undefined) ?? [];
    const taxes = (doc.taxes as { tax_amount: number }[] | undefined) ?? [];
    const cents =
      items.reduce((n, i) => n + Math.round(i.rate * 100) * i.qty, 0) +
      taxes.reduce((n, t) => n + Math.round(t.tax_amount * 100), 0) -
      Math.round(Number(doc.discount_amount ?? 0) * 100);
    const computed = cents / 100;
    return this.salesOrderTotal ? this.salesOrderTotal(computed) : computed;
  }
}

/** A lease on `key` until `seconds` from now; false while another holds it. */
function takeLease(leases: Map<string, number>, key: string, seconds: number): boolean {
  if (Number(leases.get(key) ?? 0) >= Date.now()) return false;
  leases.set(key, Date.now() + seconds * 1000);
  return true;
}

/**
 * Our state, with the claim semantics of the DynamoDB store (leases, conditional writes): orders,
 * customers, holds, product mappings, category ids, watermarks, the heartbeat.
 */
export class FakeState
  implements OrdersState, InventoryState, ProductMappings, CategoryState, MappingScan, FlowHeartbeat
{
  readonly orders = new Map<string, OrderRecord>();
  readonly customers = new Map<string, string>();
  readonly addresses = new Map<string, string>();
  readonly claims = new Map<string, number>();
  /** Leases on a buyer's Customer and Address (`customer:`, `address:`): every site's (StateStore). */
  readonly buyerClaims = new Map<string, number>();
  readonly holds = new Map<string, { skus: Record<string, number>; until: number }>();
  readonly mappings = new Map<string, ProductMapping>();
  readonly watermarks = new Map<string, string>();
  /** The Item Price behind each mapping (products). */
  readonly itemOfPrice = new Map<string, string>();
  /** Wix category ids by Item Group (categories). */
  readonly categoryIds = new Map<string, string>();
  readonly successes: string[] = [];

  async getOrder(orderId: string) {
    const record = this.orders.get(orderId);
    return record && { ...record };
  }

  async claimOrder(orderId: string, orderNumber: string, leaseSeconds: number) {
    const now = Date.now();
    const r = this.orders.get(orderId);
    const free =
      !r || (!r.canceled && ((r.state === "claimed" && Number(r.leaseUntil) < now) || r.state === "parked"));
    if (!free) return false;
    const at = new Date(now).toISOString();
    this.orders.set(orderId, {
      orderId,
      orderNumber,
      state: "claimed",
      claimedAt: at,
      updatedAt: at,
      leaseUntil: now + leaseSeconds * 1000,
    });
    return true;
  }

  async cancelBeforeCreate(orderId: string, orderNumber: string, parkedFor?: string) {
    const now = Date.now();
    const r = this.orders.get(orderId);
    const free =
      !r?.salesOrder && (!r || r.state === "parked" || (r.state === "claimed" && Number(r.leaseUntil) < now));
    if (!free) return false;
    const at = new Date(now).toISOString();
    this.orders.set(orderId, {
      claimedAt: at,
      ...r,
      orderId,
      orderNumber,
      state: "parked",
      canceled: true,
      cancelNote: "canceled in Wix before it reached ERPNext",
      parkedReason: "canceled in Wix before it reached ERPNext",
      leaseUntil: 0,
      updatedAt: at,
      ...(parkedFor ? { parkedFor } : {}),
    });
    return true;
  }

  async updateOrder(orderId: string, patch: Partial<OrderRecord>) {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const r = this.orders.get(orderId) ?? ({ orderId } as OrderRecord);
    this.orders.set(orderId, { ...r, ...defined, updatedAt: new Date().toISOString() });
  }

  async claim(key: string, leaseSeconds: number) {
    return takeLease(this.leasesOf(key), key, leaseSeconds);
  }

  async release(key: string) {
    this.leasesOf(key).delete(key);
  }

  private leasesOf(key: string) {
    return /^(customer|address):/.test(key) ? this.buyerClaims : this.claims;
  }

  /**
   * Another site's state over the same table: its own orders, claims and watermarks; this one's
   * customers, addresses and their leases (StateStore scopes every key but these to its site).
   */
  otherSite(): FakeState {
    return Object.assign(new FakeState(), {
      customers: this.customers,
      addresses: this.addresses,
      buyerClaims: this.buyerClaims,
    });
  }

  async getCustomer(key: string) {
    const customer = this.customers.get(key);
    return customer ? { key, customer } : undefined;
  }

  async putCustomer(record: CustomerRecord) {
    this.customers.set(record.key, record.customer);
  }

  async getAddress(key: string) {
    return this.addresses.get(key);
  }

  async putAddress(key: string, name: string) {
    this.addresses.set(key, name);
  }

  async holdPending(orderId: string, skus: Record<string, number>) {
    this.holds.set(orderId, { skus, until: Date.now() + 7 * 86400_000 });
  }

  async releasePending(orderId: string) {
    this.holds.delete(orderId);
  }

  async pendingHolds(now = Date.now()) {
    return [...this.holds]
      .filter(([, h]) => h.until > now)
      .map(([orderId, h]) => ({ orderId, skus: h.skus }));
  }

  async getMapping(itemCode: string) {
    return this.mappings.get(itemCode);
  }

  async getMappings(itemCodes: string[]) {
    return new Map(
      itemCodes.flatMap((c) => {
        const m = this.mappings.get(c);
        return m ? [[c, structuredClone(m)] as const] : [];
      }),
    );
  }

  async putMapping(mapping: ProductMapping) {
    this.mappings.set(mapping.itemCode, structuredClone(mapping));
  }

  async putMappings(rows: { mapping: ProductMapping; priceName?: string }[]) {
    for (const { mapping, priceName } of rows) {
      this.mappings.set(mapping.itemCode, structuredClone(mapping));
      if (priceName) this.itemOfPrice.set(priceName, mapping.itemCode);
    }
  }

  async itemForPrice(priceName: string) {
    return this.itemOfPrice.get(priceName);
  }

  async getCategoryId(group: string) {
    return this.categoryIds.get(group);
  }

  async putCategoryId(group: string, id: string) {
    this.categoryIds.set(group, id);
  }

  /** As the store (shared/store/repos/mappings.ts): the exact entry, else the product's only one. */
  async itemForProduct(productId: string, variantId?: string) {
    const rows = [...this.mappings.values()].filter((m) => m.productId === productId);
    return (
      rows.find((m) => (m.variantId ?? "") === (variantId ?? "")) ?? (rows.length === 1 ? rows[0] : undefined)
    )?.itemCode;
  }

  async itemsForProduct(productId: string) {
    return [...this.mappings.values()].filter((m) => m.productId === productId).map((m) => m.itemCode);
  }

  async forgetProduct(productId: string) {
    const codes = await this.itemsForProduct(productId);
    for (const code of codes) this.mappings.delete(code);
    return codes;
  }

  async updateMappingQuantity(itemCode: string, quantity: number, inventoryItemId: string) {
    const m = this.mappings.get(itemCode);
    if (m) this.mappings.set(itemCode, { ...m, quantity, inventoryItemId });
  }

  async getWatermark(name: string) {
    return this.watermarks.get(name);
  }

  /** Forward only, as the store's. */
  async advanceWatermark(name: string, value: string) {
    const current = this.watermarks.get(name);
    if (current !== undefined && current >= value) return false;
    this.watermarks.set(name, value);
    return true;
  }

  async getOrders(orderIds: string[]) {
    const found = orderIds.flatMap((id) => {
      const record = this.orders.get(id);
      return record ? [[id, structuredClone(record)] as const] : [];
    });
    return new Map(found);
  }

  async *allMappings(pageSize: number) {
    const all = [...this.mappings.values()];
    for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize);
  }

  async markSuccess(flow: string) {
    this.successes.push(flow);
  }
}

/**
 * Wix orders, their fulfillments and inventory items; bulk writes answer per item, as Wix does.
 */
export class FakeWix implements OrdersWix, InventoryWix, ShipmentsWix, BillingWix {
  readonly orders = new Map<string, WixOrder>();
  readonly inventory: WixInventoryItem[] = [];
  readonly writes: { kind: "update" | "create"; items: unknown[] }[] = [];
  /** Each order's payments and refunds. */
  readonly transactions = new Map<string, WixOrderTransactions>();
  /** Each order's fulfillments. */
  readonly fulfillments = new Map<string, WixFulfillment[]>();
  /** The order ids of each List Fulfillments For Multiple Orders call. */
  readonly listed: string[][] = [];
  /** The next create goes through, then answers as given. */
  failNextCreate?: Error;
  /** Runs once, after the next create is made and before its answer returns. */
  afterNextCreate?: () => Promise<void>;
  private serial = 0;

  /** The transactions of the orders that have any. */
  async orderTransactions(ids: string[]) {
    return new Map(
      ids.flatMap((id) => {
        const tx = this.transactions.get(id);
        return tx ? [[id, structuredClone(tx)] as const] : [];
      }),
    );
  }

  /** The order's fulfillments (the live list). */
  of(orderId: string): WixFulfillment[] {
    const list = this.fulfillments.get(orderId) ?? [];
    this.fulfillments.set(orderId, list);
    return list;
  }

  async orderFulfillments(ids: string[]) {
    this.listed.push(ids);
    return new Map(ids.map((id) => [id, structuredClone(this.of(id))]));
  }

  /** AlreadyExistsError for a tracking number the order already has, as Wix answers. */
  async createFulfillment(orderId: string, f: WixFulfillment) {
    const list = this.of(orderId);
    if (
      f.trackingInfo?.trackingNumber &&
      list.some((x) => x.trackingInfo?.trackingNumber === f.trackingInfo?.trackingNumber)
    )
      throw new AlreadyExistsError("TRACKING_NUMBER_ALREADY_EXISTS");
    const made = { ...structuredClone(f), id: `F-${++this.serial}` };
    list.push(made);
    const failure = this.failNextCreate;
    this.failNextCreate = undefined;
    if (failure) throw failure;
    const after = this.afterNextCreate;
    this.afterNextCreate = undefined;
    await after?.();
    return { fulfillmentId: made.id, fulfillments: list };
  }

  async updateFulfillment(orderId: string, f: WixFulfillment & { id: string }) {
    const current = this.of(orderId).find((x) => x.id === f.id);
    if (!current) throw new NotFoundError("gone");
    Object.assign(current, f);
    return this.of(orderId);
  }

  async deleteFulfillment(orderId: string, id: string) {
    const list = this.of(orderId);
    const i = list.findIndex((x) => x.id === id);
    if (i < 0) throw new NotFoundError("gone");
    list.splice(i, 1);
    return list;
  }

  async getOrder(id: string) {
    const order = this.orders.get(id);
    return order && structuredClone(order);
  }

  async searchOrders(since: string, cursor?: string) {
    const all = [...this.orders.values()]
      .filter((o) => o.updatedDate >= since)
      .sort((a, b) => a.updatedDate.localeCompare(b.updatedDate));
    const start = Number(cursor ?? 0);
    const page = all.slice(start, start + 2);
    return { orders: page, next: start + 2 < all.length ? String(start + 2) : undefined };
  }

  async inventoryBySku(skus: string[], locationId?: string) {
    return this.inventory.filter(
      (i) => skus.includes(i.product?.variantSku ?? "") && (!locationId || i.locationId === locationId),
    );
  }

  async bulkUpdateInventory(items: { id: string; revision: string; quantity: number }[]) {
    this.writes.push({ kind: "update", items });
    return this.bulk(
      items.map((u) => {
        const item = this.inventory.find((i) => i.id === u.id);
        if (!item || item.revision !== u.revision) return undefined;
        Object.assign(item, { quantity: u.quantity, revision: String(Number(item.revision) + 1) });
        return { ...item };
      }),
    );
  }

  async bulkCreateInventory(
    items: { productId: string; variantId: string; quantity: number; locationId?: string }[],
  ) {
    this.writes.push({ kind: "create", items });
    return this.bulk(
      items.map((c) => {
        const item: WixInventoryItem = { id: `inv-${++this.serial}`, revision: "1", ...c, product: {} };
        this.inventory.push(item);
        return item;
      }),
    );
  }

  private bulk(items: (WixInventoryItem | undefined)[]): BulkResponse<WixInventoryItem> {
    return {
      results: items.map((item, originalIndex) =>
        item
          ? { itemMetadata: { originalIndex, success: true }, item }
          : { itemMetadata: { originalIndex, success: false, error: { code: "REVISION_MISMATCH" } } },
      ),
      bulkActionMetadata: {
        totalSuccesses: items.filter(Boolean).length,
        totalFailures: items.filter((i) => !i).length,
        undetailedFailures: 0,
      },
    };
  }
}

/**
 * One order of the shared FakeWix, as the refunds flow's port reads it (List Transactions For Single
 * Order): `order`, `refunds` and `payments` are that order's in `wix`.
 */
export class FakeOrderWix implements RefundsWix {
  constructor(
    readonly wix = new FakeWix(),
    readonly orderId = "order-1",
  ) {}

  get order(): WixOrder {
    return this.wix.orders.get(this.orderId) as WixOrder;
  }
  set order(order: WixOrder) {
    this.wix.orders.set(this.orderId, order);
  }
  get refunds(): WixRefund[] {
    return this.transactions().refunds;
  }
  set refunds(refunds: WixRefund[]) {
    this.transactions().refunds = refunds;
  }
  get payments(): WixPayment[] {
    return this.transactions().payments;
  }
  set payments(payments: WixPayment[]) {
    this.transactions().payments = payments;
  }

  getOrder(id: string) {
    return this.wix.getOrder(id);
  }

  async orderTransactions(orderId: string) {
    const tx = (await this.wix.orderTransactions([orderId])).get(orderId);
    return { refunds: tx?.refunds ?? [], payments: tx?.payments ?? [] };
  }

  private transactions(): WixOrderTransactions {
    const tx = this.wix.transactions.get(this.orderId) ?? {
      orderId: this.orderId,
      payments: [],
      refunds: [],
    };
    this.wix.transactions.set(this.orderId, tx);
    return tx;
  }
}

/** The sync log: every entry written, one by one or in a batch. */
export class FakeLog {
  readonly entries: SyncLogEntry[] = [];
  async write(entry: SyncLogEntry) {
    this.entries.push(entry);
  }
  async writeAll(entries: SyncLogEntry[]) {
    this.entries.push(...entries);
  }
}

/** The work queues: what was sent, queue by queue. */
export class FakeQueue {
  readonly sent: { queue: string; messages: unknown[] }[] = [];

  async send(queue: string, messages: unknown[]): Promise<void> {
    this.sent.push({ queue, messages });
  }

  /** Every message sent to `queue`, in order. */
  to(queue: string): unknown[] {
    return this.sent.filter((s) => s.queue === queue).flatMap((s) => s.messages);
  }
}
