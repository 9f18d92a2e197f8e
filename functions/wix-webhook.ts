import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { Settings } from "#shared/config/settings";
import { answer } from "#shared/runtime/edge";
import { rawBody } from "#shared/runtime/http";
import { lambda } from "#shared/runtime/lambda";
import { edgeQueue } from "#shared/runtime/queue";
import { loadSites } from "#shared/runtime/settings";
import { routeWixEvent } from "#shared/runtime/webhook-routing";
import { isAccepted, verifySiteWebhook } from "#shared/wix/webhook";

/**
 * POST /webhooks/wix: verify the JWT (with the keys of the site whose app instance it names), unwrap, enqueue the order id to every flow the event feeds
 * (the flows' declarations), answer well within 1250 ms.
 */
async function receiveWixWebhook(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const sites = await loadSites();
  const sqs = edgeQueue();
  const verdict = await verifySiteWebhook(
    rawBody(event).toString("utf8"),
    sites.map((s) => ({ site: s.site, publicKeys: s.wix.webhookPublicKeys, instanceId: s.wix.instanceId })),
  );
  const routed = isAccepted(verdict)
    ? { ...verdict, ...routeWixEvent(verdict, sites.find((s) => s.site === verdict.site) as Settings) }
    : verdict;
  return answer("Wix", routed, async (event) => {
    const { eventType, work, site } = event;
    // Every message names its site: the workers serve it with that site's settings and state.
    for (const { queue, ...message } of work) await sqs.send(queue, [{ ...message, site } as never]);
    const where = sites.length > 1 ? ` (${site})` : "";
    const subject = "orderId" in event ? event.orderId : `product ${event.productId}`;
    return `${eventType.replace("wix.ecom.v1.", "")} ${subject}${where} -> ${work.map((w) => w.queue).join(", ")}`;
  });
}

export const handler = lambda(receiveWixWebhook);
