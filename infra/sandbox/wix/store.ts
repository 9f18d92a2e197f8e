import { randomUUID } from "node:crypto";
import type { WixInventoryItem, WixProduct, WixVariant } from "#shared/flows/wix-catalog";
import type { WixFulfillment } from "#shared/flows/wix-fulfillments";
import type { WixOrder, WixOrderTransactions } from "#shared/flows/wix-orders";
import type { Router } from "../kit";
import type { WixAuth } from "./auth";
import { WixError } from "./errors";
import type { V1Collection, V1InventoryItem, V1Product } from "./v1-types";
import type { WixWebhooks } from "./webhooks";

/** The Wix Stores app: the `appId` of its catalog references and category items. */
export const STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e";
/** The store's default location: where an inventory item goes when created without one. */
export const DEFAULT_LOCATION_ID = "5f3b4a1e-0d2c-4b8a-9e61-3c7d2f0a1b01";
/** FixedMonetaryAmount.amount: `@decimalValue options { gte:0, lte:999999999.99, maxScale:3 }`. */
export const PRICE = /^\d{1,9}(\.\d{1,3})?$/;
export const PRICE_MAX = 999999999.99;

export interface WixSandboxOptions {
  apiKey: string;
  siteId: string;
  appId?: string;
  appSecret?: string;
  instanceId?: string;
  webhookUrl?: string;
  catalogVersion?: "V1_CATALOG" | "V3_CATALOG";
}

/** A stored product: what Wix returns, with its read-only dates. */
export type StoredProduct = WixProduct & { createdDate?: string; updatedDate?: string };

/** A category of the Wix Stores tree and the products in it. */
export interface SandboxCategory {
  id: string;
  name: string;
  slug: string;
  visible: boolean;
  revision: string;
  createdDate: string;
  managingAppId?: string;
  items: Set<string>;
}

/** What the store holds, and the test knobs that bend its rules. Every resource works on it. */
export class WixStore {
  readonly products = new Map<string, StoredProduct>();
  /** Brands by id (a product created with `brand.name` makes one). */
  readonly brands = new Map<string, string>();
  readonly inventory = new Map<string, WixInventoryItem>();
  readonly orders = new Map<string, WixOrder>();
  /** Each order's payments and refunds (order transactions), by order id. */
  readonly transactions = new Map<string, WixOrderTransactions>();
  /** Categories (Wix Stores tree) and the products in each. */
  readonly categories = new Map<string, SandboxCategory>();
  /** The store's locations, the default first; `addLocation` adds one. */
  readonly locations: string[] = [DEFAULT_LOCATION_ID];
  /** Each order's fulfillments (fulfillments.ts), by order id. */
  readonly fulfillments = new Map<string, WixFulfillment[]>();
  /** The shipping e-mails Wix would send the buyer (one per fulfillment with tracking). */
  readonly shippingEmails: { orderId: string; fulfillmentId: string }[] = [];
  /** The side effects each refund was made with (restock): they travel only in its events. */
  readonly refundSideEffects = new Map<string, { restockInfo?: unknown }>();
  /** Test knob: refunds stay PENDING at the provider (no `refund_completed` yet). */
  refundsPending = false;
  /** The last order number given. */
  orderNumber = 10000;
  /** Catalog V1 products (v1-products.ts), by id: on a V1 site instead of `products`. */
  readonly v1Products = new Map<string, V1Product>();
  /** Catalog V1 inventory: one item per product (v1-inventory.ts), by product id. */
  readonly v1Inventory = new Map<string, V1InventoryItem>();
  /** Catalog V1 collections (v1-collections.ts) and the product ids in each, by id. */
  readonly v1Collections = new Map<string, V1Collection>();

  /** Test knob: SKUs this store refuses (as a real store refuses an invalid product). */
  readonly rejectedSkus = new Set<string>();
  /**
   * Test knob: failures a bulk answer details; the rest only count in `undetailedFailures`
   * ("failures without details because detailed failure threshold was exceeded", BulkActionMetadata).
   */
  detailedFailureLimit = Number.POSITIVE_INFINITY;
  /** Test knob: products Bulk Add Items To Category refuses, per item. */
  readonly rejectedCategoryItems = new Set<string>();
  /**
   * Test knob: most inventory items one query page holds. Wix caps a page at 1,000 and may
   * answer fewer than the `limit` asked; only `cursors.next` says another page follows.
   */
  inventoryPageSize = 1000;
}

/** What a resource's routes reach: the data, the site's options, OAuth and the webhook sender. */
export interface WixContext {
  store: WixStore;
  options: WixSandboxOptions;
  auth: WixAuth;
  webhooks: WixWebhooks;
}

/** A resource adds its routes; answers are `{status, body}`, refusals are thrown `WixError`s. */
export type WixResource = (r: Router, ctx: WixContext) => void;

/** Catalog V3 endpoints answer 428 on a V1 site (CATALOG_V1_SITE_CALLING_CATALOG_V3_API). */
export function v3(options: WixSandboxOptions, fn: () => unknown) {
  if ((options.catalogVersion ?? "V3_CATALOG") !== "V3_CATALOG") {
    throw new WixError(428, "This site uses Catalog V1", "CATALOG_V1_SITE_CALLING_CATALOG_V3_API");
  }
  return { status: 200, body: fn() };
}

/**
 * Catalog V1 endpoints on a V3 site. Neither the SDK packages nor Wix's docs name this error (the
 * docs say only that the versions are "not backwards compatible"); the sandbox answers it as the
 * mirror of the V3 one: 428 CATALOG_V3_SITE_CALLING_CATALOG_V1_API.
 */
export function v1(options: WixSandboxOptions, fn: () => unknown) {
  if (options.catalogVersion !== "V1_CATALOG") {
    throw new WixError(428, "This site uses Catalog V3", "CATALOG_V3_SITE_CALLING_CATALOG_V1_API");
  }
  return { status: 200, body: fn() };
}

/** A variant's stock at one location: the item Wix makes with the product or on Bulk Create. */
export function newInventoryItem(
  store: WixStore,
  product: WixProduct,
  variant: WixVariant,
  quantity: number,
  locationId = DEFAULT_LOCATION_ID,
): WixInventoryItem {
  const item: WixInventoryItem = {
    id: randomUUID(),
    revision: "1",
    productId: product.id as string,
    variantId: variant.id as string,
    locationId,
    quantity,
    trackQuantity: true,
    inStock: quantity > 0,
  };
  store.inventory.set(item.id, item);
  return item;
}

export function money(n: number) {
  return { amount: (Math.round(n * 100) / 100).toFixed(2) };
}
