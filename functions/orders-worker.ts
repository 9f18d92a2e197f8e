import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { getContext } from "./commons/context";
import { lambda } from "./commons/lambda";
import { logger, metrics } from "./commons/logger";
import { runRecords } from "./commons/worker";

/** Orders queue consumer: each message names a Wix order to bring into ERPNext. */
async function syncOrders(event: SQSEvent): Promise<SQSBatchResponse> {
  const ctx = await getContext();
  const response = await runRecords("orders", event, ctx.queue, async (batch) => {
    const errors = new Map<string, unknown>();
    // Different orders are independent and run side by side; deliveries of the same order run
    // one after another, oldest event first (entityEventSequence).
    const byOrder = new Map<string, typeof batch>();
    for (const item of batch)
      byOrder.set(item.message.orderId, [...(byOrder.get(item.message.orderId) ?? []), item]);
    await Promise.all(
      [...byOrder.values()].map(async (deliveries) => {
        deliveries.sort((a, b) => (a.message.sequence ?? 0) - (b.message.sequence ?? 0));
        for (const { record, message } of deliveries) {
          try {
            const result = await ctx.orders.sync(message.orderId, {
              eventType: message.eventType,
              changedAt: message.changedAt,
            });
            logger.info(`order ${result.outcome}: ${message.orderId}`, {
              salesOrder: result.salesOrder,
              reason: result.reason,
              via: message.source,
            });
            metrics.addMetric(`orders_${result.outcome}`, "Count", 1);
          } catch (error) {
            const reason = (error as Error).message;
            await ctx.log
              .write({ flow: "orders", key: message.orderId, outcome: "failed", reason })
              .catch(() => undefined);
            errors.set(record.messageId, error);
          }
        }
      }),
    );
    return errors;
  });
  return response;
}

export const handler = lambda(syncOrders);
