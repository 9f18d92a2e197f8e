import { type FlowDefinition, oursOnSubmitted } from "../declaration";
import { orderEventOf, PAYMENT_EVENTS, PAYMENT_STATUS_UPDATED } from "../order-events";
import { refundsMessage } from "./messages";

const REFUND_COMPLETED = "wix.ecom.v1.order_transactions_refund_completed";

/** The refunds flow: Wix refunds -> ERPNext Credit Notes, payments out and Sales Returns. */
export const refunds = {
  name: "refunds",
  description: "Wix refunds -> ERPNext Credit Notes, payments out and Sales Returns",
  message: refundsMessage,
  worker: {
    entry: "functions/workers/refunds.ts",
    memoryMb: 512,
    timeoutSeconds: 120,
    concurrency: 2,
  },
  /**
   * The events that tell of a refund: the payment events, `order_transactions_refund_completed`
   * (once, when the refund's transactions are final) and the order's `order_payment_status_updated`
   * (to PARTIALLY_REFUNDED / FULLY_REFUNDED). Each only says "look at this order's refunds": the
   * refunds worker re-reads them.
   */
  wix: {
    events: [...PAYMENT_EVENTS, REFUND_COMPLETED, PAYMENT_STATUS_UPDATED],
    toMessage: (event) => ({ kind: "order-refunds", ...orderEventOf(event) }),
    // @wix/auto_sdk_ecom_order-transactions index.typings.d.ts, onOrderTransactionsRefundCompleted.
    subscriptions: [
      {
        eventType: REFUND_COMPLETED,
        dashboard: "eCommerce > Order Transactions > Refund Completed",
        why: "refunds become Credit Notes",
      },
    ],
  },
  // The order poll finds refunded orders (shared/flows/orders/poll.ts): no job of its own.
  jobs: [],
  customFields: {
    "Sales Invoice": [
      oursOnSubmitted({ fieldname: "wix_refund_id", label: "Wix Refund ID", fieldtype: "Data" }),
    ],
  },
  // Refunds are rare: weeks without one are normal.
  healthThresholdSeconds: 30 * 86400,
  // created: refunds booked; updated: goods returned; parked: cannot be booked (see the DLQ).
  outcomes: ["created", "updated", "skipped", "parked", "failed", "replayed"],
} as const satisfies FlowDefinition<"refunds", typeof refundsMessage>;
