import { CategorySync } from "../../flows/categories/sync";
import { ProductSync } from "../../flows/products/sync";
import { ErpnextStatusWriter } from "../../flows/status/erpnext";
import { type Core, perCore, rootContext } from "../core";
import { inventorySync } from "./inventory";

export const productSync = perCore((core: Core) => {
  const { erpnext, wix, state, log, settings, queue } = core;
  const inventory = inventorySync(core);
  return new ProductSync({
    erpnext,
    wix,
    state,
    log,
    erpnextUrl: settings.erpnext.url,
    priceList: settings.erpnext.priceList,
    allowFreeItems: settings.erpnext.allowFreeItems,
    // New products are created with their stock in the same call; a product that does not
    // exist in Wix yet has no Wix orders, so the oversell guard has nothing to subtract.
    quantities: (itemCodes) => inventory.sellable(itemCodes, { guard: false }),
    // Linked products (and any without an inventory item) get their stock right after.
    onPublished: (itemCodes) => queue.send("inventory", [{ kind: "stock", itemCodes, source: "published" }]),
  });
});

export const categorySync = perCore(({ wix, state, log }: Core) => new CategorySync({ wix, state, log }));

/** The products worker's composition root (categories ride the products queue). */
export const getContext = rootContext((core) => ({
  products: productSync(core),
  categories: categorySync(core),
  // Item status fields in ERPNext, written once per item per batch (WRITE_STATUS_TO_ERPNEXT).
  status: core.settings.status.writeToErpnext ? new ErpnextStatusWriter(core.erpnext) : undefined,
}));
export type Context = Awaited<ReturnType<typeof getContext>>;
