import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { answer } from "#shared/runtime/edge";
import { header, rawBody } from "#shared/runtime/http";
import { lambda } from "#shared/runtime/lambda";
import { edgeQueue } from "#shared/runtime/queue";
import { loadSettings } from "#shared/runtime/settings";
import { routeFrappeWebhook } from "#shared/runtime/webhook-routing";

/** POST /webhooks/erpnext: verify, validate, enqueue to the flow the doctype feeds, answer. Never syncs inline. */
async function receiveErpnextWebhook(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const settings = await loadSettings();
  const sqs = edgeQueue();
  const signature = header(event, "x-frappe-webhook-signature");
  const verdict = routeFrappeWebhook(rawBody(event), signature, settings.erpnext.webhookSecret);
  return answer("ERPNext", verdict, async ({ work }) => {
    const { queue, ...message } = work;
    await sqs.send(queue, [message as never]);
    return `${queue} ${describe(message)}`;
  });
}

/** The documents a message names, for the log line and the answer ("products SKU-1,PRICE-1"). */
const describe = (message: Record<string, unknown>) =>
  ["itemCodes", "priceNames", "ledgerEntries", "name"].flatMap((key) => message[key] ?? []).join(",");

export const handler = lambda(receiveErpnextWebhook);
