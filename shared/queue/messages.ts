import { FLOW_NAMES, FLOWS, type FlowName } from "../flows/registry";
import type * as z from "../validation";

/** One work queue per flow (shared/flows/registry.ts); each has a dead-letter queue `<name>-dlq`. */
export const QUEUES = FLOW_NAMES;
export type QueueName = FlowName;
export type MessageOf<Q extends QueueName> = z.infer<(typeof FLOWS)[Q]["message"]>;

export const messageSchemas = Object.fromEntries(FLOW_NAMES.map((f) => [f, FLOWS[f].message])) as {
  [Q in QueueName]: (typeof FLOWS)[Q]["message"];
};

/** Where work goes: SQS in both hosts (fauxqs locally). */
export interface Enqueuer {
  send<Q extends QueueName>(queue: Q, messages: MessageOf<Q>[]): Promise<void>;
}
