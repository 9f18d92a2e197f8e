/**
 * The event types of order transactions (TX index.typings.d.ts `@eventType`). The transaction
 * types themselves are the flows': shared/flows/wix-orders.ts.
 */
export const TRANSACTION_EVENTS = {
  detailsUpdated: "wix.ecom.v1.order_transactions_details_updated",
  /** Deprecated (targetRemovalDate 2025-11-30) but still sent: accepted, not relied on. */
  updated: "wix.ecom.v1.order_transactions_updated",
  refundCompleted: "wix.ecom.v1.order_transactions_refund_completed",
  chargebackApproved: "wix.ecom.v1.order_transactions_chargeback_approved",
  chargebackReversed: "wix.ecom.v1.order_transactions_chargeback_reversed",
} as const;

/** entityFqdn of transaction events (TX index.js request metadata). */
export const TRANSACTIONS_FQDN = "wix.ecom.v1.order_transactions";
