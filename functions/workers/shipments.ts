import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { subjectOf } from "#shared/flows/shipments/messages";
import { ShipmentSync } from "#shared/flows/shipments/sync";
import { type Core, perCore, rootContext } from "#shared/runtime/core";
import { lambda } from "#shared/runtime/lambda";
import { logger } from "#shared/runtime/logger";
import { runPerSite } from "#shared/runtime/sites";
import { runPerRecord } from "#shared/runtime/worker";

export const shipmentSync = perCore(
  ({ erpnext, wix, state, log, settings, queue }: Core) =>
    new ShipmentSync({
      erpnext,
      wix,
      state,
      log,
      settings: { ...settings.shipments, site: settings.site },
      onDelivered: (orderId) =>
        queue.send("billing", [{ kind: "order-billing", orderId, source: "shipment" }]),
    }),
);

/** The shipments worker's composition root. */
export const getContext = rootContext((core) => ({ shipments: shipmentSync(core) }));
export type Context = Awaited<ReturnType<typeof getContext>>;

/**
 * Shipments queue consumer: each message names a Delivery Note (to Wix) or a Wix order (its
 * fulfillments to ERPNext). Messages about the same note or order run one after another.
 */
async function syncShipments(event: SQSEvent): Promise<SQSBatchResponse> {
  return runPerSite("shipments", event, async (siteEvent, site) => {
    const ctx = await getContext(site);
    return runPerRecord("shipments", siteEvent, ctx, {
      handle: async (message, record) => {
        const results = await ctx.shipments.handle(message);
        // A Delivery Note of another site's Sales Order (every site gets ERPNext's): not ours to count.
        if (!results.length) logger.debug(`shipment: ${subjectOf(message)} is another site's`);
        for (const result of results)
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
  });
}

export const handler = lambda(syncShipments);
