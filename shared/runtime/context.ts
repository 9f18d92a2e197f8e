import type { Settings } from "../config/settings";
import { resetCore, rootContext } from "./core";
import { inventorySync } from "./roots/inventory";
import { eventStore, orderSync } from "./roots/orders";
import { categorySync, productSync } from "./roots/products";
import { shipmentSync } from "./roots/shipments";

/**
 * Every use-case at once, for the local host and the tests (which reach into any flow). A Lambda
 * never imports this: each worker has its own root (./roots), the jobs and health functions use
 * the core alone. In one process they all share the same instances (see `perCore`).
 */
export const getContext = rootContext((core) => ({
  products: productSync(core),
  categories: categorySync(core),
  inventory: inventorySync(core),
  orders: orderSync(core),
  eventStore: eventStore(core),
  shipments: shipmentSync(core),
}));

export type Context = Awaited<ReturnType<typeof getContext>>;

/** Forgets every client and use-case; the next `getContext` builds them again. */
export function resetContext(): void {
  resetCore();
}

export type { Settings };
