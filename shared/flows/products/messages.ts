import * as z from "../../validation";

const code = z.string().check(z.minLength(1));

const itemsMessage = z
  .object({
    kind: z.literal("items"),
    itemCodes: z.array(code).check(z.maxLength(100)),
    /** Item Price names from thin webhooks: the worker resolves them to item codes. */
    priceNames: z.optional(z.array(code).check(z.maxLength(100))),
    /** Wix products deleted in Wix (Catalog V1 `ProductDeleted`): the worker forgets their mappings. */
    deletedProductIds: z.optional(z.array(code).check(z.maxLength(100))),
    source: z.string(),
    changedAt: z.optional(z.string()),
  })
  .check(
    z.refine(
      (m) =>
        m.itemCodes.length > 0 || (m.priceNames?.length ?? 0) > 0 || (m.deletedProductIds?.length ?? 0) > 0,
      "names no item",
    ),
  );
/** Products to file under the Wix category of their item group (the category job). */
const categoriesMessage = z.object({
  kind: z.literal("categories"),
  group: code,
  itemCodes: z.array(code).check(z.minLength(1), z.maxLength(100)),
  source: z.string(),
});
export const productsMessage = z.discriminatedUnion("kind", [itemsMessage, categoriesMessage]);
export type ProductsMessage = z.infer<typeof productsMessage>;

/** Splits item codes into messages the products worker can push in one bulk call. */
export function itemMessages(
  codes: string[],
  source: string,
  size = 100,
  changedAt?: string,
): ProductsMessage[] {
  const out: ProductsMessage[] = [];
  for (let i = 0; i < codes.length; i += size)
    out.push({ kind: "items", itemCodes: codes.slice(i, i + size), source, changedAt });
  return out;
}
