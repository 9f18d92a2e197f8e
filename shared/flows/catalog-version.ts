import type { ProductMapping } from "./records";
import type { CatalogVersion, WixVariantMatch } from "./wix-catalog";

export { refuseUnsynced } from "../catalog-version";

/**
 * Which Wix catalog a site runs, and a site Wix converts from Catalog V1 to V3 while we run. Wix's
 * Catalog V1 to V3 Conversion Guide (dev.wix.com/docs/api-reference/business-solutions/stores/
 * catalog-v3/catalog-v1-to-v3-conversion-guide) lists the structural changes and "does not provide
 * an automatic migration path"; nothing in it or in the SDKs says product or variant ids survive
 * the conversion, and V3 keeps stock in inventory items of its own (one per variant and location,
 * @wix/auto_sdk_stores_inventory-items-v-3 meta.d.ts), not in V1's per-product inventory item. So
 * a mapping made on V1 is not trusted on V3: it is re-linked by SKU (our SKUs are the item codes)
 * before any update or stock write. If the ids did survive, the re-link finds the same ones.
 */

/** The stamp a mapping written now carries: "V1" on a V1 site, none on V3. */
export function catalogStamp(version: CatalogVersion): ProductMapping["catalog"] {
  return version === "V1_CATALOG" ? "V1" : undefined;
}

/** The mapping with this stamp (an earlier one dropped). */
export function stamped<M extends Pick<ProductMapping, "catalog">>(
  mapping: M,
  catalog: ProductMapping["catalog"],
): M {
  const { catalog: _previous, ...rest } = mapping;
  return (catalog ? { ...rest, catalog } : rest) as M;
}

export interface RelinkPorts {
  wix: {
    catalogVersion(): Promise<CatalogVersion>;
    findVariantsBySku(skus: string[]): Promise<WixVariantMatch[]>;
  };
  state: { putMappings(rows: { mapping: ProductMapping }[]): Promise<void> };
}

/**
 * On a site that now runs V3, re-links the V1 mappings among `mappings` to what the V3 catalog
 * holds under their SKUs, in place: a found one gets the V3 product and variant; one whose SKU Wix
 * no longer has is dropped from the map, so the caller treats it as never published (the products
 * flow links or creates it, the inventory flow leaves it). A template's own mapping takes the
 * product of its variants (mapped alongside it). Asks the version only when there is a V1 mapping.
 * Returns the item codes re-linked.
 */
export async function relinkV1Mappings(
  { wix, state }: RelinkPorts,
  mappings: Map<string, ProductMapping>,
): Promise<string[]> {
  const stale = [...mappings.values()].filter((m) => m.catalog === "V1");
  if (!stale.length || (await wix.catalogVersion()) !== "V3_CATALOG") return [];
  const bySku = new Map<string, WixVariantMatch>();
  const skus = stale.filter((m) => m.variantId).map((m) => m.itemCode);
  for (const match of skus.length ? await wix.findVariantsBySku(skus) : [])
    if (match.sku && match.variantId && match.productData?.productId) bySku.set(match.sku, match);
  const ofTemplate = new Map<string, WixVariantMatch>();
  for (const m of stale) {
    const match = bySku.get(m.itemCode);
    if (m.variantOf && match) ofTemplate.set(m.variantOf, match);
  }
  const now = new Date().toISOString();
  const relinked: ProductMapping[] = [];
  for (const old of stale) {
    const match = old.variantId ? bySku.get(old.itemCode) : ofTemplate.get(old.itemCode);
    if (!match?.productData?.productId) {
      mappings.delete(old.itemCode);
      continue;
    }
    // Named field by field: what the store keeps beside them is V1's (its revision guard,
    // shared/store/repos/mappings.ts putIfNewer), as are the revision and inventory item, which
    // mean nothing on V3. Without a revision the write is not guarded, and the next update reads
    // the product's current one.
    const mapping: ProductMapping = {
      itemCode: old.itemCode,
      productId: match.productData.productId,
      ...(old.variantId ? { variantId: match.variantId ?? undefined } : {}),
      // The image: conversion keeps the product's media (infra/sandbox/wix/v1-migrate.ts).
      ...pick(old, ["hash", "hidden", "image", "variantOf", "itemGroup", "category", "quantity"]),
      createdAt: old.createdAt,
      updatedAt: now,
    };
    mappings.set(old.itemCode, mapping);
    relinked.push(mapping);
  }
  if (relinked.length) await state.putMappings(relinked.map((mapping) => ({ mapping })));
  return relinked.map((m) => m.itemCode);
}

/** The fields of `from` named in `names` that it has. */
function pick<T extends object, K extends keyof T>(from: T, names: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(names.filter((n) => from[n] !== undefined).map((n) => [n, from[n]])) as Partial<
    Pick<T, K>
  >;
}
