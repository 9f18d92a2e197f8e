import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { DryRunSkipped, errorMessage, isRetryable, PermanentError, RetryableError } from "../errors";
import { type MessageOf, messageSchemas, type QueueName } from "../flows/registry";
import { redact } from "../http/redact";
import { MAX_RECEIVE_COUNT, type ParkedAs } from "../queue/policy";
import type { ParkOptions } from "../queue/sqs";
import type * as z from "../validation";
import { describeIssues } from "../validation";
import { describeWrite, type WithheldWrite, withheldEntries, withWriteScope } from "./dry-run";
import { logger, metrics as sharedMetrics } from "./logger";
import { OutcomeRecorder, type RecorderPorts } from "./outcomes";

/**
 * The worker runtime. Every flow's queue follows one policy, with partial batch failures
 * (Powertools BatchProcessor):
 * - an invalid message is parked at once (permanent) with the validation reason;
 * - a retryable failure is reported failed and backed off exponentially (visibility timeout); on
 *   the last receive it is parked as retryable, and the dlq-redrive job brings it back once both
 *   APIs answer (shared/queue/policy.ts);
 * - a permanent failure is parked with its reason;
 * - one bad record never blocks the others; a record that cannot be parked is reported failed,
 *   so SQS delivers it again (and its redrive policy parks it in the end).
 */

/** The queue operations the runtime needs (SqsEnqueuer in both hosts). */
export interface WorkerQueue {
  deadLetter(queue: QueueName, body: string, reason: string, options?: ParkOptions): Promise<void>;
  delayRetry(queue: QueueName, receiptHandle: string, receiveCount: number): Promise<void>;
}

export interface WorkerPorts extends RecorderPorts {
  queue: WorkerQueue;
}

/**
 * What a message's use-case left undone when it did not throw: nothing, a part to retry (the
 * whole message comes back; what was done is skipped then), or a part to park now (permanent),
 * as a message of the same queue with the reason.
 */
export type Leftover<M> = undefined | { retry: string } | { park: M; reason: string };

export interface PerRecordFlow<Q extends QueueName> {
  /** Runs one message's use-case and records its outcomes; throws when its work failed as a whole. */
  handle(message: MessageOf<Q>, record: OutcomeRecorder<Q>): Promise<Leftover<MessageOf<Q>>>;
  /** The sync log keys of a message whose work failed as a whole. */
  failedKeys(message: MessageOf<Q>): string[];
  /**
   * Messages of one lane run one after another, lowest `order` first; lanes run side by side.
   * Without it every message is its own lane.
   */
  lane?(message: MessageOf<Q>): { key: string; order?: number };
}

/** Runs each message of the batch through `flow.handle` (see the policy above). */
export async function runPerRecord<Q extends QueueName>(
  queueName: Q,
  event: SQSEvent,
  ports: WorkerPorts,
  flow: PerRecordFlow<Q>,
): Promise<SQSBatchResponse> {
  const settler = new Settler(queueName, ports);
  const recorder = new OutcomeRecorder(queueName, ports);
  const settleTestMode = testModeSettler(queueName, ports, recorder);
  const parsed = new Map(event.Records.map((record) => [record, parse(queueName, record)]));
  const processor = new LanedBatchProcessor((records) => lanes(records, parsed, flow.lane));
  const response = await processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const message = parsed.get(record) as Parsed<MessageOf<Q>>;
      if (!message.ok) return settler.park(record, message.reason);
      const withheld: WithheldWrite[] = [];
      let leftover: Leftover<MessageOf<Q>>;
      try {
        leftover = await withWriteScope(withheld, () => flow.handle(message.value, recorder));
        if (withheld.length) return settleTestMode(flow.failedKeys(message.value), withheld);
        if (leftover && "park" in leftover)
          await ports.queue.deadLetter(queueName, JSON.stringify(leftover.park), leftover.reason);
      } catch (error) {
        if (withheld.length) return settleTestMode(flow.failedKeys(message.value), withheld);
        await recorder.failed(flow.failedKeys(message.value), error);
        return settler.settle(record, error instanceof Error ? error : new PermanentError(String(error)));
      }
      if (leftover && "retry" in leftover) return settler.settle(record, new RetryableError(leftover.retry));
    },
    processor,
    { throwOnFullBatchFailure: false },
  );
  await recorder.heartbeat();
  await recorder.flushStatus();
  return response;
}

/**
 * Runs the whole batch as one: `run` gets every valid message at once (hints for the same items
 * coalesce into one re-read and one push), and if it throws every one of them fails with its
 * error (retried, or parked on the last receive).
 */
export async function runCoalesced<Q extends QueueName>(
  queueName: Q,
  event: SQSEvent,
  ports: WorkerPorts,
  run: (messages: MessageOf<Q>[], record: OutcomeRecorder<Q>) => Promise<void>,
): Promise<SQSBatchResponse> {
  const settler = new Settler(queueName, ports);
  const recorder = new OutcomeRecorder(queueName, ports);
  const parsed = new Map(event.Records.map((record) => [record, parse(queueName, record)]));
  const valid = [...parsed.values()].flatMap((p) => (p.ok ? [p.value] : []));
  const logTestMode = testModeSettler(queueName, ports, recorder);
  const withheld: WithheldWrite[] = [];
  let testModeSettled = false;
  const settleTestMode = (keys: string[], writes: WithheldWrite[]) => {
    testModeSettled = true;
    return logTestMode(keys, writes);
  };
  // Started by the first valid record; the others wait for the same run. Resolves to its error.
  let whole: Promise<Error | undefined> | undefined;
  const response = await processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const message = parsed.get(record) as Parsed<MessageOf<Q>>;
      if (!message.ok) return settler.park(record, message.reason);
      whole ??= withWriteScope(withheld, () => run(valid, recorder)).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new PermanentError(String(error))),
      );
      const error = await whole;
      // Test mode: every record of the batch is done; its withheld writes are logged once.
      if (withheld.length) return settleTestMode([queueName], withheld.splice(0));
      if (error && !(error instanceof DryRunSkipped) && !testModeSettled)
        return settler.settle(record, error);
    },
    new BatchProcessor(EventType.SQS, { logger }),
    { throwOnFullBatchFailure: false },
  );
  await recorder.heartbeat();
  await recorder.flushStatus();
  return response;
}

/**
 * Powertools' BatchProcessor with the records run in lanes: the records of a lane one after
 * another, in lane order; the lanes side by side.
 */
export class LanedBatchProcessor extends BatchProcessor {
  constructor(private readonly lanesOf: (records: SQSRecord[]) => SQSRecord[][]) {
    super(EventType.SQS, { logger });
  }

  override async process() {
    this.prepare();
    const processed = await Promise.all(
      this.lanesOf(this.records as SQSRecord[]).map(async (lane) => {
        const results = [];
        for (const record of lane) results.push(await this.processRecord(record));
        return results;
      }),
    );
    this.clean();
    return processed.flat();
  }
}

/**
 * Test mode: a message whose work met a withheld write is done, as `skipped` (not failed, not
 * retried, not parked): its sync log says what it would have written, one entry per write.
 */
function testModeSettler<Q extends QueueName>(
  queueName: Q,
  ports: WorkerPorts,
  recorder: OutcomeRecorder<Q>,
) {
  return async (keys: string[], writes: WithheldWrite[]): Promise<void> => {
    if (!writes.length) return;
    recorder.outcome("skipped", `${queueName}: ${describeWrite(writes[0] as WithheldWrite)}`, {
      keys,
      writes: writes.length,
    });
    await ports.log.writeAll(withheldEntries(queueName, keys, writes)).catch((error: unknown) => {
      logger.warn(`${queueName}: could not log the test mode writes`, { reason: errorMessage(error) });
    });
  };
}

type Parsed<M> = { ok: true; value: M } | { ok: false; reason: string };

function parse<Q extends QueueName>(queueName: Q, record: SQSRecord): Parsed<MessageOf<Q>> {
  const schema = messageSchemas[queueName] as unknown as z.ZodMiniType<MessageOf<Q>>;
  const result = schema.safeParse(safeJson(record.body));
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, reason: `invalid message: ${describeIssues(result.error.issues, "message")}` };
}

/** Invalid messages each get a lane of their own. */
function lanes<M>(
  records: SQSRecord[],
  parsed: Map<SQSRecord, Parsed<M>>,
  laneOf?: (message: M) => { key: string; order?: number },
): SQSRecord[][] {
  if (!laneOf) return records.map((record) => [record]);
  const alone: SQSRecord[][] = [];
  const byKey = new Map<string, { record: SQSRecord; order: number }[]>();
  for (const record of records) {
    const message = parsed.get(record) as Parsed<M>;
    if (!message.ok) {
      alone.push([record]);
      continue;
    }
    const { key, order = 0 } = laneOf(message.value);
    byKey.set(key, [...(byKey.get(key) ?? []), { record, order }]);
  }
  // Array.prototype.sort is stable: equal orders keep their arrival order.
  const ordered = [...byKey.values()].map((lane) =>
    lane.sort((a, b) => a.order - b.order).map(({ record }) => record),
  );
  return [...alone, ...ordered];
}

/** Decides each failed record's fate. Throws when SQS must deliver the record again. */
class Settler {
  private readonly metrics;

  constructor(
    private readonly queueName: QueueName,
    private readonly ports: WorkerPorts,
  ) {
    this.metrics = ports.metrics ?? sharedMetrics;
  }

  async settle(record: SQSRecord, error: Error): Promise<void> {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? 1);
    if (!isRetryable(error)) return this.park(record, errorMessage(error));
    if (receiveCount >= MAX_RECEIVE_COUNT)
      return this.park(record, `out of retries: ${errorMessage(error)}`, "retryable");
    logger.warn(`${this.queueName}: will retry`, {
      messageId: record.messageId,
      receiveCount,
      reason: errorMessage(error),
    });
    this.metrics.addMetric(`${this.queueName}Retried`, "Count", 1);
    // Without the backoff SQS still redelivers it, after the queue's visibility timeout.
    await this.ports.queue
      .delayRetry(this.queueName, record.receiptHandle, receiveCount)
      .catch(() => undefined);
    throw error;
  }

  async park(record: SQSRecord, reason: string, as: ParkedAs = "permanent"): Promise<void> {
    logger.error(`${this.queueName}: parked in the DLQ (${as})`, {
      messageId: record.messageId,
      reason,
      body: redact(safeJson(record.body)),
    });
    this.metrics.addMetric(`${this.queueName}Parked`, "Count", 1);
    const autoRedrives = Number(record.messageAttributes?.autoRedrives?.stringValue ?? 0);
    try {
      await this.ports.queue.deadLetter(this.queueName, record.body, reason, { as, autoRedrives });
    } catch (error) {
      // Could not park it: let SQS retry it (it reaches the DLQ through the redrive policy).
      logger.error(`${this.queueName}: could not write to the DLQ`, { reason: errorMessage(error) });
      throw error;
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
