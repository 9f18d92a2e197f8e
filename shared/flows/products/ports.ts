/**
 * What the products flow needs from the outside, named by the flow. The adapters satisfy these
 * structurally (`ErpnextClient`, `WixClient`, `StateStore`, `SyncLog`), and the unit tests use
 * in-memory fakes. Failures arrive as the domain conditions of shared/errors.ts, never as HTTP
 * statuses.
 */

import type { FlowHeartbeat } from "../job-ports";
import type { OutcomeLog, ProductMapping } from "../records";
import type {
  BulkResponse,
  CatalogVersion,
  WixNewProduct,
  WixProduct,
  WixProductUpdate,
  WixVariantMatch,
} from "../wix-catalog";

/** The category filing's port (category-ports.ts), for the adapters. */
export type { CategoryDirectory } from "./category-ports";
export type { FlowHeartbeat, OutcomeLog };

/** A Frappe list filter: `[field, operator, value]`. */
export type ItemFilter = [string, string, unknown];

/**
 * ERPNext reads: items and their prices, a template's attributes, a price named by a webhook, the
 * System Settings that give a price's decimals, the Item Group tree when a site names groups.
 */
export interface ItemSource {
  /** Every row of a list (paged by the adapter). */
  listAll<T = Record<string, unknown>>(
    doctype: "Item" | "Item Price" | "Item Group",
    opts: { fields: string[]; filters?: ItemFilter[] },
  ): Promise<T[]>;
  /** A whole document: child tables (an item's attributes) come only this way. */
  get<T = Record<string, unknown>>(doctype: "Item" | "System Settings", name: string): Promise<T>;
  /** A document, or undefined when it does not exist (a deleted Item Price). */
  find<T = Record<string, unknown>>(doctype: "Item Price", name: string): Promise<T | undefined>;
}

/**
 * Wix Catalog V3 products. Per-item refusals of a bulk call come back in its results; a single
 * update whose revision is stale throws `RevisionConflictError`, one whose product is gone
 * `NotFoundError`.
 */
export interface ProductCatalog {
  catalogVersion(): Promise<CatalogVersion>;
  /** The product, or undefined when Wix no longer has it. */
  getProduct(id: string): Promise<WixProduct | undefined>;
  updateProduct(product: WixProductUpdate): Promise<WixProduct>;
  bulkCreateProducts(products: WixNewProduct[]): Promise<BulkResponse<WixProduct>>;
  bulkUpdateProducts(products: WixProductUpdate[]): Promise<BulkResponse<WixProduct>>;
  /** The variants carrying any of these SKUs, with their product id and revision. */
  findVariantsBySku(skus: string[]): Promise<WixVariantMatch[]>;
}

/** Our record of which Wix product (and variant) shows each ERPNext item. */
export interface ProductMappings {
  getMappings(itemCodes: string[]): Promise<Map<string, ProductMapping>>;
  putMapping(mapping: ProductMapping): Promise<void>;
  /** Also remembers the Item Price behind each mapping, so a deleted price finds its item. */
  putMappings(rows: { mapping: ProductMapping; priceName?: string }[]): Promise<void>;
  itemForPrice(priceName: string): Promise<string | undefined>;
  /** Forgets a product deleted in Wix (the mappings still naming it); the item codes forgotten. */
  forgetProduct(productId: string): Promise<string[]>;
}

/**
 * Short leases on names (single-item conditional writes with an expiry), one holder at a time:
 * on Catalog V1, where Wix refuses no duplicate SKU, one worker per site and new item creates it.
 */
export interface ItemClaims {
  /** False while someone else holds the lease. */
  claim(key: string, leaseSeconds: number): Promise<boolean>;
  release(key: string): Promise<void>;
}
