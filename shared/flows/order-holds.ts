import type { WixOrder } from "./wix-orders";

/**
 * What the orders flow holds and the inventory flow's oversell guard subtracts: the quantities
 * per SKU of a Wix order. Here, not in either flow, so neither flow imports the other.
 */

/** The item code of a Wix product (and variant), from our mappings. */
export interface SkuLookup {
  itemForProduct(productId: string, variantId?: string): Promise<string | undefined>;
}

/** Quantities per SKU of a Wix order (SKU, else our product/variant mapping). */
export async function orderSkus(order: WixOrder, state: SkuLookup): Promise<Record<string, number>> {
  const skus: Record<string, number> = {};
  for (const line of order.lineItems) {
    const ref = line.catalogReference;
    const sku =
      (line.physicalProperties?.sku?.trim() || undefined) ??
      (ref?.catalogItemId
        ? await state.itemForProduct(ref.catalogItemId, ref.options?.variantId)
        : undefined);
    if (sku) skus[sku] = (skus[sku] ?? 0) + line.quantity;
  }
  return skus;
}
