import { WIX_ORDERS_OVERLAP_MS } from "../modified-since";
import { orderSkus } from "../order-holds";
import { orderPages } from "../wix-orders";
import type { OversellGuardDeps } from "./ports";

/** How far back unsynced Wix orders are looked for when guarding stock pushes. */
export const PENDING_ORDER_WINDOW_MS = 7 * 86400_000;
/** Unannounced orders are looked for since the order poll's last pass (at least an hour back). */
const PENDING_MIN_WINDOW_MS = 3600_000;

/**
 * Quantities per SKU that Wix has sold but ERPNext does not yet hold as submitted Sales Orders
 * (so they are not yet reserved in its Bins). Two sources: Wix orders since the order poll's last
 * pass (orders whose webhook has not arrived yet count too), and the orders we hold as pending
 * (claimed, parked, drafts). A stock push subtracts these, so it never re-inflates Wix stock, and
 * it reads one or two pages of orders, not a week of them.
 */
export async function pendingWixQuantities(
  deps: OversellGuardDeps,
  now = Date.now(),
): Promise<Map<string, number>> {
  const pending = new Map<string, number>();
  const add = (skus: Record<string, number>) => addQuantities(pending, Object.entries(skus));
  const mark = await deps.state.getWatermark("order-poll");
  const polled = mark ? Date.parse(mark) - WIX_ORDERS_OVERLAP_MS : 0;
  const since = new Date(
    Math.max(now - PENDING_ORDER_WINDOW_MS, Math.min(now - PENDING_MIN_WINDOW_MS, polled)),
  ).toISOString();
  const counted = new Set<string>();
  for await (const orders of orderPages(deps.wix, since)) {
    for (const order of orders) {
      counted.add(order.id);
      if (order.status === "CANCELED" || order.status === "REJECTED") continue;
      const record = await deps.state.getOrder(order.id);
      if (record?.state === "created" && deps.submit) continue;
      add(await orderSkus(order, deps.state));
    }
  }
  for (const hold of await deps.state.pendingHolds(now)) if (!counted.has(hold.orderId)) add(hold.skus);
  return pending;
}

/** One Wix site's part of the guard when several share one ERPNext. */
export interface GuardSite extends OversellGuardDeps {
  site: string;
  /** Its ERPNEXT_WAREHOUSES; empty: every warehouse. */
  warehouses: string[];
}

/** Whether two sites' warehouse lists (empty: every warehouse) count some of the same Bins. */
export const shareStock = (a: string[], b: string[]): boolean =>
  !a.length || !b.length || a.some((w) => b.includes(w));

/**
 * The guard of one site among several on one ERPNext: what it, and every other site selling from
 * one of its warehouses, has sold that ERPNext has not reserved yet. Another site's order waiting
 * for its Sales Order (a lost webhook, a parked order) takes the same Bins' stock, so this site
 * must not offer it either; a site with warehouses of its own counts its own orders only. Another
 * site whose Wix does not answer counts by the holds we keep of it: its outage never stops this
 * site's stock.
 */
export async function pendingOfSharedStock(
  own: GuardSite,
  sites: GuardSite[],
  now = Date.now(),
): Promise<Map<string, number>> {
  const others = sites.filter((s) => s.site !== own.site && shareStock(s.warehouses, own.warehouses));
  const parts = await Promise.all([
    pendingWixQuantities(own, now),
    ...others.map((s) => pendingWixQuantities(s, now).catch(() => heldQuantities(s, now))),
  ]);
  const total = new Map<string, number>();
  for (const pending of parts) addQuantities(total, pending);
  return total;
}

/** The quantities of a site's held orders (claimed, parked, drafts) alone. */
async function heldQuantities(site: GuardSite, now: number): Promise<Map<string, number>> {
  const held = new Map<string, number>();
  for (const hold of await site.state.pendingHolds(now)) addQuantities(held, Object.entries(hold.skus));
  return held;
}

/** Adds quantities by SKU into a running total. */
function addQuantities(into: Map<string, number>, quantities: Iterable<[string, number]>): void {
  for (const [sku, qty] of quantities) into.set(sku, (into.get(sku) ?? 0) + qty);
}
