/**
 * The AWS services the handlers use, emulated in the process: DynamoDB (dynalite, its files in
 * DATA_DIR), SQS (fauxqs, made durable by the queue journal), one queue and one DLQ per flow of
 * the registry with the CDK stack's redrive policy.
 */
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { startFauxqs } from "fauxqs";
import { QUEUES, type QueueName } from "#shared/flows/registry";
import { MAX_RECEIVE_COUNT } from "#shared/queue/policy";
import { TABLES, tableNamesFromEnv } from "#shared/store/tables";
import { type DurableQueues, durableQueues } from "./durable-queues";

/** The same receive limit as the CDK stack's redrive policy. */
export const MAX_RECEIVES = MAX_RECEIVE_COUNT;
const VISIBILITY_TIMEOUT_SECONDS = 60;

export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
export const LOCAL_REGION = "us-east-1";

type Dynalite = ReturnType<typeof dynalite>;
type Fauxqs = Awaited<ReturnType<typeof startFauxqs>>;

/** What sits in a DLQ: bodies and the reasons they were parked with. */
export interface ParkedMessage {
  body: unknown;
  reason?: string;
  parkedAs?: string;
  receives: number;
}

export interface LocalAws {
  dynamoEndpoint: string;
  /** The endpoint every SQS client of the process uses (the journal's proxy when durable). */
  sqsEndpoint: string;
  /** `<FLOW>_QUEUE_URL` and `<FLOW>_DLQ_URL` for every flow, as the stack passes them. */
  queueEnv: Record<string, string>;
  queueUrl(queue: QueueName): string;
  /** Creates the tables the settings name (those already in DATA_DIR are kept). */
  createTables(): Promise<void>;
  /** Sends again what the previous run left in the journal; how many came back. */
  replayJournal(): Promise<number>;
  dlq(queue: QueueName): ParkedMessage[];
  /** Messages ready, delayed or in flight in a work queue. */
  depth(queue: QueueName): number;
  close(): Promise<void>;
}

/** DynamoDB in DATA_DIR, or in memory without one. Throws when DATA_DIR cannot be used. */
export function openDynamo(dataDir: string | undefined): Dynalite {
  return dynalite(dataDir === undefined ? { createTableMs: 0 } : { path: dataDir, createTableMs: 0 });
}

/**
 * Listens on `db`, starts fauxqs and the flows' queues. With a `journalDir` (a locked DATA_DIR)
 * queues and DLQs survive a crash: fauxqs is in memory, the journal is not.
 */
export async function startLocalAws(db: Dynalite, journalDir: string | undefined): Promise<LocalAws> {
  await new Promise<void>((resolve) => db.listen(0, "127.0.0.1", () => resolve()));
  const dynamoEndpoint = `http://127.0.0.1:${(db.address() as AddressInfo).port}`;
  const sqsServer = await startFauxqs({ port: 0, logger: false, host: "127.0.0.1" });
  const journal: DurableQueues | undefined = journalDir
    ? await durableQueues({ target: sqsServer.address, journalFile: join(journalDir, "queues.journal") })
    : undefined;

  const queueEnv: Record<string, string> = {};
  const queueUrls = new Map<string, string>();
  for (const q of QUEUES) {
    const dlq = sqsServer.createQueue(`ews-${q}-dlq`);
    const main = sqsServer.createQueue(`ews-${q}`, {
      attributes: {
        VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: MAX_RECEIVES }),
      },
    });
    queueEnv[`${q.toUpperCase()}_QUEUE_URL`] = main.queueUrl;
    queueEnv[`${q.toUpperCase()}_DLQ_URL`] = dlq.queueUrl;
    queueUrls.set(main.queueName, main.queueUrl).set(dlq.queueName, dlq.queueUrl);
  }

  return {
    dynamoEndpoint,
    sqsEndpoint: journal?.endpoint ?? sqsServer.address,
    queueEnv,
    queueUrl: (queue) => queueEnv[`${queue.toUpperCase()}_QUEUE_URL`] as string,
    createTables: () => createTables(dynamoEndpoint),
    replayJournal: async () => (await journal?.replay((name) => queueUrls.get(name))) ?? 0,
    dlq: (queue) => inspectDlq(sqsServer, queue),
    depth: (queue) => sqsDepth(sqsServer, queue),
    async close() {
      await journal?.close();
      await new Promise<void>((resolve) => db.close(() => resolve()));
      await sqsServer.stop();
    },
  };
}

function inspectDlq(server: Fauxqs, queue: QueueName): ParkedMessage[] {
  const state = server.inspectQueue(`ews-${queue}-dlq`);
  const all = [
    ...(state?.messages.ready ?? []),
    ...(state?.messages.delayed ?? []),
    ...(state?.messages.inflight ?? []).map((i) => i.message),
  ];
  return all.map((m) => ({
    body: parseMaybe(m.body),
    reason: m.messageAttributes?.reason?.StringValue,
    parkedAs: m.messageAttributes?.parkedAs?.StringValue,
    receives: m.approximateReceiveCount,
  }));
}

function parseMaybe(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sqsDepth(server: Fauxqs, q: QueueName): number {
  const state = server.inspectQueue(`ews-${q}`);
  if (!state) return 0;
  return state.messages.ready.length + state.messages.delayed.length + state.messages.inflight.length;
}

async function createTables(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({ region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS });
  const names = tableNamesFromEnv(process.env);
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const key of Object.keys(TABLES) as (keyof typeof TABLES)[]) {
    const spec = TABLES[key];
    const name = names[key];
    if (existing.has(name)) continue;
    const sortKey = "sortKey" in spec ? spec.sortKey : undefined;
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: spec.partitionKey, AttributeType: "S" },
          ...(sortKey ? [{ AttributeName: sortKey, AttributeType: "S" as const }] : []),
        ],
        KeySchema: [
          { AttributeName: spec.partitionKey, KeyType: "HASH" },
          ...(sortKey ? [{ AttributeName: sortKey, KeyType: "RANGE" as const }] : []),
        ],
      }),
    );
  }
  client.destroy();
}
