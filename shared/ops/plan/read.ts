import { chunks } from "../../concurrency";
import type { ErpnextClient } from "../../erpnext/client";
import { PermanentError } from "../../errors";
import { readCurrencyPrecision } from "../../flows/currency";
import { readBins, sellableQuantities } from "../../flows/inventory/sync";
import { readCatalog } from "../../flows/products/catalog";
import type { ProductMappings } from "../../flows/products/ports";
import type { ProductMapping } from "../../flows/records";
import type { WixClient } from "../../wix/client";
import type { Progress } from "../progress";
import { mergePlans, type PlanOptions, planSync, type SyncPlan, type WixListing } from "./plan";

export interface PlanSources {
  erpnext: Pick<ErpnextClient, "listAll" | "get" | "find">;
  wix: Pick<WixClient, "catalogVersion" | "allVariants" | "findCategories" | "inventoryBySku">;
  /** Our records of what is published; without them the plan is that of a first sync. */
  mappings?: Pick<ProductMappings, "getMappings">;
}

export interface ReadOptions extends PlanOptions {
  /** Warehouses whose stock is sellable (ERPNEXT_WAREHOUSES; empty = all). */
  warehouses: string[];
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
  const version = await wix.catalogVersion();
  if (version !== "V3_CATALOG")
    throw new PermanentError(`the Wix site runs ${version}: only Catalog V3 is synced`);

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
    const catalog = await readCatalog(erpnext, options.priceList, page, known);
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
  { erpnext, wix }: PlanSources,
  options: ReadOptions,
  skus: string[],
): Promise<{ erpnext: Map<string, number>; wix: Map<string, number> }> {
  const bins = await readBins(erpnext, skus, options.warehouses);
  const inWix = new Map<string, number>();
  for (const i of await wix.inventoryBySku(skus, options.locationId))
    if (i.product?.variantSku && i.quantity !== undefined && i.quantity !== null)
      inWix.set(i.product.variantSku, i.quantity);
  return { erpnext: sellableQuantities(bins, options.warehouses, skus), wix: inWix };
}
