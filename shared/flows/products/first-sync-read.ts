import { chunks } from "../../concurrency";
import type { Progress } from "../../ops/progress";
import { refuseUnsynced } from "../catalog-version";
import { readCurrencyPrecision } from "../currency";
import type { ProductMapping } from "../records";
import type { CatalogVersion, WixInventoryItem, WixVariantMatch } from "../wix-catalog";
import { readCatalog } from "./catalog";
import { mergePlans, type PlanOptions, planSync, type SyncPlan, type WixListing } from "./first-sync";
import type { ItemSource, ProductMappings } from "./ports";

/** The Wix reads of the plan: every variant, categories by name, stock by SKU (`WixClient` has them). */
export interface PlanWixSource {
  catalogVersion(): Promise<CatalogVersion>;
  allVariants(onPage?: (count: number) => void): Promise<WixVariantMatch[]>;
  /** The categories of this exact name (only whether there is one matters). */
  findCategories(name: string): Promise<unknown[]>;
  inventoryBySku(skus: string[], locationId?: string): Promise<WixInventoryItem[]>;
}

export interface PlanSources {
  erpnext: ItemSource;
  wix: PlanWixSource;
  /** Sellable ERPNext stock of these SKUs (the inventory flow's rule, given by the composition). */
  erpnextStock: (skus: string[]) => Promise<Map<string, number>>;
  /** Our records of what is published; without them the plan is that of a first sync. */
  mappings?: Pick<ProductMappings, "getMappings">;
}

export interface ReadOptions extends PlanOptions {
  /** The Wix location stock goes to (WIX_LOCATION_ID). */
  locationId?: string;
}

/** Items read per page: the products flow's message size (one bulk call). */
const PAGE = 100;

/**
 * Reads both sides, page by page, and plans each page with the products flow's rules. Read-only:
 * it calls only list, get and search endpoints.
 */
export async function readAndPlan(
  sources: PlanSources,
  options: ReadOptions,
  progress: (total: number) => Progress,
): Promise<SyncPlan> {
  const { erpnext, wix } = sources;
  refuseUnsynced(await wix.catalogVersion(), options.scope?.own.site || undefined);

  const wixBar = progress(0);
  const listing: WixListing[] = (await wix.allVariants((n) => wixBar.tick(n, "Wix variants"))).flatMap((v) =>
    v.productData?.productId
      ? [
          {
            productId: v.productData.productId,
            productName: v.productData.name ?? undefined,
            variantId: v.variantId ?? undefined,
            sku: v.sku ?? undefined,
          },
        ]
      : [],
  );
  wixBar.done(`${listing.length} Wix variant(s)`);
  const wixSkus = new Set(listing.flatMap((v) => (v.sku ? [v.sku] : [])));

  const codes = (await erpnext.listAll<{ name: string }>("Item", { fields: ["name"] })).map((r) => r.name);
  // The sync's rule: a price is judged and published at ERPNext's currency precision.
  const planOptions = { ...options, currencyPrecision: await readCurrencyPrecision(erpnext) };
  const bar = progress(codes.length);
  const categories = new Set<string>();
  const checked = new Set<string>();
  const plans: SyncPlan[] = [];
  for (const page of chunks(codes, PAGE)) {
    const known = (await sources.mappings?.getMappings(page)) ?? new Map<string, ProductMapping>();
    const catalog = await readCatalog(
      erpnext,
      { priceList: options.priceList, sites: options.scope?.sites },
      page,
      known,
    );
    const variantCodes = [...catalog.templates.values()].flatMap((t) =>
      t.variants.map((v) => v.item.item_code),
    );
    const mappings =
      (await sources.mappings?.getMappings([...catalog.units, ...variantCodes])) ??
      new Map<string, ProductMapping>();
    for (const item of catalog.items.values()) {
      const group = item.item_group;
      if (!group || checked.has(group)) continue;
      checked.add(group);
      if ((await wix.findCategories(group)).length) categories.add(group);
    }
    // Stock is compared where Wix already sells the SKU (linked or published).
    const skus = [...page, ...variantCodes].filter((c) => wixSkus.has(c));
    const stock = skus.length ? await readStock(sources, options, skus) : undefined;
    plans.push(planSync({ catalog, mappings, wix: listing, categories, stock }, planOptions));
    bar.tick(page.length, `items`);
  }
  const plan = mergePlans(plans);
  bar.done(
    `${plan.counts.create} to create, ${plan.counts.link} to link, ${plan.conflicts.length} conflict(s)`,
  );
  return plan;
}

async function readStock(
  { erpnextStock, wix }: PlanSources,
  options: ReadOptions,
  skus: string[],
): Promise<{ erpnext: Map<string, number>; wix: Map<string, number> }> {
  const inWix = new Map<string, number>();
  for (const i of await wix.inventoryBySku(skus, options.locationId))
    if (i.product?.variantSku && i.quantity !== undefined && i.quantity !== null)
      inWix.set(i.product.variantSku, i.quantity);
  return { erpnext: await erpnextStock(skus), wix: inWix };
}
