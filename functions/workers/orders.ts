import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { Context as LambdaContext, SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { OrdersMessage } from "#shared/flows/orders/messages";
import { OrderSync } from "#shared/flows/orders/sync";
import { sleep } from "#shared/resilience/retry";
import { type Core, perCore, rootContext } from "#shared/runtime/core";
import { lambda } from "#shared/runtime/lambda";
import type { OutcomeRecorder } from "#shared/runtime/outcomes";
import { runPerSite } from "#shared/runtime/sites";
import { runPerRecord } from "#shared/runtime/worker";

export const orderSync = perCore(
  ({ erpnext, wix, state, log, settings, queue }: Core) =>
    new OrderSync({
      erpnext,
      wix,
      state,
      log,
      settings: { ...settings.orders, site: settings.site },
      onBillable: (order) =>
        queue.send("billing", [{ kind: "order-billing", orderId: order.id, source: "orders" }]),
    }),
);

/** Wix event ids already handled (Powertools Idempotency; the table's TTL forgets them). */
export const eventStore = perCore(
  ({ dynamo, tables }: Core) =>
    new DynamoDBPersistenceLayer({
      tableName: tables.idempotency,
      awsSdkV3Client: dynamo,
      keyAttr: "id",
      expiryAttr: "expiration",
    }),
);

/** The orders worker's composition root: the only one with Powertools Idempotency. */
export const getContext = rootContext((core) => ({ orders: orderSync(core), eventStore: eventStore(core) }));
export type Context = Awaited<ReturnType<typeof getContext>>;

/** Wix retries a webhook for about 47 hours; remember its event ids a little longer. */
const WIX_RETRY_WINDOW_SECONDS = 3 * 86400;
const eventConfig = new IdempotencyConfig({
  eventKeyJmesPath: "eventId",
  expiresAfterSeconds: WIX_RETRY_WINDOW_SECONDS,
});

/**
 * A copy of an event that another consumer is handling right now is the same work: it waits for
 * that result (polling the idempotency record) instead of failing and coming back after a backoff,
 * which with several copies used up their receives and parked them. Bounded well inside the
 * function timeout; past it the copy fails retryably as before.
 */
const IN_PROGRESS_WAIT_MS = 30_000;

async function awaitOtherCopy<T>(run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let pause = 25; ; pause = Math.min(pause * 2, 1000)) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof IdempotencyAlreadyInProgressError) || Date.now() - started > IN_PROGRESS_WAIT_MS)
        throw error;
      await sleep(pause);
    }
  }
}

/**
 * A Wix event is handled once: a redelivery (Wix retries for two days) returns the stored result
 * without touching ERPNext; one still in flight elsewhere is waited for (awaitOtherCopy).
 * Poll messages carry no event id: the claims in OrderSync keep them exactly-once.
 */
const once = new WeakMap<Context, (m: OrdersMessage) => ReturnType<Context["orders"]["sync"]>>();
/** Messages whose sync really ran in this invocation; any other answer is a stored one (a replay). */
const ran = new WeakSet<OrdersMessage>();

function onceForEvent(ctx: Context) {
  let sync = once.get(ctx);
  if (!sync) {
    // The stored result must be plain JSON (the SDK refuses undefined values).
    sync = makeIdempotent(
      async (m: OrdersMessage) => {
        ran.add(m);
        return JSON.parse(JSON.stringify(await ctx.orders.sync(m.orderId, m)));
      },
      { persistenceStore: ctx.eventStore, config: eventConfig },
    );
    once.set(ctx, sync);
  }
  return sync;
}

/** Orders queue consumer: each message names a Wix order to bring into ERPNext. */
async function syncOrders(event: SQSEvent, context: LambdaContext): Promise<SQSBatchResponse> {
  // Lets Powertools expire an "in progress" record if this invocation times out.
  eventConfig.registerLambdaContext(context);
  return runPerSite("orders", event, async (siteEvent, site) => {
    const ctx = await getContext(site);
    const syncEvent = onceForEvent(ctx);
    return runPerRecord("orders", siteEvent, ctx, {
      handle: async (message, record) => {
        const result = message.eventId
          ? await awaitOtherCopy(() => syncEvent(message))
          : await ctx.orders.sync(message.orderId, message);
        recordOrder(message, result, record);
        return undefined;
      },
      failedKeys: (message) => [message.orderId],
      // Different orders are independent and run side by side; deliveries of the same order run
      // one after another, oldest event first (entityEventSequence).
      lane: (message) => ({ key: message.orderId, order: message.sequence ?? 0 }),
    });
  });
}

function recordOrder(
  message: OrdersMessage,
  result: Awaited<ReturnType<Context["orders"]["sync"]>>,
  record: OutcomeRecorder<"orders">,
) {
  if (message.eventId && !ran.has(message))
    // A redelivered event: nothing was done now, so it is not counted as new work.
    record.outcome("replayed", `order event replayed: ${message.orderId}`, {
      eventId: message.eventId,
      firstOutcome: result.outcome,
      via: message.source,
    });
  else
    record.outcome(result.outcome, `order ${result.outcome}: ${message.orderId}`, {
      salesOrder: result.salesOrder,
      reason: result.reason,
      via: message.source,
    });
}

export const handler = lambda(syncOrders);
