/**
 * The SQS event source mapping, emulated: per flow, as many consumers as the mapping's
 * maxConcurrency in AWS (so races between concurrent batches happen here too), each polling its
 * queue and handing SQS-shaped batches to the same handler Lambda would run, with partial batch
 * failures as Lambda reports them.
 */
import {
  DeleteMessageBatchCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { FLOW_NAMES, FLOWS, type FlowName } from "#shared/flows/registry";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./aws";
import type { WorkerHandler } from "./functions";

export interface EventSources {
  /** A batch is being handled somewhere. */
  busy(): boolean;
  /** Stops polling and waits for the batches in flight. */
  stop(): Promise<void>;
}

export function startEventSources(options: {
  sqsEndpoint: string;
  queueUrl: (flow: FlowName) => string;
  workers: Record<FlowName, WorkerHandler>;
  /** Receive wait in seconds; tests use 0 for speed. */
  pollWaitSeconds: number;
}): EventSources {
  const sqs = new SQSClient({
    region: LOCAL_REGION,
    endpoint: options.sqsEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  const consumers = FLOW_NAMES.flatMap((flow) =>
    Array.from(
      { length: FLOWS[flow].worker.concurrency },
      () => new Consumer(flow, options.queueUrl(flow), sqs, options.workers[flow], options.pollWaitSeconds),
    ),
  );
  for (const c of consumers) c.start();
  return {
    busy: () => consumers.some((c) => c.busy),
    async stop() {
      await Promise.all(consumers.map((c) => c.stop()));
    },
  };
}

/** Polls one queue and hands SQS-shaped batches to the same handler Lambda would run. */
class Consumer {
  busy = false;
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly name: FlowName,
    private readonly url: string,
    private readonly sqs: SQSClient,
    private readonly handler: WorkerHandler,
    private readonly waitSeconds: number,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const res = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: this.waitSeconds,
            MessageSystemAttributeNames: ["All"],
            MessageAttributeNames: ["All"],
          }),
        );
        const messages = res.Messages ?? [];
        if (!messages.length) {
          if (!this.waitSeconds) await new Promise((r) => setTimeout(r, 25));
          continue;
        }
        this.busy = true;
        const event: SQSEvent = {
          Records: messages.map((m) => ({
            messageId: m.MessageId as string,
            receiptHandle: m.ReceiptHandle as string,
            body: m.Body ?? "",
            attributes: {
              ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1",
              SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
              SenderId: "local",
              ApproximateFirstReceiveTimestamp:
                m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
            },
            messageAttributes: lambdaAttributes(m.MessageAttributes),
            md5OfBody: m.MD5OfBody ?? "",
            eventSource: "aws:sqs",
            eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:000000000000:ews-${this.name}`,
            awsRegion: LOCAL_REGION,
          })),
        };
        let failed = new Set<string>();
        try {
          const result = await this.handler(event);
          failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
        } catch {
          failed = new Set(messages.map((m) => m.MessageId as string)); // the whole batch failed, as on Lambda
        }
        const done = messages.filter((m) => !failed.has(m.MessageId as string));
        if (done.length) {
          await this.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: this.url,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
            }),
          );
        }
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      } finally {
        this.busy = false;
      }
    }
  }
}

/** SQS message attributes as Lambda's SQS event carries them (camel-cased keys). */
function lambdaAttributes(
  attrs: Record<string, MessageAttributeValue> | undefined,
): SQSRecord["messageAttributes"] {
  return Object.fromEntries(
    Object.entries(attrs ?? {}).map(([name, a]) => [
      name,
      {
        dataType: a.DataType ?? "String",
        stringValue: a.StringValue,
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  );
}
