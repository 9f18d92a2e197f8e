import { ShipmentSync } from "../../flows/shipments/sync";
import { type Core, perCore, rootContext } from "../core";

export const shipmentSync = perCore(
  ({ erpnext, wix, state, log, settings }: Core) =>
    new ShipmentSync({ erpnext, wix, state, log, settings: settings.shipments }),
);

/** The shipments worker's composition root. */
export const getContext = rootContext((core) => ({ shipments: shipmentSync(core) }));
export type Context = Awaited<ReturnType<typeof getContext>>;
