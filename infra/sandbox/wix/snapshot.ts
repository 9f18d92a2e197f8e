import type { WixInventoryItem } from "#shared/flows/wix-catalog";
import type { WixFulfillment } from "#shared/flows/wix-fulfillments";
import type { WixOrder, WixOrderTransactions } from "#shared/flows/wix-orders";
import {
  DEFAULT_LOCATION_ID,
  type SandboxCategory,
  type StoredProduct,
  type WixSandboxOptions,
  type WixStore,
} from "./store";
import type { V1Collection, V1InventoryItem, V1Product } from "./v1-types";
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
  /** The site's catalog version: a V1 site stays V1 (or migrated, V3) across restarts. */
  catalogVersion?: "V1_CATALOG" | "V3_CATALOG";
  v1Products?: V1Product[];
  v1Inventory?: V1InventoryItem[];
  v1Collections?: V1Collection[];
  sequence: number;
  keys: { publicKeyPem: string; privateKeyPem: string };
}

export function snapshotOf(store: WixStore, webhooks: WixWebhooks, options: WixSandboxOptions): WixSnapshot {
  return {
    products: [...store.products.values()],
    inventory: [...store.inventory.values()],
    orders: [...store.orders.values()],
    fulfillments: Object.fromEntries(store.fulfillments),
    transactions: [...store.transactions.values()],
    categories: [...store.categories.values()].map((c) => ({ ...c, items: [...c.items] })),
    locations: [...store.locations],
    orderNumber: store.orderNumber,
    catalogVersion: options.catalogVersion ?? "V3_CATALOG",
    v1Products: [...store.v1Products.values()],
    v1Inventory: [...store.v1Inventory.values()],
    v1Collections: [...store.v1Collections.values()],
    sequence: webhooks.sequence,
    keys: { ...webhooks.keys },
  };
}

/**
 * Puts a snapshot back; older snapshots (before categories, locations) are brought up to date. The
 * saved catalog version wins over the one the site was started with: its data is in that shape.
 */
export function restoreSnapshot(
  store: WixStore,
  webhooks: WixWebhooks,
  s: WixSnapshot,
  options: WixSandboxOptions,
): void {
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
  if (s.catalogVersion) options.catalogVersion = s.catalogVersion;
  store.v1Products.clear();
  for (const p of s.v1Products ?? []) store.v1Products.set(p.id, p);
  store.v1Inventory.clear();
  for (const i of s.v1Inventory ?? []) store.v1Inventory.set(i.productId, i);
  store.v1Collections.clear();
  for (const c of s.v1Collections ?? []) store.v1Collections.set(c.id, c);
  webhooks.sequence = s.sequence;
  webhooks.keys = { publicKeyPem: s.keys.publicKeyPem, privateKeyPem: s.keys.privateKeyPem };
}
