import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { OrderSync } from "../../flows/orders/sync";
import { type Core, perCore, rootContext } from "../core";

export const orderSync = perCore(
  ({ erpnext, wix, state, log, settings, queue }: Core) =>
    new OrderSync({
      erpnext,
      wix,
      state,
      log,
      settings: settings.orders,
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
