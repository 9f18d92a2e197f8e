import { SQSClient } from "@aws-sdk/client-sqs";
import { type QueueMessages as FlowQueues, QUEUES } from "../flows/registry";
import { DEFAULT_RETRY_BASE_SECONDS } from "../queue/policy";
import { queueUrlsFromEnv, SqsEnqueuer } from "../queue/sqs";

declare module "../queue/messages" {
  /** The integration's queues are the flows' (the queue code itself imports no flow). */
  interface Queues extends FlowQueues {}
}

/**
 * SQS only: what the webhook edges need. Kept apart from the DynamoDB client so the edges do not
 * load it on a cold start.
 */
export function queueClient(env: NodeJS.ProcessEnv = process.env): SqsEnqueuer<FlowQueues> {
  const local = env.SQS_ENDPOINT ? { accessKeyId: "local", secretAccessKey: "local" } : undefined;
  const sqs = new SQSClient({
    region: env.AWS_REGION ?? "us-east-1",
    endpoint: env.SQS_ENDPOINT,
    credentials: local,
  });
  return new SqsEnqueuer(sqs, queueUrlsFromEnv(env, QUEUES), retryBaseSeconds(env.RETRY_BASE_SECONDS));
}

/** RETRY_BASE_SECONDS (validated with the settings at start-up); the default when unset. */
function retryBaseSeconds(value: string | undefined): number {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isInteger(n) && n >= 0
    ? n
    : DEFAULT_RETRY_BASE_SECONDS;
}

let edge: { key: string; client: SqsEnqueuer<FlowQueues> } | undefined;

/**
 * The webhook edges' client, made once per container. A host started again in the same process
 * (tests, the chaos run's restart) has another endpoint or other queue URLs: it gets its own client
 * instead of one still pointed at the queues of the host before.
 */
export function edgeQueue(env: NodeJS.ProcessEnv = process.env): SqsEnqueuer<FlowQueues> {
  const key = JSON.stringify([env.SQS_ENDPOINT, queueUrlsFromEnv(env, QUEUES), env.RETRY_BASE_SECONDS]);
  if (edge?.key !== key) edge = { key, client: queueClient(env) };
  return edge.client;
}
