/**
 * The registry of the flows' job runners, for the jobs function only (functions/jobs.ts): one
 * line per flow that has jobs. Kept apart from ./registry.ts so the webhook edges, which import
 * the declarations, never bundle a use-case.
 */
import { inventoryRunners } from "./inventory/runners";
import { ordersRunners } from "./orders/runners";
import { productsRunners } from "./products/runners";
import type { FLOWS, FlowName } from "./registry";
import { shipmentsRunners } from "./shipments/runners";

export type FlowJobName = (typeof FLOWS)[FlowName]["jobs"][number]["name"];

export const FLOW_JOB_RUNNERS = {
  ...productsRunners,
  ...inventoryRunners,
  ...ordersRunners,
  ...shipmentsRunners,
} satisfies Record<FlowJobName, unknown>;
