import type { AmendmentsState } from "#shared/flows/amendments";
import type { ErpnextDocuments } from "#shared/flows/erpnext-documents";
/**
 * What the billing flow needs from ERPNext, Wix and our state, and nothing more. The adapters
 * (ErpnextClient, WixClient, StateStore) satisfy these structurally; the unit tests use in-memory
 * fakes. Failures arrive as domain conditions (shared/errors.ts), never as HTTP statuses.
 */
import type { OrderRecord, SyncLogEntry } from "../records";
import type { WixOrder, WixOrderTransactions } from "../wix-orders";

/** A Frappe list filter: `[field, operator, value]`. */
export type DocFilter = [string, string, unknown];

/** Sales Order (read), Sales Invoice and Payment Entry (read and written), the invoice mapper. */
export type BillingErpnext = Pick<ErpnextDocuments, "get" | "list" | "insert" | "update" | "call">;

/** The order and its transactions, re-read on every message: Wix is the truth. */
export interface BillingWix {
  getOrder(id: string): Promise<WixOrder | undefined>;
  orderTransactions(orderIds: string[]): Promise<Map<string, WixOrderTransactions>>;
}

/** Invoice and payment records (shared/store/repos/billing.ts). */
export interface BillingRecords {
  getInvoice(orderId: string): Promise<InvoiceRecord | undefined>;
  /** False while another delivery holds the claim or the invoice is made. */
  claimInvoice(orderId: string, leaseSeconds: number): Promise<boolean>;
  recordInvoice(orderId: string, salesInvoice: string): Promise<void>;
  releaseInvoice(orderId: string): Promise<void>;
  getPayment(transactionId: string): Promise<PaymentRecord | undefined>;
  recordPayment(record: PaymentRecord): Promise<void>;
}

export interface BillingState extends AmendmentsState {
  billing: BillingRecords;
  /** The orders flow's record: the Sales Order and customer of a Wix order. */
  getOrder(orderId: string): Promise<OrderRecord | undefined>;
  /** A short lease on a key; false while someone else holds it. */
  claim(key: string, leaseSeconds: number): Promise<boolean>;
  release(key: string): Promise<void>;
  markSuccess(flow: string): Promise<void>;
}

export interface BillingLog {
  write(entry: SyncLogEntry): Promise<void>;
}

export interface BillingSettings {
  invoiceOn: "payment" | "fulfilment" | "order" | "never";
  /** Bank / Cash account per payment method key (accounts.ts); `paymentAccount` for the rest. */
  paymentAccounts: Record<string, string>;
  paymentAccount?: string;
  company?: string;
  /** ORDER_SUBMIT: with draft Sales Orders nothing is invoiced or paid. */
  submit: boolean;
}

export interface BillingDeps {
  erpnext: BillingErpnext;
  wix: BillingWix;
  state: BillingState;
  log: BillingLog;
  settings: BillingSettings;
}

/** The Sales Invoice of one Wix order: claimed by one delivery, then created exactly once. */
export interface InvoiceRecord {
  orderId: string;
  state: "claimed" | "created";
  salesInvoice?: string;
  /** Epoch ms until which a claim is held; 0 releases it. */
  leaseUntil: number;
  updatedAt: string;
}

/** What became of one Wix payment transaction: its Payment Entry, or why it needs none. */
export interface PaymentRecord {
  transactionId: string;
  orderId: string;
  paymentEntry?: string;
  /** Booked without a Payment Entry: nothing was outstanding when it came. */
  skipped?: string;
  amount: number;
  account?: string;
  updatedAt: string;
}
