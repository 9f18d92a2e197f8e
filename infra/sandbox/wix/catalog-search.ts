import type { WixProduct } from "#shared/flows/wix-catalog";
import { v3, type WixResource, type WixStore } from "./store";
import { checkWql, matches, page, paging, pathValue, type WqlRequest, type WqlSpec } from "./wql";

/**
 * Reads of the catalog: Query Products, Search Products and Search Variants. Filterable (and
 * sortable) fields of each, from the SDK's WQL specs (wire names: `_id` is `id`, `_createdDate` is
 * `createdDate`): V3ProductQuerySpec and V3ProductSearchSpec in @wix/auto_sdk_stores_products-v-3,
 * ReadOnlyVariantSearchSpec in @wix/auto_sdk_stores_read-only-variants-v-3
 * (build/cjs/*.universal-*.d.ts).
 */
const QUERY_PRODUCTS: WqlSpec = {
  filter: {
    "options.id": ["$hasAll", "$hasSome"],
    id: "*",
    handle: "*",
    createdDate: "*",
    updatedDate: "*",
    slug: "*",
    visible: "*",
  },
  sort: ["createdDate", "updatedDate", "slug", "visible"],
};
/** Search Products sorts on these (and filters on them, with any operator). */
const SEARCH_PRODUCT_SORTS = [
  "actualPriceRange.maxValue.amount",
  "actualPriceRange.minValue.amount",
  "compareAtPriceRange.maxValue.amount",
  "compareAtPriceRange.minValue.amount",
  "minVariantPriceInfo.sku",
  "name",
  "physicalProperties.shippingWeightRange.maxValue",
  "physicalProperties.shippingWeightRange.minValue",
];
const SEARCH_PRODUCTS: WqlSpec = {
  filter: {
    "allCategoriesInfo.categories": ["$matchItems"],
    "directCategoriesInfo.categories": ["$matchItems"],
    "variantsInfo.variants": ["$matchItems"],
    ...Object.fromEntries(
      [
        "additionalRibbons.id",
        "additionalRibbons.name",
        "infoSections.id",
        "infoSections.uniqueName",
        "modifiers.id",
        "modifiers.choicesSettings.choices.choiceId",
        "modifiers.choicesSettings.choices.name",
        "modifiers.name",
        "options.id",
        "options.choicesSettings.choices.choiceId",
        "options.choicesSettings.choices.name",
        "options.name",
        "tags.privateTags.tagIds",
        "tags.publicTags.tagIds",
      ].map((f) => [f, ["$hasAll", "$hasSome"]]),
    ),
    ...Object.fromEntries(
      [
        "id",
        "brand.id",
        "brand.name",
        "handle",
        "importId",
        "inventory.availabilityStatus",
        "inventory.preorderAvailability",
        "inventory.preorderStatus",
        "physicalProperties.deliveryProfileId",
        "physicalProperties.fulfillerId",
        "productType",
        "ribbon.id",
        "ribbon.name",
        "slug",
        "subscriptionDetails.allowOneTimePurchases",
        "taxGroupId",
        "visible",
        "visibleInPos",
        "createdDate",
        "updatedDate",
        ...SEARCH_PRODUCT_SORTS,
      ].map((f) => [f, "*"]),
    ),
  },
  sort: ["createdDate", "updatedDate", ...SEARCH_PRODUCT_SORTS],
};
const VARIANT_FIELDS = [
  "barcode",
  "inventoryStatus.inStock",
  "inventoryStatus.preorderEnabled",
  "price.actualPrice.amount",
  "price.compareAtPrice.amount",
  "productData.updatedDate",
  "productData.brand.id",
  "productData.handle",
  "productData.name",
  "productData.physicalProperties.fulfillerId",
  "productData.productId",
  "productData.productType",
  "productData.slug",
  "productData.visible",
  "productData.visibleInPos",
  "sku",
  "variantId",
  "visible",
];
const SEARCH_VARIANTS: WqlSpec = {
  filter: {
    id: "*",
    "optionChoices.optionChoiceIds.choiceId": ["$hasAll", "$hasSome"],
    "optionChoices.optionChoiceIds.optionId": ["$hasAll", "$hasSome"],
    ...Object.fromEntries(VARIANT_FIELDS.map((f) => [f, "*"])),
  },
  sort: [
    "optionChoices.optionChoiceIds.choiceId",
    "optionChoices.optionChoiceIds.optionId",
    ...VARIANT_FIELDS,
  ],
};

export const catalogSearch: WixResource = (r, { store, options }) => {
  r.on("POST", "/stores/v3/products/query", (req) => v3(options, () => queryProducts(store, req.body)));
  r.on("POST", "/stores/v3/products/search", (req) =>
    v3(options, () => queryProducts(store, req.body, "search")),
  );
  r.on("POST", "/stores/v3/products/search-variants", (req) =>
    v3(options, () => searchVariants(store, req.body)),
  );
};

/**
 * Query/search products: only the filters and sorts the spec declares (400 otherwise). We
 * evaluate `id` and `variantsInfo.variants` `$matchItems` on `sku`; results carry no variants.
 */
function queryProducts(store: WixStore, body: unknown, key: "query" | "search" = "query") {
  const q = ((body as Record<string, unknown>)?.[key] ?? {}) as WqlRequest;
  checkWql(key, q, key === "query" ? QUERY_PRODUCTS : SEARCH_PRODUCTS);
  const { start, limit, filter } = page(q, 100);
  const all = [...store.products.values()]
    .sort((a, b) => String(a.createdDate).localeCompare(String(b.createdDate)))
    .filter((p) => matches(filter, (field) => productField(p, field)));
  const found = all.slice(start, start + limit).map(({ variantsInfo: _v, ...rest }) => structuredClone(rest));
  return { products: found, pagingMetadata: paging(start, limit, all.length, filter) };
}

/** Search Variants (read-only variants V3): one row per variant with its product's data. */
function searchVariants(store: WixStore, body: unknown) {
  const q = ((body as { search?: unknown })?.search ?? {}) as WqlRequest;
  checkWql("search", q, SEARCH_VARIANTS);
  const { start, limit, filter } = page(q, 1000);
  const rows = [...store.products.values()].flatMap((p) =>
    p.variantsInfo.variants.map((v) => ({
      variantId: v.id,
      sku: v.sku,
      visible: v.visible ?? true,
      price: v.price,
      productData: {
        productId: p.id,
        name: p.name,
        revision: p.revision,
        productType: p.productType,
        visible: p.visible,
      },
    })),
  );
  const all = rows.filter((row) => matches(filter, (field) => [pathValue(row, field)]));
  const found = all.slice(start, start + limit).map((row) => structuredClone(row));
  return { variants: found, pagingMetadata: paging(start, limit, all.length, filter) };
}

function productField(p: WixProduct, field: string): unknown[] {
  if (field === "variantsInfo.variants") return p.variantsInfo.variants;
  if (field.startsWith("options.")) return (p.options ?? []).map((o) => pathValue(o, field.slice(8)));
  return [pathValue(p, field)];
}
