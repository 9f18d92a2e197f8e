/**
 * The Lambda handlers, imported only after the local host has set process.env so each one reads
 * its configuration exactly as on AWS, and invoked with a Lambda-shaped context so the same
 * middy chain runs.
 */
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from "aws-lambda";
import { handler as erpnextWebhookHandler } from "#functions/erpnext-webhook";
import { handler as healthHandler } from "#functions/health";
import { handler as jobsHandler } from "#functions/jobs";
import { handler as wixWebhookHandler } from "#functions/wix-webhook";
import { FLOW_NAMES, FLOWS, type FlowName } from "#shared/flows/registry";
import { localContext } from "#shared/runtime/lambda";
import type { ApiFunctionName } from "../routes";

export { getCores } from "#shared/runtime/core";
export { logger } from "#shared/runtime/logger";
export { loadSettings } from "#shared/runtime/settings";
export { getContext, resetContext } from "./context";

const local =
  <E, R>(name: string, handler: (event: E, context: Context) => Promise<R>) =>
  (event: E): Promise<R> =>
    handler(event, localContext(name));

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** The functions behind the HTTP API (infra/routes.ts), by the name the route table gives. */
export const api: Record<ApiFunctionName, ApiHandler> = {
  erpnextWebhook: local("erpnext-webhook", erpnextWebhookHandler),
  wixWebhook: local("wix-webhook", wixWebhookHandler),
  health: local("health", healthHandler),
};
export const jobs = local("jobs", jobsHandler);

export type WorkerHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * Each flow's worker, from the entry its declaration names (the file the CDK stack bundles),
 * so a new flow runs locally without an edit here.
 */
export async function loadWorkers(): Promise<Record<FlowName, WorkerHandler>> {
  const workers: Partial<Record<FlowName, WorkerHandler>> = {};
  // One at a time: Jest's ESM loader fails concurrent imports that share modules.
  for (const flow of FLOW_NAMES) {
    const module = (await import(`../../${FLOWS[flow].worker.entry}`)) as {
      handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
    };
    workers[flow] = local(`${flow}-worker`, module.handler);
  }
  return workers as Record<FlowName, WorkerHandler>;
}
