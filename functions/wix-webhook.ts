import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { errorMessage } from "../shared/http/errors";
import { verifyWixWebhook } from "../shared/wix/webhook";
import { json, rawBody } from "./commons/http";
import { lambda } from "./commons/lambda";
import { logger, metrics } from "./commons/logger";
import { queueClient } from "./commons/queue";
import { loadSettings } from "./commons/settings";

let queue: ReturnType<typeof queueClient> | undefined;

/** POST /webhooks/wix: verify the JWT, unwrap, enqueue the order id, answer well within 1250 ms. */
async function receiveWixWebhook(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const settings = await loadSettings();
  queue ??= queueClient();
  const verdict = await verifyWixWebhook(rawBody(event).toString("utf8"), settings.wix.webhookPublicKeys);
  if ("reason" in verdict) {
    logger.warn("Wix webhook rejected", { status: verdict.status, reason: verdict.reason });
    metrics.addMetric("WebhooksRejected", "Count", 1);
    return json(verdict.status, { error: verdict.reason });
  }
  if ("ignored" in verdict) {
    logger.info("Wix webhook ignored", { reason: verdict.ignored });
    return json(200, { ok: true, ignored: verdict.ignored });
  }
  try {
    await queue.send("orders", [
      {
        kind: "order",
        orderId: verdict.orderId,
        eventType: verdict.eventType,
        eventId: verdict.eventId,
        sequence: verdict.sequence,
        changedAt: verdict.eventTime,
        source: "webhook",
      },
    ]);
  } catch (error) {
    logger.error("could not enqueue Wix webhook", { reason: errorMessage(error) });
    return json(503, { error: "temporarily unable to accept the webhook" });
  }
  logger.info(`Wix ${verdict.eventType.replace("wix.ecom.v1.", "")} queued`, { orderId: verdict.orderId });
  metrics.addMetric("WebhooksReceived", "Count", 1);
  return json(200, { ok: true });
}

export const handler = lambda(receiveWixWebhook);
