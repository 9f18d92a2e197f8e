import { type FlowDefinition, oursOnSubmitted } from "../declaration";
import { orderEventOf, PAYMENT_EVENTS, PAYMENT_STATUS_UPDATED } from "../order-events";
import { billingMessage } from "./messages";

/** The billing flow: Wix payments -> ERPNext Sales Invoices and Payment Entries. */
export const billing = {
  name: "billing",
  description: "Wix payments -> ERPNext Sales Invoices and Payment Entries",
  message: billingMessage,
  worker: {
    entry: "functions/workers/billing.ts",
    memoryMb: 512,
    timeoutSeconds: 120,
    concurrency: 2,
  },
  wix: {
    events: [...PAYMENT_EVENTS, PAYMENT_STATUS_UPDATED],
    toMessage: (event) => ({ kind: "order-billing", ...orderEventOf(event) }),
    // @wix/auto_sdk_ecom_order-transactions index.typings.d.ts, onOrderTransactionsDetailsUpdated.
    subscriptions: [
      {
        eventType: "wix.ecom.v1.order_transactions_details_updated",
        dashboard: "eCommerce > Order Transactions > Order Transactions Details Updated",
        why: "payments become Payment Entries",
      },
    ],
  },
  // The order poll re-sends paid orders through the orders flow, which sends them here.
  jobs: [],
  customFields: {
    "Payment Entry": [
      oursOnSubmitted({ fieldname: "wix_transaction_id", label: "Wix Transaction ID", fieldtype: "Data" }),
    ],
  },
  // A day of no payments is normal for a small shop.
  healthThresholdSeconds: 2 * 86400,
  // created: an invoice made; updated: payments booked.
  outcomes: ["created", "updated", "skipped", "failed"],
} as const satisfies FlowDefinition<"billing", typeof billingMessage>;
