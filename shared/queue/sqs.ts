import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { scrub } from "../http/redact";
import type { Enqueuer, MessageOf, QueueName } from "./messages";

export type QueueUrls = Record<QueueName, { url: string; dlqUrl: string }>;

export function queueUrlsFromEnv(env: Record<string, string | undefined>): QueueUrls {
  const pick = (name: string) => env[name] ?? "";
  return {
    products: { url: pick("PRODUCTS_QUEUE_URL"), dlqUrl: pick("PRODUCTS_DLQ_URL") },
    inventory: { url: pick("INVENTORY_QUEUE_URL"), dlqUrl: pick("INVENTORY_DLQ_URL") },
    orders: { url: pick("ORDERS_QUEUE_URL"), dlqUrl: pick("ORDERS_DLQ_URL") },
  };
}

/** Sends messages in batches of ten; a partial batch failure is retried, then thrown. */
export class SqsEnqueuer implements Enqueuer {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: QueueUrls,
  ) {}

  async send<Q extends QueueName>(queue: Q, messages: MessageOf<Q>[]): Promise<void> {
    const url = this.urls[queue].url;
    for (let i = 0; i < messages.length; i += 10) {
      let entries = messages
        .slice(i, i + 10)
        .map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) }));
      for (let attempt = 0; entries.length; attempt++) {
        const res = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
        const failed = new Set((res.Failed ?? []).map((f) => f.Id));
        if (failed.size && attempt >= 2) throw new Error(`SQS refused ${failed.size} messages for ${queue}`);
        entries = entries.filter((e) => failed.has(e.Id));
      }
    }
  }

  /** Parks a message in the queue's DLQ with the reason it can never succeed. */
  async deadLetter(queue: QueueName, body: string, reason: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.urls[queue].dlqUrl,
        MessageBody: body,
        MessageAttributes: { reason: { DataType: "String", StringValue: scrub(reason).slice(0, 1000) } },
      }),
    );
  }

  /** Backs a failed message off exponentially (with jitter) before it becomes visible again. */
  async delayRetry(queue: QueueName, receiptHandle: string, receiveCount: number): Promise<void> {
    const seconds = Math.min(
      900,
      Math.round(5 * 2 ** Math.max(0, receiveCount - 1) * (0.75 + Math.random() / 2)),
    );
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.urls[queue].url,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  /**
   * Moves parked messages back to their queue (after the cause is fixed). The same as SQS's own
   * redrive, which in AWS is `aws sqs start-message-move-task`; this works on fauxqs too.
   */
  async redrive(queue: QueueName, max = 1000): Promise<number> {
    let moved = 0;
    while (moved < max) {
      const res = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.urls[queue].dlqUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 30,
        }),
      );
      const messages = res.Messages ?? [];
      if (!messages.length) break;
      for (const m of messages) {
        await this.sqs.send(
          new SendMessageCommand({ QueueUrl: this.urls[queue].url, MessageBody: m.Body ?? "" }),
        );
        await this.sqs.send(
          new DeleteMessageCommand({ QueueUrl: this.urls[queue].dlqUrl, ReceiptHandle: m.ReceiptHandle }),
        );
        moved++;
      }
    }
    return moved;
  }

  /** A look at what is parked (without taking it): the reasons and how often each occurs. */
  async dlqReasons(queue: QueueName, max = 50): Promise<{ reason: string; count: number }[]> {
    const counts = new Map<string, number>();
    for (let seen = 0; seen < max; ) {
      const res = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.urls[queue].dlqUrl,
          MaxNumberOfMessages: 10,
          // Hidden for a few seconds so the next page shows others; nothing consumes a DLQ.
          VisibilityTimeout: 10,
          MessageAttributeNames: ["reason"],
        }),
      );
      const messages = res.Messages ?? [];
      if (!messages.length) break;
      seen += messages.length;
      for (const m of messages) {
        const reason = (m.MessageAttributes?.reason?.StringValue ?? "exceeded 5 receives").slice(0, 200);
        counts.set(reason, (counts.get(reason) ?? 0) + 1);
      }
      if (messages.length < 10) break;
    }
    return [...counts].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count }));
  }

  async depth(queue: QueueName): Promise<{ depth: number; inFlight: number; dlq: number }> {
    const attrs = async (url: string) =>
      (
        await this.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
          }),
        )
      ).Attributes ?? {};
    const [main, dlq] = await Promise.all([attrs(this.urls[queue].url), attrs(this.urls[queue].dlqUrl)]);
    return {
      depth: Number(main.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(main.ApproximateNumberOfMessagesNotVisible ?? 0),
      dlq: Number(dlq.ApproximateNumberOfMessages ?? 0),
    };
  }
}
