import { refuseUnsynced } from "../catalog-version";
import { HttpError, RetryableError } from "../errors";
import type { InventoryWix } from "../flows/inventory/ports";
import type { CategoryDirectory, ProductCatalog } from "../flows/products/ports";
import type { CatalogVersion } from "../flows/wix-catalog";
import type { HttpClient } from "../http/client";
import type { WixClient } from "./client";

/**
 * One Wix site's catalog, whichever version it runs. Every site runs Catalog V1 or V3 and Wix moves
 * sites from V1 to V3 on its own schedule (the Catalog Versioning API's sample flow: ask Get Catalog
 * Version, then call that version's API). The products, categories and inventory flows get their
 * Wix catalog ports from here; orders, shipments, refunds and billing stay on the site's
 * `WixClient` (eCommerce orders are the same on both versions).
 */

/** The product port without the version (the version is this class's business) plus the full read. */
export type V1Products = Omit<ProductCatalog, "catalogVersion"> & Pick<WixClient, "allVariants">;

/** A site's Catalog V1 adapters (shared/wix/catalog-v1/), implementing the flows' ports. */
export interface V1Adapters {
  products: V1Products;
  inventory: InventoryWix;
  collections: Omit<CategoryDirectory, "catalogVersion">;
}

/** How a core builds its site's V1 adapters, from the site's Wix `HttpClient` (auth, rate budget, retries, dry-run). */
export type V1AdaptersFactory = (http: HttpClient) => V1Adapters;

/** The V3 side: the site's `WixClient` (or, in tests, a fake with the same ports). */
export type V3Catalog = V1Products &
  InventoryWix &
  Omit<CategoryDirectory, "catalogVersion"> & {
    catalogVersion(opts?: { probe?: boolean }): Promise<CatalogVersion>;
  };

/**
 * How long a site's catalog version is trusted. Wix converts a V1 site to V3 whenever it decides,
 * and a run must then use the V3 API within minutes (issue 19: cached for minutes, never hours);
 * one Get Catalog Version per site every 5 minutes costs nothing against 200 requests a minute.
 */
export const CATALOG_VERSION_TTL_MS = 5 * 60_000;

/**
 * What Wix answers (428) when a call is made to the catalog the site does not run: a V3 endpoint on
 * a V1 site (infra/sandbox/wix/store.ts, as Wix's own answer) and a V1 endpoint on a V3 site. The
 * SDK does not name these codes; both are what Wix returns in practice (public integrations that
 * switch version on them).
 */
const WRONG_CATALOG = new Set([
  "CATALOG_V1_SITE_CALLING_CATALOG_V3_API",
  "CATALOG_V3_SITE_CALLING_CATALOG_V1_API",
]);

/**
 * Wix's code when it answered that the site runs the other catalog, else undefined. The adapters
 * never take this for one product's refusal: it must reach SiteCatalog, which asks the version
 * again and re-runs the call on the other catalog.
 */
export function wrongCatalogCode(error: unknown): string | undefined {
  const code = error instanceof HttpError ? error.details.code : undefined;
  return typeof code === "string" && WRONG_CATALOG.has(code) ? code : undefined;
}

export interface SiteCatalogOptions {
  v3: V3Catalog;
  v1: V1Adapters;
  /** Defaults to CATALOG_VERSION_TTL_MS. */
  versionTtlMs?: number;
  /** The site's name, for messages. */
  site?: string;
  /** The clock (tests). */
  now?: () => number;
}

type Ports = V1Adapters;

/**
 * Implements every catalog port (ProductCatalog, InventoryWix, CategoryDirectory, allVariants) by
 * delegating to the V3 client or the V1 adapters, as the site's catalog version says.
 */
export class SiteCatalog implements ProductCatalog, InventoryWix, CategoryDirectory {
  private readonly v3: V3Catalog;
  private readonly v1: V1Adapters;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private version?: { value: Promise<CatalogVersion>; at: number };

  constructor(private readonly options: SiteCatalogOptions) {
    this.v3 = options.v3;
    this.v1 = options.v1;
    this.ttlMs = options.versionTtlMs ?? CATALOG_VERSION_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * The site's catalog version, asked of Wix at most once per TTL (concurrent callers share the
   * question). A `probe` (the health check) asks Wix again, past the cache.
   */
  catalogVersion(opts: { probe?: boolean } = {}): Promise<CatalogVersion> {
    const cached = this.version;
    if (!opts.probe && cached && this.now() - cached.at < this.ttlMs) return cached.value;
    const value = this.v3.catalogVersion(opts);
    const entry = { value, at: this.now() };
    this.version = entry;
    // A failed question is not remembered: the next call asks again.
    value.catch(() => {
      if (this.version === entry) this.version = undefined;
    });
    return value;
  }

  /** Forgets the version: the next call asks Wix. */
  forgetVersion(): void {
    this.version = undefined;
  }

  getProduct(id: string) {
    return this.call((p) => p.products.getProduct(id));
  }
  updateProduct(...args: Parameters<ProductCatalog["updateProduct"]>) {
    return this.call((p) => p.products.updateProduct(...args));
  }
  bulkCreateProducts(...args: Parameters<ProductCatalog["bulkCreateProducts"]>) {
    return this.call((p) => p.products.bulkCreateProducts(...args));
  }
  bulkUpdateProducts(...args: Parameters<ProductCatalog["bulkUpdateProducts"]>) {
    return this.call((p) => p.products.bulkUpdateProducts(...args));
  }
  findVariantsBySku(skus: string[]) {
    return this.call((p) => p.products.findVariantsBySku(skus));
  }
  allVariants(onPage?: (count: number) => void) {
    return this.call((p) => p.products.allVariants(onPage));
  }

  inventoryBySku(...args: Parameters<InventoryWix["inventoryBySku"]>) {
    return this.call((p) => p.inventory.inventoryBySku(...args));
  }
  bulkUpdateInventory(...args: Parameters<InventoryWix["bulkUpdateInventory"]>) {
    return this.call((p) => p.inventory.bulkUpdateInventory(...args));
  }
  bulkCreateInventory(...args: Parameters<InventoryWix["bulkCreateInventory"]>) {
    return this.call((p) => p.inventory.bulkCreateInventory(...args));
  }

  findCategories(name: string) {
    return this.call((p) => p.collections.findCategories(name));
  }
  createCategory(name: string) {
    return this.call((p) => p.collections.createCategory(name));
  }
  addToCategory(categoryId: string, productIds: string[]) {
    return this.call((p) => p.collections.addToCategory(categoryId, productIds));
  }
  removeFromCategory(categoryId: string, productIds: string[]) {
    return this.call((p) => p.collections.removeFromCategory(categoryId, productIds));
  }

  /**
   * Runs a port call on the adapters of the site's version. Wix saying the site runs the other
   * catalog (it was just converted) forgets the version and asks again: a version that did change
   * runs the call once more on its adapters at once (the refused call wrote nothing); otherwise it
   * fails retryably.
   */
  private async call<T>(run: (ports: Ports) => Promise<T>): Promise<T> {
    const used = await this.catalogVersion();
    try {
      return await run(this.portsFor(used));
    } catch (error) {
      const code = wrongCatalogCode(error);
      if (!code) throw error;
      this.forgetVersion();
      const now = await this.catalogVersion();
      if (now !== used) return run(this.portsFor(now));
      throw new RetryableError(
        `${this.siteName()}'s catalog version changed (${code}): retried with the current one`,
      );
    }
  }

  private portsFor(version: CatalogVersion): Ports {
    refuseUnsynced(version, this.options.site);
    return version === "V1_CATALOG"
      ? this.v1
      : { products: this.v3, inventory: this.v3, collections: this.v3 };
  }

  private siteName(): string {
    return this.options.site ? `site ${this.options.site}` : "the Wix site";
  }
}
