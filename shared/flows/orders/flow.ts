import { type FlowDefinition, MINUTE, ours, oursOnSubmitted } from "../declaration";
import { orderEventOf } from "../order-events";
import { ordersMessage } from "./messages";

/** Dashboard names of the order events (@wix/auto_sdk_ecom_orders index.typings.d.ts `onOrder...`). */
const ORDER_EVENTS = {
  "wix.ecom.v1.order_created": "Order Created",
  "wix.ecom.v1.order_updated": "Order Updated",
  "wix.ecom.v1.order_approved": "Order Approved",
  "wix.ecom.v1.order_canceled": "Order Canceled",
  "wix.ecom.v1.order_payment_status_updated": "Order Payment Status Updated",
  "wix.ecom.v1.order_fulfilled": "Order Fulfilled",
} as const;

/** The orders flow: Wix orders -> ERPNext Sales Orders. */
export const orders = {
  name: "orders",
  description: "Wix orders -> ERPNext Sales Orders",
  message: ordersMessage,
  worker: {
    entry: "functions/workers/orders.ts",
    memoryMb: 512,
    timeoutSeconds: 120,
    concurrency: 3,
    eventIdempotency: true,
    sendsTo: ["billing"],
  },
  // A payment status change may meet an order not in ERPNext yet (here) or one that is (billing).
  wix: {
    events: Object.keys(ORDER_EVENTS),
    toMessage: (event) => ({ kind: "order", ...orderEventOf(event) }),
    subscriptions: Object.entries(ORDER_EVENTS).map(([eventType, name]) => ({
      eventType,
      dashboard: `eCommerce > Orders > ${name}`,
      why: "orders become Sales Orders",
    })),
  },
  jobs: [
    {
      name: "order-poll",
      description: "Wix orders updated since the watermark",
      rate: "rate(15 minutes)",
      everyMs: 15 * MINUTE,
    },
  ],
  customFields: {
    "Sales Order": [
      oursOnSubmitted({ fieldname: "wix_order_id", label: "Wix Order ID", fieldtype: "Data" }),
      oursOnSubmitted({ fieldname: "wix_order_number", label: "Wix Order Number", fieldtype: "Data" }),
      oursOnSubmitted({ fieldname: "wix_order_link", label: "Wix Order", fieldtype: "Data", options: "URL" }),
      // Set on insert, never changed: which site's order it is (shared/flows/site-field.ts).
      ours({ fieldname: "wix_site", label: "Wix Site", fieldtype: "Data", in_standard_filter: 1 }),
    ],
    // Where the buyer was first seen: set when the Customer is made, never overwritten.
    Customer: [ours({ fieldname: "wix_site", label: "Wix Site (first seen)", fieldtype: "Data" })],
  },
  // A day of no orders is normal for a small shop.
  healthThresholdSeconds: 2 * 86400,
  outcomes: ["created", "updated", "skipped", "failed", "replayed"],
} as const satisfies FlowDefinition<"orders", typeof ordersMessage>;
