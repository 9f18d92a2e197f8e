/**
 * What the scheduled jobs (catch-ups, polls, reconciles) need beside each flow's own ports: where
 * they resume (watermarks), where they put work (the flows' queues) and that they ran. Flow-level:
 * StateStore and the SQS enqueuer implement them; the unit tests use in-memory fakes.
 */

/** Named resume points. */
export interface Watermarks {
  getWatermark(name: string): Promise<string | undefined>;
  /** Forward only (a late, slower run never moves it back): false when it did not move. */
  advanceWatermark(name: string, value: string): Promise<boolean>;
}

/** The flow's heartbeat: health alarms when a flow has not succeeded for too long. */
export interface FlowHeartbeat {
  markSuccess(flow: string): Promise<void>;
}

/** A queue a job feeds (`Q`) and its message (`M`); a job feeding two takes the intersection. */
export interface WorkQueue<Q extends string, M> {
  send(queue: Q, messages: M[]): Promise<void>;
}
