import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { queueUrlsFromEnv, SqsEnqueuer } from "../../shared/queue/sqs";
import { documentClient } from "../../shared/store/dynamo";
import { tableNamesFromEnv } from "../../shared/store/tables";

/** AWS SDK clients; DYNAMODB_ENDPOINT / SQS_ENDPOINT point them at dynalite and fauxqs locally. */
export function awsClients(env: NodeJS.ProcessEnv = process.env) {
  const region = env.AWS_REGION ?? "us-east-1";
  const local = env.DYNAMODB_ENDPOINT ? { accessKeyId: "local", secretAccessKey: "local" } : undefined;
  const dynamo = new DynamoDBClient({ region, endpoint: env.DYNAMODB_ENDPOINT, credentials: local });
  const sqs = new SQSClient({ region, endpoint: env.SQS_ENDPOINT, credentials: local });
  return {
    db: documentClient(dynamo),
    tables: tableNamesFromEnv(env),
    queue: new SqsEnqueuer(sqs, queueUrlsFromEnv(env)),
  };
}
