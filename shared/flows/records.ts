/**
 * The records several flows share (the orders flow's record of a Wix order, an item's Wix product
 * mapping) and the sync log entry every flow writes. Flow-level: the store implements the flows'
 * ports with them.
 */

export type Outcome =
  | "created"
  | "updated"
  | "linked"
  | "hidden"
  | "skipped"
  | "failed"
  | "parked"
  | "ignored";

/** One outcome in the sync log; `F` is the flow's name (the log is kept per flow). */
export interface SyncLogEntry<F extends string = string> {
  flow: F;
  /** What the entry is about: an item code, a Wix order id... */
  key: string;
  outcome: Outcome;
  reason?: string;
  /** Time from the triggering change to the effect, when known. */
  latencyMs?: number;
  details?: Record<string, unknown>;
  at?: string;
}

/** The sync log: one entry per item (or order) and outcome. */
export interface OutcomeLog {
  writeAll(entries: SyncLogEntry[]): Promise<void>;
}

/** Exactly-once bookkeeping for one Wix order. */
export interface OrderRecord {
  orderId: string;
  orderNumber: string;
  state: "claimed" | "created" | "parked";
  salesOrder?: string;
  customer?: string;
  paymentEntry?: string;
  canceled?: boolean;
  cancelNote?: string;
  lastSequence?: number;
  claimedAt: string;
  updatedAt: string;
  /** Epoch ms until which a claim is held; 0 releases it. */
  leaseUntil?: number;
  /** A cancellation met a creation in progress: the creator cancels what it made. */
  cancelRequested?: boolean;
  /** The Wix `updatedDate` the order was parked at: the poll does not park it again until it changes. */
  parkedFor?: string;
  /**
   * Why it is parked, kept with the order itself: the DLQ message saying so may be redriven,
   * held by a concurrent reader or lost with a killed process (the audit reads this first).
   */
  parkedReason?: string;
}

/**
 * Why a parked order is parked; a record parked before `parkedReason` existed kept it in
 * `cancelNote`.
 */
export function parkReason(record: OrderRecord | undefined): string | undefined {
  return record?.state === "parked" ? (record.parkedReason ?? record.cancelNote) : undefined;
}

/** What we know about an ERPNext item in Wix. */
export interface ProductMapping {
  itemCode: string;
  productId: string;
  variantId?: string;
  revision?: string;
  /** Hash of the product content last pushed: an equal hash means no API call. */
  hash?: string;
  hidden?: boolean;
  /**
   * Our image URL last sent to Wix. Wix copies an image added by URL and answers its own copy's
   * URL, so its answer cannot tell whether our image changed: an update sends the image only when
   * this differs (publish.ts toUpdate), never on a price change, and the merchant's own images stay.
   */
  image?: string;
  /** For a variant: its template's item code (the Wix product is the template's). */
  variantOf?: string;
  /** The ERPNext item group, and the Wix category it was last filed under (the category job). */
  itemGroup?: string;
  category?: string;

  /** Last quantity pushed to Wix, and the inventory item that holds it. */

  quantity?: number;
  inventoryItemId?: string;
  /**
   * Made (or re-linked) on a Catalog V1 site: its ids are V1's. Absent: Catalog V3 (every mapping
   * made before V1 sites were synced). Re-linked by SKU once the site runs V3 (catalog-version.ts).
   */
  catalog?: "V1";
  createdAt: string;
  updatedAt: string;
}

/** Every mapping, page by page: the category job's and the inventory reconcile's scan. */
export interface MappingScan {
  allMappings(pageSize: number): AsyncIterable<ProductMapping[]>;
}
