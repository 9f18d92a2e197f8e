import type { ErpnextDocuments } from "#shared/flows/erpnext-documents";
/**
 * What the orders flow needs from ERPNext, Wix and our state, and nothing more. The adapters
 * (ErpnextClient, WixClient, StateStore) satisfy these structurally; the unit tests use in-memory
 * fakes. Failures arrive as domain conditions (shared/errors.ts), never as HTTP statuses.
 */
import type { OrderRecord, ProductMapping, SyncLogEntry } from "../records";
import type { WixOrder } from "../wix-orders";
import type { OrderSettings } from "./mapping";

/** A Frappe list filter: `[field, operator, value]`. */
export type { DocFilter } from "#shared/flows/erpnext-documents";

/**
 * ERPNext documents as Frappe's REST resources: Sales Order, Customer, Address, Payment Entry
 * (read and written), Company, Country, Item and Sales Invoice (read); a Sales Order closed.
 */
export type OrdersErpnext = Pick<
  ErpnextDocuments,
  "get" | "find" | "list" | "listAll" | "insert" | "update" | "delete" | "call"
>;

/** The Wix order, re-read on every message: it is the truth. */
export interface OrdersWix {
  getOrder(id: string): Promise<WixOrder | undefined>;
}

/** Our order bookkeeping: claims, records, customers, addresses, stock holds. */
export interface OrdersState {
  getOrder(orderId: string): Promise<OrderRecord | undefined>;
  /** False while another delivery holds the order. */
  claimOrder(orderId: string, orderNumber: string, leaseSeconds: number): Promise<boolean>;
  /** False when a creation is in progress or done. */
  cancelBeforeCreate(orderId: string, orderNumber: string, parkedFor?: string): Promise<boolean>;
  updateOrder(orderId: string, patch: Partial<OrderRecord>): Promise<void>;
  /** A short lease on a key; false while someone else holds it. */
  claim(key: string, leaseSeconds: number): Promise<boolean>;
  release(key: string): Promise<void>;
  getCustomer(key: string): Promise<CustomerRecord | undefined>;
  putCustomer(record: CustomerRecord): Promise<void>;
  getAddress(key: string): Promise<string | undefined>;
  putAddress(key: string, name: string): Promise<void>;
  /** Stock Wix sold that ERPNext has not reserved yet (read by the inventory oversell guard). */
  holdPending(orderId: string, skus: Record<string, number>): Promise<void>;
  releasePending(orderId: string): Promise<void>;
  getMapping(itemCode: string): Promise<ProductMapping | undefined>;
  itemForProduct(productId: string, variantId?: string): Promise<string | undefined>;
}

export interface OrdersLog {
  write(entry: SyncLogEntry): Promise<void>;
}

export interface OrderSyncSettings extends OrderSettings {
  /** The Wix site these orders are from: recorded on their Sales Orders and new Customers (`wix_site`). */
  site: string;
  customerGroup: string;
  territory: string;
  paymentAccount?: string;
  createOn: "approved" | "created";
  /** Set the Sales Order's Wix fields (WRITE_STATUS_TO_ERPNEXT), with the site's dashboard id. */
  wixFields?: { siteId?: string };
}

export interface OrderSyncDeps {
  erpnext: OrdersErpnext;
  wix: OrdersWix;
  state: OrdersState;
  log: OrdersLog;
  settings: OrderSyncSettings;
  /** An order with a submitted Sales Order to invoice or pay: sent to the billing flow. */
  onBillable?: (order: WixOrder) => Promise<void>;
}

export interface CustomerRecord {
  key: string;
  customer: string;
}
