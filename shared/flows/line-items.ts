import type { WixLineItem } from "./wix-orders";

/**
 * Which ERPNext item a Wix order line is, in one place: the orders flow (Sales Order lines and
 * stock holds), the oversell guard, shipments and the audit all read lines through it.
 */

/** The item code of a Wix product (and variant), from our mappings. */
export interface SkuLookup {
  itemForProduct(productId: string, variantId?: string): Promise<string | undefined>;
}

/**
 * The one variant of a Catalog V1 product without managed variants: its SKU and stock are kept
 * under it, and a mapping made on V1 records it. The SDK's typings do not state its id; this is
 * the all-zero GUID Wix answers for it (Query Products `variants[].id`), and the V1 products
 * adapter must record the same value.
 */
export const V1_DEFAULT_VARIANT_ID = "00000000-0000-0000-0000-000000000000";

/**
 * The item a line is: its SKU (trimmed, as ERPNext strips item codes: Item.autoname in
 * erpnext/stock/doctype/item/item.py) when `knownSku` accepts it, else our mapping of its
 * catalog reference. The reference's `options` differ by catalog version (CatalogReference.options
 * in @wix/auto_sdk_ecom_orders meta.d.ts; Wix's Catalog V1 "eCommerce Integration"): a variant id
 * (V3, and V1 managed variants), or for a V1 product without managed variants its choices
 * (`options.options`, e.g. {Color: "Red"}) or nothing: that product's stock and SKU are its
 * default variant's. Choices of a product with managed variants but no variant id name no variant
 * we can tell: undefined, never another variant's item.
 */
export async function itemForLine(
  line: Pick<WixLineItem, "physicalProperties" | "catalogReference">,
  lookup: SkuLookup,
  knownSku: (sku: string) => Promise<boolean> = async () => true,
): Promise<string | undefined> {
  const sku = line.physicalProperties?.sku?.trim() || undefined;
  if (sku && (await knownSku(sku))) return sku;
  const ref = line.catalogReference;
  if (!ref?.catalogItemId) return undefined;
  const variantId = ref.options?.variantId;
  if (variantId) return lookup.itemForProduct(ref.catalogItemId, variantId);
  const defaultVariant = await lookup.itemForProduct(ref.catalogItemId, V1_DEFAULT_VARIANT_ID);
  if (defaultVariant || ref.options?.options) return defaultVariant;
  return lookup.itemForProduct(ref.catalogItemId);
}
