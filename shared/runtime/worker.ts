import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { errorMessage, isRetryable } from "../errors";
import { redact } from "../http/redact";
import { type MessageOf, messageSchemas, type QueueName } from "../queue/messages";
import { MAX_RECEIVE_COUNT, type ParkedAs } from "../queue/policy";
import type { SqsEnqueuer } from "../queue/sqs";
import type * as z from "../validation";
import { describeIssues } from "../validation";
import { logger, metrics } from "./logger";

/**
 * Runs SQS records through `process` with partial batch failures:
 * - retryable failures are reported failed and backed off exponentially (visibility timeout); on
 *   the last receive they are parked as retryable, and the dlq-redrive job brings them back once
 *   both APIs answer (shared/queue/policy.ts);
 * - permanent failures (bad message, validation) go straight to the DLQ with their reason;
 * - one bad record never blocks the others.
 */
export async function runRecords<Q extends QueueName>(
  queueName: Q,
  event: SQSEvent,
  queue: SqsEnqueuer,
  process: (messages: { record: SQSRecord; message: MessageOf<Q> }[]) => Promise<Map<string, unknown>>,
): Promise<SQSBatchResponse> {
  const failures: string[] = [];
  const valid: { record: SQSRecord; message: MessageOf<Q> }[] = [];
  const schema = messageSchemas[queueName] as unknown as z.ZodMiniType<MessageOf<Q>>;
  for (const record of event.Records) {
    const parsed = safeJson(record.body);
    const result = schema.safeParse(parsed);
    if (result.success) valid.push({ record, message: result.data });
    else
      await park(
        queueName,
        record,
        `invalid message: ${describeIssues(result.error.issues, "message")}`,
        queue,
        failures,
      );
  }
  let errors = new Map<string, unknown>();
  try {
    errors = valid.length ? await process(valid) : errors;
  } catch (error) {
    for (const { record } of valid) errors.set(record.messageId, error);
  }
  for (const { record } of valid) {
    const error = errors.get(record.messageId);
    if (error === undefined) continue;
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? 1);
    if (isRetryable(error) && receiveCount >= MAX_RECEIVE_COUNT) {
      await park(queueName, record, `out of retries: ${errorMessage(error)}`, queue, failures, "retryable");
    } else if (isRetryable(error)) {
      logger.warn(`${queueName}: will retry`, {
        messageId: record.messageId,
        receiveCount,
        reason: errorMessage(error),
      });
      metrics.addMetric(`${queueName}Retried`, "Count", 1);
      await queue.delayRetry(queueName, record.receiptHandle, receiveCount).catch(() => undefined);
      failures.push(record.messageId);
    } else {
      await park(queueName, record, errorMessage(error), queue, failures);
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

async function park(
  queueName: QueueName,
  record: SQSRecord,
  reason: string,
  queue: SqsEnqueuer,
  failures: string[],
  as: ParkedAs = "permanent",
) {
  logger.error(`${queueName}: parked in the DLQ (${as})`, {
    messageId: record.messageId,
    reason,
    body: redact(safeJson(record.body)),
  });
  metrics.addMetric(`${queueName}Parked`, "Count", 1);
  const autoRedrives = Number(record.messageAttributes?.autoRedrives?.stringValue ?? 0);
  try {
    await queue.deadLetter(queueName, record.body, reason, { as, autoRedrives });
  } catch (error) {
    // Could not park it: let SQS retry it (it reaches the DLQ through the redrive policy).
    logger.error(`${queueName}: could not write to the DLQ`, { reason: errorMessage(error) });
    failures.push(record.messageId);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
