/**
 * What a work queue takes. Generic over the queues and their messages: which queues exist and
 * what each carries is the flows' registry's to say (shared/flows/registry.ts `QueueMessages`),
 * filled into `Queues` by the runtime (shared/runtime/queue.ts), so this code imports no flow.
 * Each queue has a dead-letter queue `<name>-dlq`.
 */
export type QueueMessages = object;

// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging (shared/runtime/queue.ts)
export interface Queues {}

/** Where work goes: SQS in both hosts (fauxqs locally). */
export interface Enqueuer<M extends QueueMessages = Queues> {
  send<Q extends keyof M & string>(queue: Q, messages: M[Q][]): Promise<void>;
}
