/**
 * Order transactions as Wix sends them (@wix/auto_sdk_ecom_order-transactions meta.d.ts
 * `OrderTransactions`, `Payment`, `Refund`; dates travel as ISO strings). Type-only imports: the
 * Lambda bundles do not grow.
 */
import type {
  OrderTransactionsOriginal,
  PaymentOriginal,
  RefundOriginal,
} from "@wix/auto_sdk_ecom_order-transactions/meta";
import type { Wire } from "./types";

export type WixPayment = Wire<PaymentOriginal>;
export type WixRefund = Wire<RefundOriginal>;
export type WixPaymentStatus = NonNullable<WixPayment["status"]>;

/** One order's payments and refunds (`OrderTransactions`, with the lists always present). */
export interface WixOrderTransactions {
  orderId: string;
  payments: WixPayment[];
  refunds: WixRefund[];
}

export type WixOrderTransactionsWire = Wire<OrderTransactionsOriginal>;

/** The event types of order transactions (TX index.typings.d.ts `@eventType`). */
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
