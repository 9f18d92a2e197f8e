import { pendingWixQuantities } from "../../flows/inventory/oversell-guard";
import { InventorySync } from "../../flows/inventory/sync";
import { type Core, perCore, rootContext } from "../core";

/** The inventory use-case; the products root uses it too (opening stock of new products). */
export const inventorySync = perCore(
  ({ erpnext, wix, state, log, settings }: Core) =>
    new InventorySync({
      erpnext,
      wix,
      state,
      log,
      warehouses: settings.erpnext.warehouses,
      locationId: settings.wix.locationId,
      pendingOrders: () => pendingWixQuantities({ wix, state, submit: settings.orders.submit }),
    }),
);

/** The inventory worker's composition root. */
export const getContext = rootContext((core) => ({ inventory: inventorySync(core) }));
export type Context = Awaited<ReturnType<typeof getContext>>;
