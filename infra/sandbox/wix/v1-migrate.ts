import { randomUUID } from "node:crypto";
import type { WixVariant } from "#shared/flows/wix-catalog";
import { addCategory } from "./categories";
import { newInventoryItem, type StoredProduct, type WixSandboxOptions, type WixStore } from "./store";
import { variantData } from "./v1-products";

/**
 * Wix converts a V1 site to Catalog V3 on its own schedule ("Once a store has been upgraded to V3,
 * it will not be downgraded to V1", Catalog Versioning docs). Wix's docs do not say whether ids
 * survive: the Catalog V1 to V3 Conversion Guide maps the product's `id` field to V3's `id` but
 * "does not provide an automatic migration path", and names no variant, inventory or collection
 * id mapping. The sandbox takes the pessimistic case a client must survive: product ids are kept;
 * variant, inventory item and category (was collection) ids are new. SKUs, names, prices, weights,
 * brands, media, visibility, stock and collection membership carry over. Orders are untouched, so
 * their V1 catalog references keep the old variant ids.
 */
export function migrateToV3(store: WixStore, options: WixSandboxOptions): void {
  if (options.catalogVersion !== "V1_CATALOG") return;
  for (const p of store.v1Products.values()) {
    const managed = p.manageVariants && p.productOptions.length > 0;
    const item = store.v1Inventory.get(p.id);
    const variants = p.variants.map((x) => {
      const data = variantData(p, x);
      const variant: WixVariant = {
        id: randomUUID(),
        ...(data.sku ? { sku: data.sku } : {}),
        visible: data.visible,
        price: { actualPrice: { amount: String(data.price) } },
        physicalProperties: data.weight ? { weight: data.weight } : {},
        ...(managed
          ? {
              choices: Object.entries(x.choices).map(([optionName, choiceName]) => ({
                optionChoiceNames: { optionName, choiceName, renderType: "TEXT_CHOICES" as const },
              })),
            }
          : {}),
      };
      return { variant, stock: item?.variants.find((s) => s.variantId === x.id) };
    });
    let brand: StoredProduct["brand"];
    if (p.brand) {
      const known = [...store.brands].find(([, name]) => name === p.brand)?.[0] ?? randomUUID();
      store.brands.set(known, p.brand);
      brand = { id: known, name: p.brand };
    }
    const product: StoredProduct = {
      id: p.id,
      revision: "1",
      name: p.name,
      // V1's description is HTML; V3's plainDescription takes it as is.
      ...(p.description ? { plainDescription: p.description } : {}),
      visible: p.visible ?? true,
      productType: "PHYSICAL",
      physicalProperties: {},
      ...(brand ? { brand } : {}),
      ...(p.media.items.length
        ? { media: { itemsInfo: { items: p.media.items.map((m) => ({ url: m.image?.url, id: m.id })) } } }
        : {}),
      ...(managed
        ? {
            options: p.productOptions.map((o) => ({
              name: o.name as string,
              optionRenderType: "TEXT_CHOICES" as const,
              choicesSettings: {
                choices: (o.choices ?? []).map((c) => ({
                  choiceType: "CHOICE_TEXT" as const,
                  name: c.description as string,
                })),
              },
            })),
          }
        : {}),
      variantsInfo: { variants: variants.map((x) => x.variant) },
      createdDate: p.createdDate,
      updatedDate: new Date().toISOString(),
    };
    store.products.set(p.id, product);
    for (const { variant, stock } of variants) {
      const created = newInventoryItem(store, product, variant, stock?.quantity ?? 0);
      created.trackQuantity = item?.trackQuantity ?? false;
      created.inStock = item?.trackQuantity ? (created.quantity ?? 0) > 0 : (stock?.inStock ?? true);
    }
  }
  for (const c of store.v1Collections.values()) {
    const id = addCategory(store, c.name, { visible: c.visible });
    for (const productId of c.productIds) store.categories.get(id)?.items.add(productId);
  }
  store.v1Products.clear();
  store.v1Inventory.clear();
  store.v1Collections.clear();
  options.catalogVersion = "V3_CATALOG";
}
