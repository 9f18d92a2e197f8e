import { billingSync } from "#functions/workers/billing";
import { inventorySync } from "#functions/workers/inventory";
import { eventStore, orderSync } from "#functions/workers/orders";
import { categorySync, productSync } from "#functions/workers/products";
import { refundSync } from "#functions/workers/refunds";
import { shipmentSync } from "#functions/workers/shipments";
import type { Settings } from "#shared/config/settings";
import { resetCore, rootContext } from "#shared/runtime/core";

/**
 * Every use-case at once, for the local host and the tests (which reach into any flow), from the
 * workers' own composition (functions/workers/<flow>.ts). A Lambda never imports this; the jobs
 * and health functions use the core alone. In one process they all share the same instances
 * (see `perCore`).
 */
export const getContext = rootContext((core) => ({
  products: productSync(core),
  categories: categorySync(core),
  inventory: inventorySync(core),
  orders: orderSync(core),
  eventStore: eventStore(core),
  shipments: shipmentSync(core),
  refunds: refundSync(core),
  billing: billingSync(core),
}));

export type Context = Awaited<ReturnType<typeof getContext>>;

/** Forgets every client and use-case; the next `getContext` builds them again. */
export function resetContext(): void {
  resetCore();
}

export type { Settings };
