import * as z from "../../validation";

const code = z.string().check(z.minLength(1));

export const inventoryMessage = z
  .object({
    kind: z.literal("stock"),
    itemCodes: z.array(code).check(z.maxLength(1000)),
    /** Stock Ledger Entry names from thin webhooks: the worker resolves them to item codes. */
    ledgerEntries: z.optional(z.array(code).check(z.maxLength(100))),
    /** Wix products whose stock changed in Wix (Catalog V1 events): the worker re-checks their items. */
    wixProductIds: z.optional(z.array(code).check(z.maxLength(100))),
    /** The quantities Wix reported for those products' variants: our own write's echo is skipped. */
    wixQuantities: z.optional(
      z
        .array(z.object({ productId: code, variantId: code, quantity: z.optional(z.number()) }))
        .check(z.maxLength(1000)),
    ),
    source: z.string(),
    changedAt: z.optional(z.string()),
  })
  .check(
    z.refine(
      (m) =>
        m.itemCodes.length > 0 || (m.ledgerEntries?.length ?? 0) > 0 || (m.wixProductIds?.length ?? 0) > 0,
      "names no item",
    ),
  );
export type InventoryMessage = z.infer<typeof inventoryMessage>;
