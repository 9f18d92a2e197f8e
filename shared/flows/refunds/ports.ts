import type { AmendmentsState } from "#shared/flows/amendments";
import type { ErpnextDocuments } from "#shared/flows/erpnext-documents";
/**
 * What the refunds flow needs from ERPNext, Wix, the billing flow and our state. The adapters
 * satisfy these structurally; the unit tests use in-memory fakes. Failures arrive as the domain
 * conditions of shared/errors.ts.
 */
import type { SyncLogEntry } from "../records";
import type { WixOrder, WixPayment } from "../wix-orders";
import type { WixRefund } from "./mapping";

export type RefundsErpnext = Pick<ErpnextDocuments, "get" | "list" | "insert" | "update" | "call">;

/** The order line fields the restock reads (`restockQuantity`: Wix's running total). */
export type RefundsOrder = WixOrder & {
  lineItems: (WixOrder["lineItems"][number] & { restockQuantity?: number | null })[];
};

export interface RefundsWix {
  getOrder(id: string): Promise<RefundsOrder | undefined>;
  /** The order's refunds and the payments they pay back (List Transactions For Single Order). */
  orderTransactions(orderId: string): Promise<{ refunds: WixRefund[]; payments: WixPayment[] }>;
}

/** The billing flow's invoice of an order: made now when there is none (invoice-then-credit). */
export interface RefundsInvoices {
  /**
   * Undefined when the shop does not invoice (`INVOICE_ON=never`), or when there is none yet and
   * `make` is false (an order that is not sold is not invoiced for its refund).
   */
  invoiceFor(orderId: string, opts: { make: boolean }): Promise<{ name: string } | undefined>;
}

export interface RefundsState extends AmendmentsState {
  /** The Sales Order and customer the orders flow made for a Wix order. */
  getOrder(
    orderId: string,
  ): Promise<{ salesOrder?: string; customer?: string; canceled?: boolean } | undefined>;
  refunds: {
    getMany(refundIds: string[]): Promise<Map<string, RefundRecord>>;
    start(refundId: string, orderId: string): Promise<boolean>;
    update(refundId: string, patch: Partial<RefundRecord>): Promise<void>;
    getRestock(orderId: string): Promise<RestockRecord | undefined>;
    putRestock(record: Omit<RestockRecord, "updatedAt">): Promise<void>;
  };
  /** A short lease on a key; false while someone else holds it. */
  claim(key: string, leaseSeconds: number): Promise<boolean>;
  release(key: string): Promise<void>;
  markSuccess(flow: string): Promise<void>;
}

export interface RefundsLog {
  write(entry: SyncLogEntry): Promise<void>;
}

export interface RefundSettings {
  company?: string;
  /** Bank or cash account the refunds are paid from, when the refunded payment names none. */
  paymentAccount?: string;
  /**
   * The account a payment came into (ERPNEXT_PAYMENT_ACCOUNTS, the billing flow's rule): its
   * refund goes out of the same one, so each account's balance ends right.
   */
  paymentAccountFor?: (payment: WixPayment) => string | undefined;
  /** Where restocked goods go back (ERPNEXT_RETURN_WAREHOUSE). */
  returnWarehouse?: string;
}

export interface RefundSyncDeps {
  erpnext: RefundsErpnext;
  wix: RefundsWix;
  invoices: RefundsInvoices;
  state: RefundsState;
  log: RefundsLog;
  settings: RefundSettings;
  /** Refunds of a canceled order were booked: the orders flow finishes its cancel (it waits for them). */
  onCanceledRefunded?: (orderId: string) => Promise<void>;
  /** Waits between lease attempts (tests pass a no-op). */
  pause?: (ms: number) => Promise<void>;
}

/** Exactly-once bookkeeping for one Wix refund: what it became in ERPNext, or why it was not booked. */
export interface RefundRecord {
  refundId: string;
  orderId: string;
  /** `booking` until both documents exist; `parked` when it cannot be booked (see `reason`). */
  state: "booking" | "booked" | "parked" | "failed";
  amount?: number;
  creditNote?: string;
  paymentEntry?: string;
  reason?: string;
  /** The Wix order `updatedDate` it was parked at: the same version does not park again. */
  parkedFor?: string;
  updatedAt: string;
}

/** The restock of one order, when it could not be done (no Delivery Note to return against). */
export interface RestockRecord {
  orderId: string;
  reason?: string;
  parkedFor?: string;
  updatedAt: string;
}
