import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { routeFrappeWebhook } from "#shared/erpnext/webhook";
import { answer } from "#shared/runtime/edge";
import { header, rawBody } from "#shared/runtime/http";
import { lambda } from "#shared/runtime/lambda";
import { edgeQueue } from "#shared/runtime/queue";
import { loadSettings } from "#shared/runtime/settings";

/** POST /webhooks/erpnext: verify, validate, enqueue, answer. Never syncs inline. */
async function receiveErpnextWebhook(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const settings = await loadSettings();
  const sqs = edgeQueue();
  const signature = header(event, "x-frappe-webhook-signature");
  const verdict = routeFrappeWebhook(rawBody(event), signature, settings.erpnext.webhookSecret);
  return answer("ERPNext", verdict, async ({ work, changedAt }) => {
    if (work.queue === "shipments") {
      await sqs.send(
        "shipments",
        work.deliveryNotes.map((name) => ({
          kind: "delivery-note" as const,
          name,
          source: "webhook",
          changedAt,
        })),
      );
      return `shipments ${work.deliveryNotes.join(",")}`;
    }
    if (work.queue === "products") {
      const { itemCodes, priceNames } = work;
      await sqs.send("products", [{ kind: "items", itemCodes, priceNames, source: "webhook", changedAt }]);
    } else {
      const { itemCodes, ledgerEntries } = work;
      await sqs.send("inventory", [
        { kind: "stock", itemCodes, ledgerEntries, source: "webhook", changedAt },
      ]);
    }
    const refs =
      "priceNames" in work ? work.priceNames : "ledgerEntries" in work ? work.ledgerEntries : undefined;
    return `${work.queue} ${[...work.itemCodes, ...(refs ?? [])].join(",")}`;
  });
}

export const handler = lambda(receiveErpnextWebhook);
