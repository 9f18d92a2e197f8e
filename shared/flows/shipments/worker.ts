import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { lambda } from "../../runtime/lambda";
import { getContext } from "../../runtime/roots/shipments";
import { runPerRecord } from "../../runtime/worker";
import { subjectOf } from "./messages";

/**
 * Shipments queue consumer: each message names a Delivery Note (to Wix) or a Wix order (its
 * fulfillments to ERPNext). Messages about the same note or order run one after another.
 */
async function syncShipments(event: SQSEvent): Promise<SQSBatchResponse> {
  const ctx = await getContext();
  return runPerRecord("shipments", event, ctx, {
    handle: async (message, record) => {
      for (const result of await ctx.shipments.handle(message))
        record.outcome(result.outcome, `shipment ${result.outcome}: ${subjectOf(message)}`, {
          deliveryNote: result.deliveryNote,
          fulfillmentId: result.fulfillmentId,
          reason: result.reason,
          via: message.source,
        });
      return undefined;
    },
    failedKeys: (message) => [subjectOf(message)],
    lane: (message) => ({ key: subjectOf(message) }),
  });
}

export const handler = lambda(syncShipments);
