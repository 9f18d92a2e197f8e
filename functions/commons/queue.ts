import { SQSClient } from "@aws-sdk/client-sqs";
import { queueUrlsFromEnv, SqsEnqueuer } from "../../shared/queue/sqs";

/**
 * SQS only: what the webhook edges need. Kept apart from the DynamoDB client so the edges do not
 * load it on a cold start.
 */
export function queueClient(env: NodeJS.ProcessEnv = process.env): SqsEnqueuer {
  const local = env.SQS_ENDPOINT ? { accessKeyId: "local", secretAccessKey: "local" } : undefined;
  const sqs = new SQSClient({
    region: env.AWS_REGION ?? "us-east-1",
    endpoint: env.SQS_ENDPOINT,
    credentials: local,
  });
  return new SqsEnqueuer(sqs, queueUrlsFromEnv(env));
}
