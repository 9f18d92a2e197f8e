import { ShipmentSync } from "../../flows/shipments/sync";
import { type Core, perCore, rootContext } from "../core";

export const shipmentSync = perCore(
  ({ erpnext, wix, state, log, settings, queue }: Core) =>
    new ShipmentSync({
      erpnext,
      wix,
      state,
      log,
      settings: settings.shipments,
      onDelivered: (orderId) =>
        queue.send("billing", [{ kind: "order-billing", orderId, source: "shipment" }]),
    }),
);

/** The shipments worker's composition root. */
export const getContext = rootContext((core) => ({ shipments: shipmentSync(core) }));
export type Context = Awaited<ReturnType<typeof getContext>>;
