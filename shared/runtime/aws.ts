import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { documentClient } from "../store/dynamo";
import { tableNamesFromEnv } from "../store/tables";
import { queueClient } from "./queue";

/** DynamoDB and SQS for workers and jobs; DYNAMODB_ENDPOINT / SQS_ENDPOINT point at dynalite and fauxqs. */
export function awsClients(env: NodeJS.ProcessEnv = process.env) {
  const dynamo = new DynamoDBClient({
    region: env.AWS_REGION ?? "us-east-1",
    endpoint: env.DYNAMODB_ENDPOINT,
    credentials: env.DYNAMODB_ENDPOINT ? { accessKeyId: "local", secretAccessKey: "local" } : undefined,
  });
  return { dynamo, db: documentClient(dynamo), tables: tableNamesFromEnv(env), queue: queueClient(env) };
}
