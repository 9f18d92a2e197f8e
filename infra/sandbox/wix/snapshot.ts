import type { WixInventoryItem } from "#shared/flows/wix-catalog";
import type { WixFulfillment } from "#shared/flows/wix-fulfillments";
import type { WixOrder, WixOrderTransactions } from "#shared/flows/wix-orders";
import { DEFAULT_LOCATION_ID, type SandboxCategory, type StoredProduct, type WixStore } from "./store";
import type { WixWebhooks } from "./webhooks";

/** Everything the store holds (and its signing key), saved as JSON by the local host. */
export interface WixSnapshot {
  products: StoredProduct[];
  inventory: WixInventoryItem[];
  orders: WixOrder[];
  fulfillments?: Record<string, WixFulfillment[]>;
  transactions?: WixOrderTransactions[];
  categories?: (Omit<SandboxCategory, "items"> & { items: string[] })[];
  locations?: string[];
  orderNumber: number;
  sequence: number;
  keys: { publicKeyPem: string; privateKeyPem: string };
}

export function snapshotOf(store: WixStore, webhooks: WixWebhooks): WixSnapshot {
  return {
    products: [...store.products.values()],
    inventory: [...store.inventory.values()],
    orders: [...store.orders.values()],
    fulfillments: Object.fromEntries(store.fulfillments),
    transactions: [...store.transactions.values()],
    categories: [...store.categories.values()].map((c) => ({ ...c, items: [...c.items] })),
    locations: [...store.locations],
    orderNumber: store.orderNumber,
    sequence: webhooks.sequence,
    keys: { ...webhooks.keys },
  };
}

/** Puts a snapshot back; older snapshots (before categories, locations) are brought up to date. */
export function restoreSnapshot(store: WixStore, webhooks: WixWebhooks, s: WixSnapshot): void {
  const fill = <T extends { id?: string }>(map: Map<string, T>, list: T[]) => {
    map.clear();
    for (const x of list) map.set(x.id as string, x);
  };
  fill(store.products, s.products);
  fill(store.inventory, s.inventory);
  fill(store.orders, s.orders);
  store.fulfillments.clear();
  for (const [orderId, list] of Object.entries(s.fulfillments ?? {})) store.fulfillments.set(orderId, list);
  store.transactions.clear();
  for (const tx of s.transactions ?? []) store.transactions.set(tx.orderId, tx);
  store.categories.clear();
  for (const c of s.categories ?? [])
    store.categories.set(c.id, {
      ...c,
      slug: c.slug ?? c.id,
      visible: c.visible ?? true,
      createdDate: c.createdDate ?? new Date(0).toISOString(),
      items: new Set(c.items),
    });
  store.locations.splice(0, store.locations.length, ...(s.locations ?? [DEFAULT_LOCATION_ID]));
  // Snapshots from before locations: their items were at the one (default) location.
  for (const item of store.inventory.values())
    if (!store.locations.includes(item.locationId ?? "")) item.locationId = DEFAULT_LOCATION_ID;
  store.orderNumber = s.orderNumber;
  webhooks.sequence = s.sequence;
  webhooks.keys = { publicKeyPem: s.keys.publicKeyPem, privateKeyPem: s.keys.privateKeyPem };
}
