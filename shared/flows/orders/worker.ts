import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import type { Context as LambdaContext, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { lambda } from "../../runtime/lambda";
import { logger, metrics } from "../../runtime/logger";
import { type Context, getContext } from "../../runtime/roots/orders";
import { runRecords } from "../../runtime/worker";
import type { OrdersMessage } from "./messages";

/** Wix retries a webhook for about 47 hours; remember its event ids a little longer. */
const WIX_RETRY_WINDOW_SECONDS = 3 * 86400;
const eventConfig = new IdempotencyConfig({
  eventKeyJmesPath: "eventId",
  expiresAfterSeconds: WIX_RETRY_WINDOW_SECONDS,
});

/**
 * A Wix event is handled once: a redelivery (Wix retries for two days) returns the stored result
 * without touching ERPNext; one still in flight elsewhere fails retryably and comes back later.
 * Poll messages carry no event id: the claims in OrderSync keep them exactly-once.
 */
let once: { ctx: Context; sync: (m: OrdersMessage) => ReturnType<Context["orders"]["sync"]> } | undefined;
/** Messages whose sync really ran in this invocation; any other answer is a stored one (a replay). */
const ran = new WeakSet<OrdersMessage>();

/** Orders queue consumer: each message names a Wix order to bring into ERPNext. */
async function syncOrders(event: SQSEvent, context: LambdaContext): Promise<SQSBatchResponse> {
  const ctx = await getContext();
  if (once?.ctx !== ctx) {
    // The stored result must be plain JSON (the SDK refuses undefined values).
    const sync = makeIdempotent(
      async (m: OrdersMessage) => {
        ran.add(m);
        return JSON.parse(JSON.stringify(await ctx.orders.sync(m.orderId, m)));
      },
      {
        persistenceStore: ctx.eventStore,
        config: eventConfig,
      },
    );
    once = { ctx, sync };
  }
  const onceForEvent = once.sync;
  // Lets Powertools expire an "in progress" record if this invocation times out.
  eventConfig.registerLambdaContext(context);
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
            const result = message.eventId
              ? await onceForEvent(message)
              : await ctx.orders.sync(message.orderId, message);
            if (message.eventId && !ran.has(message)) {
              // A redelivered event: nothing was done now, so it is not counted as new work.
              logger.info(`order event replayed: ${message.orderId}`, {
                eventId: message.eventId,
                firstOutcome: result.outcome,
                via: message.source,
              });
              metrics.addMetric("orders_replayed", "Count", 1);
              continue;
            }
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
