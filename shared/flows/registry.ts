/**
 * Every flow of the integration, as a list of the flows' own declarations
 * (`shared/flows/<flow>/flow.ts`). The CDK stack (queues, workers, grants, schedules, dashboard),
 * the local host (queues, consumers, timers), the webhook routers, setup (Webhooks, Wix
 * subscriptions, Custom Fields), health (freshness thresholds), the weekly report and the DLQ
 * tools read this list: a new flow is its folder plus one line here. See docs/new-flow.md.
 *
 * Only declarations (data, message schemas, routes) live here, so the webhook functions that
 * import it stay small; the job runners are in the jobs registry (./job-registry.ts).
 */

import type * as z from "../validation";
import { billing } from "./billing/flow";
import type { FlowDefinition, WixEvent, WixProductEvent } from "./declaration";
import { inventory } from "./inventory/flow";
import { orders } from "./orders/flow";
import { products } from "./products/flow";
import { refunds } from "./refunds/flow";
import { shipments } from "./shipments/flow";

const DECLARED = { products, inventory, orders, billing, refunds, shipments } as const;

type Webhook = "erpnext" | "wix";
/** Which webhook function(s) enqueue a flow's messages (the CDK stack grants them its queue). */
const webhookOf = (
  flow: FlowDefinition<string, z.ZodMiniType, WixEvent | WixProductEvent>,
): Webhook | readonly Webhook[] => {
  const fedBy = [
    ...(flow.erpnext?.length ? ["erpnext" as const] : []),
    ...(flow.wix ? ["wix" as const] : []),
  ];
  return fedBy.length === 1 ? (fedBy[0] as Webhook) : fedBy;
};

export const FLOWS = Object.fromEntries(
  Object.entries(DECLARED).map(([name, flow]) => [name, { ...flow, webhook: webhookOf(flow) }]),
) as { [F in keyof typeof DECLARED]: (typeof DECLARED)[F] & { webhook: Webhook | readonly Webhook[] } };

export type { FlowDefinition };
export type FlowName = keyof typeof DECLARED;
export const FLOW_NAMES = Object.keys(FLOWS) as FlowName[];

/** One work queue per flow, named like it; each has a dead-letter queue `<name>-dlq`. */
export const QUEUES = FLOW_NAMES;
export type QueueName = FlowName;
export type MessageOf<Q extends QueueName> = z.infer<(typeof FLOWS)[Q]["message"]>;
/** What each queue carries, for the generic queue code (shared/queue). */
export type QueueMessages = { [Q in QueueName]: MessageOf<Q> };

export const messageSchemas = Object.fromEntries(FLOW_NAMES.map((f) => [f, FLOWS[f].message])) as {
  [Q in QueueName]: (typeof FLOWS)[Q]["message"];
};

/** Concurrent batches per worker (the event source mapping's maxConcurrency; local consumers). */
export const WORKER_CONCURRENCY = Object.fromEntries(
  FLOW_NAMES.map((f) => [f, FLOWS[f].worker.concurrency]),
) as Record<QueueName, number>;
