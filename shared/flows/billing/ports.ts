import type { AmendmentsState } from "#shared/flows/amendments";
import type { ErpnextDocuments } from "#shared/flows/erpnext-documents";
/**
 * What the billing flow needs from ERPNext, Wix and our state, and nothing more. The adapters
 * (ErpnextClient, WixClient, StateStore) satisfy these structurally; the unit tests use in-memory
 * fakes. Failures arrive as domain conditions (shared/errors.ts), never as HTTP statuses.
 */
import type { InvoiceRecord, PaymentRecord } from "../../store/repos/billing";
import type { OrderRecord } from "../../store/state";
import type { SyncLogEntry } from "../../store/sync-log";
import type { WixOrderTransactions } from "../../wix/transactions";
import type { WixOrder } from "../../wix/types";

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
