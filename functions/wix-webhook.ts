import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { answer } from "#shared/runtime/edge";
import { rawBody } from "#shared/runtime/http";
import { lambda } from "#shared/runtime/lambda";
import { edgeQueue } from "#shared/runtime/queue";
import { loadSettings } from "#shared/runtime/settings";
import { routeWixEvent } from "#shared/runtime/webhook-routing";
import { verifyWixWebhook } from "#shared/wix/webhook";

/**
 * POST /webhooks/wix: verify the JWT, unwrap, enqueue the order id to every flow the event feeds
 * (the flows' declarations), answer well within 1250 ms.
 */
async function receiveWixWebhook(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const settings = await loadSettings();
  const sqs = edgeQueue();
  const verdict = await verifyWixWebhook(
    rawBody(event).toString("utf8"),
    settings.wix.webhookPublicKeys,
    settings.wix.instanceId,
  );
  const routed = "orderId" in verdict ? { ...verdict, ...routeWixEvent(verdict, settings) } : verdict;
  return answer("Wix", routed, async ({ orderId, eventType, work }) => {
    for (const { queue, ...message } of work) await sqs.send(queue, [message as never]);
    return `${eventType.replace("wix.ecom.v1.", "")} ${orderId} -> ${work.map((w) => w.queue).join(", ")}`;
  });
}

export const handler = lambda(receiveWixWebhook);
