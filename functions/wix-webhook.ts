import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { answer } from "../shared/runtime/edge";
import { rawBody } from "../shared/runtime/http";
import { lambda } from "../shared/runtime/lambda";
import { queueClient } from "../shared/runtime/queue";
import { loadSettings } from "../shared/runtime/settings";
import { verifyWixWebhook, wixEventQueues } from "../shared/wix/webhook";

let queue: ReturnType<typeof queueClient> | undefined;

/**
 * POST /webhooks/wix: verify the JWT, unwrap, enqueue the order id (order events to the orders
 * flow, payment events to billing, refund events to refunds), answer well within 1250 ms.
 */
async function receiveWixWebhook(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const settings = await loadSettings();
  queue ??= queueClient();
  const sqs = queue;
  const verdict = await verifyWixWebhook(
    rawBody(event).toString("utf8"),
    settings.wix.webhookPublicKeys,
    settings.wix.instanceId,
  );
  return answer("Wix", verdict, async ({ orderId, eventType, eventId, sequence, eventTime }) => {
    const queues = wixEventQueues(eventType);
    const common = { orderId, eventType, eventId, sequence, changedAt: eventTime, source: "webhook" };
    if (queues.includes("orders")) await sqs.send("orders", [{ kind: "order", ...common }]);
    if (queues.includes("billing")) await sqs.send("billing", [{ kind: "order-billing", ...common }]);
    if (queues.includes("refunds")) await sqs.send("refunds", [{ kind: "order-refunds", ...common }]);
    return `${eventType.replace("wix.ecom.v1.", "")} ${orderId} -> ${queues.join(", ")}`;
  });
}

export const handler = lambda(receiveWixWebhook);
