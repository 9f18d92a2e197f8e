import type { AmendmentsState } from "#shared/flows/amendments";
import type { ErpnextDocuments } from "#shared/flows/erpnext-documents";
/**
 * What the shipments flow needs from ERPNext, Wix and our state. The adapters (ErpnextClient,
 * WixClient, StateStore) satisfy these structurally; the unit tests use in-memory fakes. Failures
 * arrive as domain conditions (shared/errors.ts): NotFoundError, AlreadyExistsError...
 */
import type { OrderRecord } from "../../store/repos/orders";
import type { ShipmentRepository } from "../../store/repos/shipments";
import type { SyncLogEntry } from "../../store/sync-log";
import type { WixFulfillment } from "../../wix/fulfillment-types";
import type { WixOrder } from "../../wix/types";

export type ShipmentsErpnext = Pick<
  ErpnextDocuments,
  "find" | "get" | "list" | "insert" | "update" | "mapDocument"
>;

export interface ShipmentsWix {
  getOrder(id: string): Promise<WixOrder | undefined>;
  orderFulfillments(orderIds: string[]): Promise<Map<string, WixFulfillment[]>>;
  /** AlreadyExistsError: the order already has this tracking number. */
  createFulfillment(
    orderId: string,
    fulfillment: WixFulfillment,
  ): Promise<{ fulfillmentId: string; fulfillments: WixFulfillment[] }>;
  updateFulfillment(orderId: string, fulfillment: WixFulfillment & { id: string }): Promise<WixFulfillment[]>;
  /** NotFoundError when it is already gone. */
  deleteFulfillment(orderId: string, fulfillmentId: string): Promise<WixFulfillment[]>;
}

export type ShipmentsRepository = Pick<
  ShipmentRepository,
  | "get"
  | "claim"
  | "put"
  | "putIfAbsent"
  | "release"
  | "links"
  | "claimLink"
  | "putLink"
  | "releaseLink"
  | "orderOfSalesOrder"
  | "putSalesOrder"
>;

export interface ShipmentsState extends AmendmentsState {
  shipments: ShipmentsRepository;
  /** A short lease on a key (one holder at a time); false while someone else holds it. */
  claim(key: string, leaseSeconds: number): Promise<boolean>;
  release(key: string): Promise<void>;
  /** The orders flow's record of a Wix order (its Sales Order). */
  getOrder(orderId: string): Promise<OrderRecord | undefined>;
  itemForProduct(productId: string, variantId?: string): Promise<string | undefined>;
}

export interface ShipmentsLog {
  write(entry: SyncLogEntry): Promise<void>;
}

export interface ShipmentSettings {
  source: "erpnext" | "wix";
  warehouse?: string;
}

export interface ShipmentDeps {
  erpnext: ShipmentsErpnext;
  wix: ShipmentsWix;
  state: ShipmentsState;
  log: ShipmentsLog;
  settings: ShipmentSettings;
  /**
   * A submitted Delivery Note of this Wix order now exists in both systems: sent to the billing
   * flow, which invoices once the order is fully delivered (INVOICE_ON=fulfilment).
   */
  onDelivered?: (orderId: string) => Promise<void>;
}

/** A Delivery Note as the flow reads it (Custom Fields `wix_*` from setup; transporter fields as fallback). */
export interface DeliveryNoteDoc {
  name: string;
  docstatus: number;
  is_return?: number;
  customer?: string;
  modified?: string;
  items: DeliveryNoteItem[];
  wix_fulfillment_id?: string;
  wix_tracking_number?: string;
  wix_carrier?: string;
  wix_tracking_link?: string;
  lr_no?: string;
  transporter_name?: string;
}

export interface DeliveryNoteItem {
  item_code: string;
  qty: number;
  so_detail?: string;
  against_sales_order?: string;
  warehouse?: string;
  idx?: number;
  [field: string]: unknown;
}

export interface SalesOrderDoc {
  name: string;
  docstatus: number;
  items: { name: string; item_code: string; qty: number; idx?: number }[];
  wix_order_id?: string;
  po_no?: string;
  /** The cancelled Sales Order this one amends (Frappe's Amend). */
  amended_from?: string;
}
