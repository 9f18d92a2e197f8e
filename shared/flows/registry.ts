/**
 * Every flow of the integration, once. The CDK stack (queues, workers, grants, schedules,
 * dashboard), the local host (queues, consumers, timers), health (freshness thresholds), the
 * weekly report and the DLQ tools iterate over this table: a new flow is its folder under
 * shared/flows/ plus one entry here (and its simulator endpoints). See docs/new-flow.md.
 *
 * Only data and message schemas live here, so the webhook functions that import it stay small.
 */
import type { JobDefinition } from "../jobs/definitions";
import { billingMessage } from "./billing/messages";
import { inventoryMessage } from "./inventory/messages";
import { ordersMessage } from "./orders/messages";
import { productsMessage } from "./products/messages";
import { refundsMessage } from "./refunds/messages";
import { shipmentsMessage } from "./shipments/messages";

const MINUTE = 60_000;

export interface FlowDefinition {
  /** What the flow keeps in agreement (the worker's description). */
  description: string;
  /** The messages its queue carries, validated by the worker before any work. */
  message:
    | typeof productsMessage
    | typeof inventoryMessage
    | typeof ordersMessage
    | typeof billingMessage
    | typeof refundsMessage
    | typeof shipmentsMessage;
  worker: {
    /** The Lambda entry (exports `handler`), bundled by the CDK stack and imported by the local host. */
    entry: string;
    memoryMb: number;
    timeoutSeconds: number;
    /** Concurrent batches (the event source mapping's maxConcurrency; local consumers). */
    concurrency: number;
    /** Seconds SQS gathers messages into one batch (lets stock hints coalesce). */
    batchingWindowSeconds?: number;
    /** Other flows' queues the worker sends to. */
    sendsTo?: readonly string[];
    /** Needs the Wix event idempotency table. */
    eventIdempotency?: boolean;
  };
  /** Which webhook function(s) enqueue this flow's messages. */
  webhook: "erpnext" | "wix" | readonly ("erpnext" | "wix")[];
  /** Its catch-up and maintenance jobs (run by the jobs function on a schedule). */
  jobs: readonly JobDefinition[];
  /** How old the flow's last success may be before health degrades. */
  healthThresholdSeconds: number;
  /** Outcomes counted as `<flow>_<outcome>` metrics on the dashboard. */
  outcomes: readonly string[];
}

export const FLOWS = {
  products: {
    description: "ERPNext items -> Wix products",
    message: productsMessage,
    worker: {
      entry: "functions/workers/products.ts",
      memoryMb: 512,
      timeoutSeconds: 120,
      concurrency: 2,
      sendsTo: ["inventory"],
    },
    webhook: "erpnext",
    jobs: [
      {
        name: "product-catchup",
        description: "items modified since the watermark",
        rate: "rate(1 hour)",
        everyMs: 60 * MINUTE,
      },
      {
        name: "category-sync",
        description: "published products filed under their item group's Wix category, in bulk",
        rate: "rate(1 hour)",
        everyMs: 60 * MINUTE,
      },
    ],
    // Items may not change for a day or two.
    healthThresholdSeconds: 2 * 86400,
    outcomes: ["created", "updated", "linked", "hidden", "failed"],
  },
  inventory: {
    description: "ERPNext stock -> Wix inventory",
    message: inventoryMessage,
    worker: {
      entry: "functions/workers/inventory.ts",
      memoryMb: 512,
      timeoutSeconds: 120,
      concurrency: 2,
      batchingWindowSeconds: 5,
    },
    webhook: "erpnext",
    jobs: [
      {
        name: "inventory-delta",
        description: "Bins modified since the watermark",
        rate: "rate(5 minutes)",
        everyMs: 5 * MINUTE,
      },
      {
        name: "inventory-reconcile",
        description: "full compare and fix of stock",
        rate: "rate(4 hours)",
        everyMs: 240 * MINUTE,
      },
    ],
    // The delta job marks success every 5 minutes even when nothing changed.
    healthThresholdSeconds: 2 * 3600,
    outcomes: ["pushed"],
  },
  orders: {
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
    webhook: "wix",
    jobs: [
      {
        name: "order-poll",
        description: "Wix orders updated since the watermark",
        rate: "rate(15 minutes)",
        everyMs: 15 * MINUTE,
      },
    ],
    // A day of no orders is normal for a small shop.
    healthThresholdSeconds: 2 * 86400,
    outcomes: ["created", "updated", "skipped", "failed", "replayed"],
  },
  billing: {
    description: "Wix payments -> ERPNext Sales Invoices and Payment Entries",
    message: billingMessage,
    worker: {
      entry: "functions/workers/billing.ts",
      memoryMb: 512,
      timeoutSeconds: 120,
      concurrency: 2,
    },
    webhook: "wix",
    // The order poll re-sends paid orders through the orders flow, which sends them here.
    jobs: [],
    // A day of no payments is normal for a small shop.
    healthThresholdSeconds: 2 * 86400,
    // created: an invoice made; updated: payments booked.
    outcomes: ["created", "updated", "skipped", "failed"],
  },
  refunds: {
    description: "Wix refunds -> ERPNext Credit Notes, payments out and Sales Returns",
    message: refundsMessage,
    worker: {
      entry: "functions/workers/refunds.ts",
      memoryMb: 512,
      timeoutSeconds: 120,
      concurrency: 2,
    },
    webhook: "wix",
    // The order poll finds refunded orders (shared/flows/orders/poll.ts): no job of its own.
    jobs: [],
    // Refunds are rare: weeks without one are normal.
    healthThresholdSeconds: 30 * 86400,
    // created: refunds booked; updated: goods returned; parked: cannot be booked (see the DLQ).
    outcomes: ["created", "updated", "skipped", "parked", "failed", "replayed"],
  },
  shipments: {
    description: "ERPNext Delivery Notes <-> Wix fulfillments (FULFILMENT_SOURCE)",
    message: shipmentsMessage,
    worker: {
      entry: "functions/workers/shipments.ts",
      memoryMb: 512,
      timeoutSeconds: 120,
      concurrency: 2,
      // Each Delivery Note made or pushed is handed to billing (INVOICE_ON=fulfilment).
      sendsTo: ["billing"],
    },
    // Delivery Notes from ERPNext; fulfillments_updated from Wix (FULFILMENT_SOURCE=wix).
    webhook: ["erpnext", "wix"],
    jobs: [
      {
        name: "shipment-catchup",
        description: "Delivery Notes modified since the watermark (FULFILMENT_SOURCE=wix: Wix fulfillments)",
        rate: "rate(1 hour)",
        everyMs: 60 * MINUTE,
      },
    ],
    // The catch-up marks success every hour even when nothing shipped.
    healthThresholdSeconds: 2 * 3600,
    outcomes: ["created", "updated", "linked", "skipped", "ignored", "failed"],
  },
} as const satisfies Record<string, FlowDefinition>;

export type FlowName = keyof typeof FLOWS;
export const FLOW_NAMES = Object.keys(FLOWS) as FlowName[];
