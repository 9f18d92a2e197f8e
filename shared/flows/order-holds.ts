import { itemForLine, type SkuLookup } from "./line-items";
import type { WixOrder } from "./wix-orders";

/**
 * What the orders flow holds and the inventory flow's oversell guard subtracts: the quantities
 * per SKU of a Wix order. Here, not in either flow, so neither flow imports the other.
 */

/** Quantities per SKU of a Wix order (SKU, else our product/variant mapping). */
export async function orderSkus(order: WixOrder, state: SkuLookup): Promise<Record<string, number>> {
  const skus: Record<string, number> = {};
  for (const line of order.lineItems) {
    const sku = await itemForLine(line, state);
    if (sku) skus[sku] = (skus[sku] ?? 0) + line.quantity;
  }
  return skus;
}
