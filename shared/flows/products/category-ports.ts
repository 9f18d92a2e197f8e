/**
 * What the category filing needs from the outside, named by the flow. `WixClient` and
 * `StateStore` satisfy these structurally; the unit tests use in-memory fakes. Wix's per-product
 * refusals come back as values (`BulkError`), never as HTTP statuses.
 */

import type { FlowHeartbeat } from "../job-ports";
import type { MappingScan, OutcomeLog, ProductMapping } from "../records";
import type { BulkError } from "../wix-bulk";
import type { CatalogVersion } from "../wix-catalog";

export type { FlowHeartbeat, MappingScan, OutcomeLog };

/** A Wix Stores category. */
export interface Category {
  id: string;
  name: string;
}

/** What Wix answered for one product of an add or remove: no error means done. */
export interface Filing {
  productId: string;
  error?: BulkError;
}

/** The Wix Stores category tree (V1: collections). Names are not unique in Wix. */
export interface CategoryDirectory {
  /** V1 collection ids mean nothing once Wix converts the site to V3: ids are remembered per version. */
  catalogVersion(): Promise<CatalogVersion>;
  /** Categories named exactly so that we may file into, oldest first. */
  findCategories(name: string): Promise<Category[]>;
  createCategory(name: string): Promise<Category>;
  /** One answer per product id, in order (at most 100 a call). */
  addToCategory(categoryId: string, productIds: string[]): Promise<Filing[]>;
  removeFromCategory(categoryId: string, productIds: string[]): Promise<Filing[]>;
}

/** Our records: each product's group and the category it is filed under, and category ids by group. */
export interface CategoryState {
  getMappings(itemCodes: string[]): Promise<Map<string, ProductMapping>>;
  putMappings(rows: { mapping: ProductMapping }[]): Promise<void>;
  getCategoryId(group: string): Promise<string | undefined>;
  putCategoryId(group: string, id: string): Promise<void>;
}

/** Products to file under their group's category: the products queue's `categories` message. */
export interface CategoryMessage {
  kind: "categories";
  group: string;
  itemCodes: string[];
  source: string;
}
