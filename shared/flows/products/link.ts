import type { ProductMapping } from "../records";
import type { WixVariantMatch } from "../wix-catalog";
import type { ProductCatalog, ProductMappings } from "./ports";
import { type Planned, skusOf } from "./product-plan";

/** The Wix variants carrying the SKUs of `creates` (one search). */
export async function findBySku(
  wix: Pick<ProductCatalog, "findVariantsBySku">,
  creates: Planned[],
): Promise<WixVariantMatch[]> {
  return creates.length ? wix.findVariantsBySku([...new Set(creates.flatMap(skusOf))]) : [];
}

/**
 * Existing Wix products with the same SKU are linked, never duplicated. Search Variants gives
 * each match's product id, variant id and product revision; a product whose revision did not
 * come back is read once. `matches`: a search already made for these creates and others (see
 * findBySku); without it, one is made. Returns the item codes linked (their plans now carry the
 * mapping), stamped with the catalog they were linked on.
 */
export async function linkBySku(
  wix: Pick<ProductCatalog, "findVariantsBySku" | "getProduct">,
  state: Pick<ProductMappings, "putMapping">,
  creates: Planned[],
  catalog?: ProductMapping["catalog"],
  matches?: WixVariantMatch[],
): Promise<Set<string>> {
  const linked = new Set<string>();
  if (!creates.length) return linked;
  const bySku = new Map<string, Planned>();
  for (const plan of creates) for (const sku of skusOf(plan)) bySku.set(sku, plan);
  const products = new Map<string, { revision?: string; variantIds: Map<string, string> }>();
  for (const match of matches ?? (await findBySku(wix, creates))) {
    const productId = match.productData?.productId;
    if (!productId || !match.sku || !match.variantId) continue;
    const found = products.get(productId) ?? { revision: undefined, variantIds: new Map() };
    found.revision ??= match.productData?.revision ?? undefined;
    found.variantIds.set(match.sku, match.variantId);
    products.set(productId, found);
  }
  for (const [productId, found] of products) {
    const plan = [...found.variantIds.keys()].map((sku) => bySku.get(sku)).find(Boolean);
    if (!plan || linked.has(plan.itemCode)) continue;
    const revision = found.revision ?? (await wix.getProduct(productId))?.revision;
    if (!revision) continue;
    // Keep Wix's variant ids for our SKUs, so their inventory items stay.
    for (const v of plan.product.variantsInfo.variants)
      if (v.sku && found.variantIds.has(v.sku)) v.id = found.variantIds.get(v.sku);
    const now = new Date().toISOString();
    plan.mapping = {
      itemCode: plan.itemCode,
      productId,
      variantId: plan.variantCodes ? undefined : found.variantIds.get(plan.itemCode),
      revision,
      ...(catalog ? { catalog } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await state.putMapping(plan.mapping);
    linked.add(plan.itemCode);
  }
  return linked;
}
