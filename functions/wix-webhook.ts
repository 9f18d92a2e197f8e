import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { answer } from "#shared/runtime/edge";
import { rawBody } from "#shared/runtime/http";
import { lambda } from "#shared/runtime/lambda";
import { edgeQueue } from "#shared/runtime/queue";
import { loadSettings } from "#shared/runtime/settings";
import { FULFILLMENTS_UPDATED, verifyWixWebhook, wixEventQueues } from "#shared/wix/webhook";

/**
 * POST /webhooks/wix: verify the JWT, unwrap, enqueue the order id (order events to the orders
 * flow, payment events to billing, refund events to refunds), answer well within 1250 ms.
 */
async function receiveWixWebhook(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const settings = await loadSettings();
  const sqs = edgeQueue();
  const verdict = await verifyWixWebhook(
    rawBody(event).toString("utf8"),
    settings.wix.webhookPublicKeys,
    settings.wix.instanceId,
  );
  // Fulfillments are ours to record only when the merchant ships from Wix; otherwise the event
  // echoes our own writes (FULFILMENT_SOURCE=erpnext): acknowledged, not queued.
  const routed =
    "eventType" in verdict &&
    verdict.eventType === FULFILLMENTS_UPDATED &&
    settings.shipments.source !== "wix"
      ? { status: 200 as const, ignored: "fulfillments come from ERPNext (FULFILMENT_SOURCE=erpnext)" }
      : verdict;
  return answer("Wix", routed, async ({ orderId, eventType, eventId, sequence, eventTime }) => {
    const queues = wixEventQueues(eventType);
    const common = { orderId, eventType, eventId, sequence, changedAt: eventTime, source: "webhook" };
    if (queues.includes("orders")) await sqs.send("orders", [{ kind: "order", ...common }]);
    if (queues.includes("billing")) await sqs.send("billing", [{ kind: "order-billing", ...common }]);
    if (queues.includes("refunds")) await sqs.send("refunds", [{ kind: "order-refunds", ...common }]);
    if (queues.includes("shipments"))
      await sqs.send("shipments", [
        { kind: "fulfillments", orderId, eventId, changedAt: eventTime, source: "webhook" },
      ]);
    return `${eventType.replace("wix.ecom.v1.", "")} ${orderId} -> ${queues.join(", ")}`;
  });
}

export const handler = lambda(receiveWixWebhook);
