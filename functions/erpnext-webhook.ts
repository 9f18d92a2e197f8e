import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { routeFrappeWebhook } from "../shared/erpnext/webhook";
import { errorMessage } from "../shared/http/errors";
import { header, json, rawBody } from "./commons/http";
import { lambda } from "./commons/lambda";
import { logger, metrics } from "./commons/logger";
import { queueClient } from "./commons/queue";
import { loadSettings } from "./commons/settings";

let queue: ReturnType<typeof queueClient> | undefined;

/** POST /webhooks/erpnext: verify, validate, enqueue, answer. Never syncs inline. */
async function receiveErpnextWebhook(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const settings = await loadSettings();
  queue ??= queueClient();
  const verdict = routeFrappeWebhook(
    rawBody(event),
    header(event, "x-frappe-webhook-signature"),
    settings.erpnext.webhookSecret,
  );
  if ("reason" in verdict) {
    logger.warn("ERPNext webhook rejected", { status: verdict.status, reason: verdict.reason });
    metrics.addMetric("WebhooksRejected", "Count", 1);
    return json(verdict.status, { error: verdict.reason });
  }
  if ("ignored" in verdict) {
    logger.info("ERPNext webhook ignored", { reason: verdict.ignored });
    return json(200, { ok: true, ignored: verdict.ignored });
  }
  const { work, changedAt } = verdict;
  try {
    if (work.queue === "products") {
      const { itemCodes, priceNames } = work;
      await queue.send("products", [{ kind: "items", itemCodes, priceNames, source: "webhook", changedAt }]);
    } else {
      const { itemCodes, ledgerEntries } = work;
      await queue.send("inventory", [
        { kind: "stock", itemCodes, ledgerEntries, source: "webhook", changedAt },
      ]);
    }
  } catch (error) {
    // Not queued: a 5xx makes ERPNext try again; the catch-up job covers it if it gives up.
    logger.error("could not enqueue ERPNext webhook", { reason: errorMessage(error) });
    return json(503, { error: "temporarily unable to accept the webhook" });
  }
  logger.info(`ERPNext webhook queued for ${work.queue}`, { ...work });
  metrics.addMetric("WebhooksReceived", "Count", 1);
  return json(200, { ok: true, queued: work.queue });
}

export const handler = lambda(receiveErpnextWebhook);
