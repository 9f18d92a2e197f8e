import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CustomerRecord } from "../flows/orders/ports";
import type { OrderRecord, ProductMapping } from "../flows/records";
import { BillingRepository } from "./repos/billing";
import { CategoryRepository } from "./repos/categories";
import { CustomerRepository } from "./repos/customers";
import { HeartbeatRepository, type JobRun } from "./repos/heartbeats";
import { LeaseRepository } from "./repos/leases";
import { MappingRepository } from "./repos/mappings";
import { OrderRepository } from "./repos/orders";
import { PendingHoldRepository } from "./repos/pending-holds";
import { RefundRepository } from "./repos/refunds";
import { ReportRepository } from "./repos/reports";
import { ShipmentRepository } from "./repos/shipments";
import { WatermarkRepository } from "./repos/watermarks";
import { StateTable } from "./state-table";

export type { CustomerRecord, JobRun, OrderRecord, ProductMapping };

/** Lease names of the shared records (`customer:<key>`, `address:<key>`). */
const SHARED_LEASE = /^(customer|address):/;

/**
 * The state table (mappings, order claims, customers, watermarks, heartbeats...), one repository
 * per entity over one keys module (keys.ts); all writes single-item. This facade keeps the flows'
 * methods; new code can take just the repository it needs (`state.orders`, `state.mappings`...).
 */
export class StateStore {
  readonly mappings: MappingRepository;
  readonly categories: CategoryRepository;
  readonly orders: OrderRepository;
  readonly holds: PendingHoldRepository;
  readonly customers: CustomerRepository;
  readonly leases: LeaseRepository;
  /** Leases on what every site shares (see `claim`). */
  private readonly sharedLeases: LeaseRepository;
  readonly watermarks: WatermarkRepository;
  readonly heartbeats: HeartbeatRepository;
  readonly reports: ReportRepository;
  readonly shipments: ShipmentRepository;
  readonly refunds: RefundRepository;
  readonly billing: BillingRepository;

  /**
   * `site`: every record is that site's (StateTable prefixes its keys), except customers and
   * addresses: one buyer on two sites is one ERPNext Customer. `testMode`: watermarks stay where
   * they are (WatermarkRepository).
   */
  constructor(
    db: DynamoDBDocumentClient,
    table: string,
    options: { testMode?: boolean; site?: string } = {},
  ) {
    const t = new StateTable(db, table, options.site);
    this.mappings = new MappingRepository(t);
    this.categories = new CategoryRepository(t);
    this.orders = new OrderRepository(t);
    this.holds = new PendingHoldRepository(t);
    this.customers = new CustomerRepository(t.forSite());
    this.leases = new LeaseRepository(t);
    this.sharedLeases = new LeaseRepository(t.forSite());
    this.watermarks = new WatermarkRepository(t, options.testMode);
    this.heartbeats = new HeartbeatRepository(t);
    this.reports = new ReportRepository(t);
    this.shipments = new ShipmentRepository(t);
    this.refunds = new RefundRepository(t);
    this.billing = new BillingRepository(t);
  }

  // --- product mappings ----------------------------------------------------------------------

  getMapping(itemCode: string): Promise<ProductMapping | undefined> {
    return this.mappings.get(itemCode);
  }

  getMappings(itemCodes: string[]): Promise<Map<string, ProductMapping>> {
    return this.mappings.getMany(itemCodes);
  }

  /** Writes the mapping and its reverse (product/variant -> item) entry. */
  putMapping(mapping: ProductMapping): Promise<void> {
    return this.mappings.putMany([{ mapping }]);
  }

  /** Writes mappings with their reverse entries and, when given, the Item Price they were priced from. */
  putMappings(rows: { mapping: ProductMapping; priceName?: string }[]): Promise<void> {
    return this.mappings.putMany(rows);
  }

  updateMappingQuantity(itemCode: string, quantity: number, inventoryItemId: string): Promise<void> {
    return this.mappings.updateQuantity(itemCode, quantity, inventoryItemId);
  }

  /** Item code for a Wix product (and variant), when the SKU is missing on an order line. */
  itemForProduct(productId: string, variantId?: string): Promise<string | undefined> {
    return this.mappings.itemForProduct(productId, variantId);
  }

  /** Every item mapped to a Wix product (its variants' too). */
  itemsForProduct(productId: string): Promise<string[]> {
    return this.mappings.itemsForProduct(productId);
  }

  /** Forgets a product deleted in Wix; the item codes whose mapping named it. */
  forgetProduct(productId: string): Promise<string[]> {
    return this.mappings.forgetProduct(productId);
  }

  /** Every mapping, page by page. */
  allMappings(pageSize = 1000): AsyncGenerator<ProductMapping[]> {
    return this.mappings.all(pageSize);
  }

  /** Which item an Item Price belongs to (recorded by putMappings). */
  itemForPrice(priceName: string): Promise<string | undefined> {
    return this.mappings.itemForPrice(priceName);
  }

  /** The Wix category id for an item group, once known. */
  getCategoryId(group: string): Promise<string | undefined> {
    return this.categories.get(group);
  }

  putCategoryId(group: string, id: string): Promise<void> {
    return this.categories.put(group, id);
  }

  // --- watermarks ----------------------------------------------------------------------------

  getWatermark(name: string): Promise<string | undefined> {
    return this.watermarks.get(name);
  }

  /** Moves a watermark forward only: a late, slower run never moves it back. */
  advanceWatermark(name: string, value: string): Promise<boolean> {
    return this.watermarks.advance(name, value);
  }

  setWatermark(name: string, value: string): Promise<void> {
    return this.watermarks.set(name, value);
  }

  // --- pending holds (the oversell guard) ----------------------------------------------------

  /** Wix quantities of an order ERPNext has not reserved yet; they lapse after `days`. */
  holdPending(orderId: string, skus: Record<string, number>, days = 7): Promise<void> {
    return this.holds.hold(orderId, skus, days);
  }

  releasePending(orderId: string): Promise<void> {
    return this.holds.release(orderId);
  }

  pendingHolds(now = Date.now()): Promise<{ orderId: string; skus: Record<string, number> }[]> {
    return this.holds.live(now);
  }

  // --- reports and heartbeats (health) -------------------------------------------------------

  /** Keeps a report (the weekly one) next to the state it describes. */
  saveReport(kind: string, at: string, report: unknown): Promise<void> {
    return this.reports.save(kind, at, report);
  }

  markSuccess(flow: string, at = new Date()): Promise<void> {
    return this.heartbeats.markSuccess(flow, at);
  }

  lastSuccesses(): Promise<Record<string, string>> {
    return this.heartbeats.lastSuccesses();
  }

  /** The last run of each scheduled job: a job that keeps failing shows in health. */
  recordJobRun(job: string, run: JobRun): Promise<void> {
    return this.heartbeats.recordJobRun(job, run);
  }

  jobRuns(): Promise<Record<string, JobRun>> {
    return this.heartbeats.jobRuns();
  }

  // --- orders, customers, addresses, leases --------------------------------------------------

  getOrder(orderId: string): Promise<OrderRecord | undefined> {
    return this.orders.get(orderId);
  }

  /** Records of many orders in batches (the order poll), by order id. */
  getOrders(orderIds: string[]): Promise<Map<string, OrderRecord>> {
    return this.orders.getMany(orderIds);
  }

  /** Claims a Wix order for creation; false when another delivery already holds it. */
  claimOrder(orderId: string, orderNumber: string, leaseSeconds: number): Promise<boolean> {
    return this.orders.claim(orderId, orderNumber, leaseSeconds);
  }

  /** Records an order as canceled before any Sales Order was made; false when a creation holds it. */
  cancelBeforeCreate(orderId: string, orderNumber: string, parkedFor?: string): Promise<boolean> {
    return this.orders.cancelBeforeCreate(orderId, orderNumber, parkedFor);
  }

  updateOrder(orderId: string, patch: Partial<OrderRecord>): Promise<void> {
    return this.orders.update(orderId, patch);
  }

  /** A short lease on a key (single-item conditional write); false while someone else holds it. */
  claim(key: string, leaseSeconds: number): Promise<boolean> {
    return this.leasesFor(key).claim(key, leaseSeconds);
  }

  release(key: string): Promise<void> {
    return this.leasesFor(key).release(key);
  }

  /**
   * Customers and addresses are every site's (one buyer on two sites is one Customer), so the
   * leases that make each once (orders/customers.ts, orders/addresses.ts) must be too: two sites'
   * first orders of one new buyer meet at one lease, not one each.
   */
  private leasesFor(key: string): LeaseRepository {
    return SHARED_LEASE.test(key) ? this.sharedLeases : this.leases;
  }

  /** ERPNext Address names by a hash of their content, so an address is created once. */
  getAddress(key: string): Promise<string | undefined> {
    return this.customers.getAddress(key);
  }

  putAddress(key: string, name: string): Promise<void> {
    return this.customers.putAddress(key, name);
  }

  getCustomer(key: string): Promise<CustomerRecord | undefined> {
    return this.customers.getCustomer(key);
  }

  putCustomer(record: CustomerRecord): Promise<void> {
    return this.customers.putCustomer(record);
  }
}
