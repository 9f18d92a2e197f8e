import type { AmendmentsState } from "#shared/flows/amendments";
import type { ErpnextDocuments } from "#shared/flows/erpnext-documents";
/**
 * What the shipments flow needs from ERPNext, Wix and our state. The adapters (ErpnextClient,
 * WixClient, StateStore) satisfy these structurally; the unit tests use in-memory fakes. Failures
 * arrive as domain conditions (shared/errors.ts): NotFoundError, AlreadyExistsError...
 */
import type { OrderRecord, SyncLogEntry } from "../records";
import type { WixFulfillment } from "../wix-fulfillments";
import type { WixOrder } from "../wix-orders";

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

/** Shipments both ways (StateStore's ShipmentRepository implements it). */
export interface ShipmentsRepository {
  get(deliveryNote: string, part?: string): Promise<ShipmentRecord | undefined>;
  /** False while another delivery holds a live claim or the fulfillment is made. */
  claim(deliveryNote: string, orderId: string, leaseSeconds: number, part?: string): Promise<boolean>;
  put(record: Omit<ShipmentRecord, "updatedAt">): Promise<void>;
  /** False when the note already has a record. */
  putIfAbsent(record: Omit<ShipmentRecord, "updatedAt">): Promise<boolean>;
  release(deliveryNote: string, part?: string): Promise<void>;
  /** Every fulfillment of a Wix order we map. */
  links(orderId: string): Promise<FulfillmentLink[]>;
  /** False while held or done. */
  claimLink(orderId: string, fulfillmentId: string, leaseSeconds: number): Promise<boolean>;
  putLink(link: Omit<FulfillmentLink, "updatedAt">): Promise<void>;
  releaseLink(orderId: string, fulfillmentId: string): Promise<void>;
  /** The Wix order a Sales Order was made from. */
  orderOfSalesOrder(salesOrder: string): Promise<string | undefined>;
  putSalesOrder(salesOrder: string, orderId: string): Promise<void>;
}

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
  /** The Wix site these shipments are for: it pushes the Delivery Notes of its own Sales Orders only. */
  site: string;
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
  /** The Wix site that made it (shared/flows/site-field.ts). */
  wix_site?: string;
  po_no?: string;
  /** The cancelled Sales Order this one amends (Frappe's Amend). */
  amended_from?: string;
}

/** Exactly-once bookkeeping of one ERPNext Delivery Note pushed to Wix as a fulfillment. */
export interface ShipmentRecord {
  deliveryNote: string;
  orderId: string;
  salesOrder?: string;
  /**
   * Set on the records of a note's second and later Sales Orders (ERPNext joins several orders of
   * one customer into one note: one fulfillment each): keyed by note and Sales Order. The first
   * order's record is keyed by the note alone, as every record was before notes were split.
   */
  part?: string;
  /** `claimed`: a delivery is creating the fulfillment; `created`: it exists; `deleted`: the note was cancelled. */
  state: "claimed" | "created" | "deleted";
  fulfillmentId?: string;
  /** The tracking last sent (JSON), to see an edit. */
  tracking?: string;
  /** Epoch ms until which a claim is held; 0 releases it. */
  leaseUntil?: number;
  updatedAt: string;
}

/**
 * One Wix fulfillment and the Delivery Note it maps to, listed per order (both directions write
 * it): `claimed` while a delivery makes its Delivery Note (FULFILMENT_SOURCE=wix), `linked` once
 * mapped, `cancelled` once the fulfillment is gone and its note cancelled.
 */
export interface FulfillmentLink {
  orderId: string;
  fulfillmentId: string;
  deliveryNote?: string;
  state: "claimed" | "linked" | "cancelled";
  tracking?: string;
  leaseUntil?: number;
  updatedAt: string;
}
