/**
 * Every partition and sort key of the state and sync-log tables, in one place (tables.ts has the
 * layouts). These strings are stored: changing one orphans what is already written.
 */
export interface Key {
  pk: string;
  sk: string;
}

/** Sort key of every product mapping: the reconcile scan filters on it. */
export const MAPPING_SK = "MAP";

export const keys = {
  /** An ERPNext item's mapping to its Wix product (and variant). */
  mapping: (itemCode: string): Key => ({ pk: `ITEM#${itemCode}`, sk: MAPPING_SK }),
  /** Reverse index: a Wix product's partition holds one entry per variant ("-" for none). */
  productPartition: (productId: string): string => `PRODUCT#${productId}`,
  productVariantSk: (variantId: string | undefined): string => `VARIANT#${variantId ?? "-"}`,
  product: (productId: string, variantId?: string): Key => ({
    pk: keys.productPartition(productId),
    sk: keys.productVariantSk(variantId),
  }),
  /** Which item an ERPNext Item Price belongs to. */
  price: (priceName: string): Key => ({ pk: `PRICE#${priceName}`, sk: "PRICE" }),
  /** The Wix category id of an ERPNext item group. */
  category: (group: string): Key => ({ pk: `CATEGORY#${group}`, sk: "CATEGORY" }),

  /** Exactly-once bookkeeping of a Wix order. */
  order: (orderId: string): Key => ({ pk: `ORDER#${orderId}`, sk: "ORDER" }),
  /** The Wix order of an ERPNext Sales Order (the orders flow's record, the other way round). */
  salesOrder: (salesOrder: string): Key => ({ pk: `SALESORDER#${salesOrder}`, sk: "SALESORDER" }),
  /**
   * Exactly-once bookkeeping of an ERPNext Delivery Note and its Wix fulfillment; `part` is the
   * Sales Order of a note's second and later orders (a note may join several), each its own record.
   */
  shipment: (deliveryNote: string, part?: string): Key => ({
    pk: `SHIPMENT#${deliveryNote}${part ? `#${part}` : ""}`,
    sk: "SHIPMENT",
  }),
  /** A Wix order's fulfillments we map, one item per fulfillment id (listed per order). */
  fulfillmentPartition: (orderId: string): string => `FULFILLMENTS#${orderId}`,
  fulfillment: (orderId: string, fulfillmentId: string): Key => ({
    pk: keys.fulfillmentPartition(orderId),
    sk: fulfillmentId,
  }),
  /** Exactly-once bookkeeping of a Wix refund (its Credit Note and Payment Entry). */
  refund: (refundId: string): Key => ({ pk: `REFUND#${refundId}`, sk: "REFUND" }),
  /** A Wix order's restock into ERPNext, parked once per Wix order version. */
  refundRestock: (orderId: string): Key => ({ pk: `ORDER#${orderId}`, sk: "RESTOCK" }),
  /** The Sales Invoice of a Wix order (the billing flow), next to the order's record. */
  invoice: (orderId: string): Key => ({ pk: `ORDER#${orderId}`, sk: "INVOICE" }),
  /** The Payment Entry of one Wix payment transaction (its id is Wix's `payment.id`). */
  payment: (transactionId: string): Key => ({ pk: `WIXPAYMENT#${transactionId}`, sk: "PAYMENT" }),
  /** Quantities of an order not yet reserved in ERPNext (the oversell guard). */
  pendingPartition: "PENDING",
  pending: (orderId: string): Key => ({ pk: keys.pendingPartition, sk: orderId }),
  /** ERPNext Customer and Address names by a hash of their content. */
  customer: (key: string): Key => ({ pk: `CUSTOMER#${key}`, sk: "CUSTOMER" }),
  address: (key: string): Key => ({ pk: `ADDRESS#${key}`, sk: "ADDRESS" }),
  /** A short lease on a name. */
  lease: (key: string): Key => ({ pk: `CLAIM#${key}`, sk: "CLAIM" }),

  /** How far a job has read a source; the sort key is the watermark's name. */
  watermarkPartition: "WATERMARK",
  watermark: (name: string): Key => ({ pk: keys.watermarkPartition, sk: name }),
  /** A flow's last success (health); the sort key is the flow. */
  lastSuccessPartition: "LAST_SUCCESS",
  lastSuccess: (flow: string): Key => ({ pk: keys.lastSuccessPartition, sk: flow }),
  /** A scheduled job's last run (health); the sort key is the job. */
  jobRunPartition: "JOB_RUN",
  jobRun: (job: string): Key => ({ pk: keys.jobRunPartition, sk: job }),
  /** A saved report, by kind and time. */
  report: (kind: string, at: string): Key => ({ pk: "REPORT", sk: `${kind}#${at}` }),

  /** Sync log (its own table): one partition per flow and UTC day; the sort key starts with the time. */
  syncLogPartition: (flow: string, day: Date | string): string =>
    `${flow}#${(typeof day === "string" ? day : day.toISOString()).slice(0, 10)}`,
  syncLogEntry: (flow: string, at: string, unique: string): Key => ({
    pk: keys.syncLogPartition(flow, at),
    sk: `${at}#${unique}`,
  }),
} as const;
