import { randomUUID } from "node:crypto";
import type {
  MediaItemOriginal,
  ProductOptionOriginal,
  VariantOverrideOriginal,
} from "@wix/auto_sdk_stores_products/meta";
import { type Violation, WixError } from "./errors";
import { PRICE_MAX, v1, type WixResource, type WixStore } from "./store";
import type { V1Product, V1Variant } from "./v1-types";
import { checkWql, compare, matches, pathValue, type WqlSpec } from "./wql";

/**
 * Catalog V1 products (@wix/auto_sdk_stores_products). Paths are what the SDK's request builders
 * resolve on www.wixapis.com (build/cjs/index.js: CatalogWriteApi under /stores/v1/..., CatalogReadApi
 * under /stores-reader/v1/...). V1 has no revisions and no bulk create; options generate the
 * variants (one per combination of choices), and a product without managed variants has one
 * default variant.
 */

/**
 * The id of the one variant of a product without managed variants. The SDK does not spell it out;
 * this is the all-zero GUID V1 gives it (`Variant.id` is `@format GUID`).
 */
export const DEFAULT_VARIANT_ID = "00000000-0000-0000-0000-000000000000";
/** Product.description `@maxLength 8000`; sku `@maxLength 40`; ribbon 30; slug 100; brand 1..50. */
const MAX = { name: 80, description: 8000, sku: 40, ribbon: 30, slug: 100, brand: 50, label: 50 };

export const v1Products: WixResource = (r, { store, options }) => {
  r.on("POST", "/stores/v1/products", (req) =>
    v1(options, () => ({ product: answer(store, createV1Product(store, productIn(req.body)), true) })),
  );
  r.on("PATCH", "/stores/v1/products/:id", (req) =>
    v1(options, () => ({
      product: answer(store, updateV1Product(store, req.params.id as string, productIn(req.body)), true),
    })),
  );
  r.on("DELETE", "/stores/v1/products/:id", (req) =>
    v1(options, () => {
      deleteV1Product(store, req.params.id as string);
      return {};
    }),
  );
  // GetProductResponse names `product.variants` among its always-present fields (index.typings.d.ts).
  r.on("GET", "/stores-reader/v1/products/:id", (req) =>
    v1(options, () => ({ product: answer(store, existing(store, req.params.id as string), true) })),
  );
  r.on("POST", "/stores-reader/v1/products/query-platformized", (req) =>
    v1(options, () => queryProducts(store, req.body)),
  );
  r.on("POST", "/stores-reader/v1/variants/query", (req) =>
    v1(options, () => queryStoreVariants(store, req.body)),
  );
  r.on("PATCH", "/stores/v1/products/:id/variants", (req) =>
    v1(options, () => updateVariants(store, req.params.id as string, req.body)),
  );
  r.on("POST", "/stores/v1/products/:id/media", (req) =>
    v1(options, () => addMedia(store, req.params.id as string, req.body)),
  );
  r.on("POST", "/stores/v1/products/:id/media/delete", (req) =>
    v1(options, () => removeMedia(store, req.params.id as string, req.body)),
  );
  r.on("POST", "/stores/v1/products/:id/remove-brand", (req) =>
    v1(options, () => {
      const product = existing(store, req.params.id as string);
      delete product.brand;
      touch(product);
      return {};
    }),
  );
};

type ProductInput = Partial<V1Product> & { [field: string]: unknown };

function productIn(body: unknown): ProductInput {
  const product = (body as { product?: ProductInput })?.product;
  if (!product || typeof product !== "object")
    throw new WixError(400, "product is required", undefined, [
      { field: "product", description: "required" },
    ]);
  return product;
}

export function existing(store: WixStore, id: string): V1Product {
  const product = store.v1Products.get(id);
  if (!product) throw new WixError(404, `Product with id ${id} not found`, "PRODUCT_NOT_FOUND");
  return product;
}

/**
 * Create Product. `@requiredField product, product.name, product.priceData, product.priceData.price,
 * product.costAndProfitData.itemCost` (index.typings.d.ts createProduct). A parent the list names
 * is required itself (`product.priceData`); `product.costAndProfitData` is not named, so itemCost
 * is required only when a cost is given - Wix's own recipe creates products without one
 * (dev.wix.com .../stores/skills/create-product-catalog-v1). Read-only fields sent are ignored.
 * Its inventory item is made with it, untracked and in stock.
 */
export function createV1Product(store: WixStore, input: ProductInput): V1Product {
  const v: Violation[] = [];
  if (typeof input.name !== "string") v.push({ field: "product.name", description: "required" });
  if (typeof input.priceData?.price !== "number")
    v.push({ field: "product.priceData.price", description: "required" });
  if (input.costAndProfitData !== undefined && typeof input.costAndProfitData?.itemCost !== "number")
    v.push({ field: "product.costAndProfitData.itemCost", description: "required" });
  // Product.productType: "Currently, only creating physical products is supported via the API".
  if (input.productType !== undefined && input.productType !== "physical")
    v.push({ field: "product.productType", description: "only physical products can be created" });
  validate(input, v);
  checkRejected(store, input.sku);
  const now = new Date().toISOString();
  const id = randomUUID();
  const product: V1Product = {
    id,
    name: input.name as string,
    slug: uniqueSlug(store, input.slug ?? (input.name as string)),
    visible: input.visible ?? true,
    productType: "physical",
    description: input.description ?? "",
    sku: input.sku ?? "",
    weight: input.weight ?? 0,
    priceData: { price: input.priceData?.price ?? 0 },
    costAndProfitData: { itemCost: input.costAndProfitData?.itemCost ?? 0 },
    ...(input.brand ? { brand: input.brand } : {}),
    ...(input.ribbon ? { ribbon: input.ribbon } : {}),
    productOptions: normalizeOptions(input.productOptions ?? []),
    manageVariants: input.manageVariants ?? false,
    variants: [],
    media: { items: [] },
    numericId: String(Date.now() * 1000 + store.v1Products.size),
    inventoryItemId: randomUUID(),
    createdDate: now,
    lastUpdated: now,
  };
  product.variants = variantsFor(product, []);
  store.v1Products.set(id, product);
  store.v1Inventory.set(id, {
    id: product.inventoryItemId as string,
    productId: id,
    trackQuantity: false,
    variants: product.variants.map((x) => ({ variantId: x.id, quantity: 0, inStock: true })),
    lastUpdated: now,
    numericId: product.numericId as string,
  });
  return product;
}

/**
 * Update Product: the fields sent replace the stored ones. New options (or a change of
 * `manageVariants`) regenerate the variants: a combination kept keeps its variant id and data.
 */
export function updateV1Product(store: WixStore, id: string, patch: ProductInput): V1Product {
  const product = existing(store, id);
  const v: Violation[] = [];
  if (patch.id !== undefined && patch.id !== id)
    v.push({ field: "product.id", description: "must be the product of the path" });
  if (patch.productType !== undefined && patch.productType !== product.productType)
    v.push({ field: "product.productType", description: "cannot be changed" });
  validate(patch, v);
  checkRejected(store, patch.sku);
  const simple = ["name", "description", "sku", "weight", "visible", "brand", "ribbon"] as const;
  for (const key of simple) if (patch[key] !== undefined) Object.assign(product, { [key]: patch[key] });
  if (patch.slug !== undefined) product.slug = uniqueSlug(store, patch.slug as string, id);
  if (patch.priceData?.price !== undefined) product.priceData = { price: patch.priceData.price };
  if (patch.costAndProfitData?.itemCost !== undefined)
    product.costAndProfitData = { itemCost: patch.costAndProfitData.itemCost };
  const reshape = patch.productOptions !== undefined || patch.manageVariants !== undefined;
  if (patch.productOptions !== undefined) product.productOptions = normalizeOptions(patch.productOptions);
  if (patch.manageVariants !== undefined) product.manageVariants = patch.manageVariants as boolean;
  if (reshape) {
    product.variants = variantsFor(product, product.variants);
    const item = store.v1Inventory.get(id);
    if (item) {
      const old = new Map(item.variants.map((x) => [x.variantId, x]));
      item.variants = product.variants.map(
        (x) => old.get(x.id) ?? { variantId: x.id, quantity: 0, inStock: !item.trackQuantity },
      );
    }
  }
  touch(product);
  return product;
}

export function deleteV1Product(store: WixStore, id: string): void {
  existing(store, id);
  store.v1Products.delete(id);
  store.v1Inventory.delete(id);
  for (const c of store.v1Collections.values()) c.productIds = c.productIds.filter((p) => p !== id);
}

function touch(product: V1Product): void {
  product.lastUpdated = new Date().toISOString();
}

/** The field rules of Product and ProductOption / Choice (meta.d.ts `@minLength`/`@maxLength`/`@max`). */
function validate(p: ProductInput, v: Violation[]): void {
  const text = (field: string, value: unknown, max: number, min = 0) => {
    if (value === undefined || value === null) return;
    if (typeof value !== "string" || value.length < min || value.length > max)
      v.push({ field: `product.${field}`, description: `${min} to ${max} characters` });
  };
  text("name", p.name, MAX.name, 1);
  text("description", p.description, MAX.description);
  text("sku", p.sku, MAX.sku);
  text("ribbon", p.ribbon, MAX.ribbon);
  text("slug", p.slug, MAX.slug);
  text("brand", p.brand, MAX.brand, 1);
  const number = (field: string, value: unknown) => {
    if (value === undefined || value === null) return;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > PRICE_MAX)
      v.push({ field: `product.${field}`, description: `a number, 0 to ${PRICE_MAX}` });
  };
  number("priceData.price", p.priceData?.price);
  number("costAndProfitData.itemCost", p.costAndProfitData?.itemCost);
  number("weight", p.weight);
  const options = p.productOptions ?? [];
  if (!Array.isArray(options) || options.length > 6)
    v.push({ field: "product.productOptions", description: "at most 6 options" });
  else
    for (const [i, option] of options.entries()) {
      text(`productOptions[${i}].name`, option.name ?? "", MAX.label, 1);
      const choices = option.choices ?? [];
      if (choices.length < 1 || choices.length > 100)
        v.push({ field: `product.productOptions[${i}].choices`, description: "1 to 100 choices" });
      for (const [j, c] of choices.entries()) {
        text(`productOptions[${i}].choices[${j}].value`, c.value, MAX.label, 1);
        text(`productOptions[${i}].choices[${j}].description`, c.description, MAX.label, 1);
        if (!c.value && !c.description)
          v.push({ field: `product.productOptions[${i}].choices[${j}]`, description: "a value is required" });
      }
    }
  if (v.length) throw new WixError(400, "invalid product", undefined, v);
}

/** Test knob `rejectedSkus`: a store rule refuses the product (as the V3 sandbox does). */
function checkRejected(store: WixStore, sku: unknown): void {
  if (typeof sku === "string" && store.rejectedSkus.has(sku))
    throw new WixError(400, `product with SKU ${sku} violates a store rule`, "INVALID_PRODUCT");
}

/** A choice's value and description each default to the other; options are drop-downs unless set. */
function normalizeOptions(options: ProductOptionOriginal[]): ProductOptionOriginal[] {
  return options.map((o) => ({
    optionType: o.optionType ?? "drop_down",
    name: o.name,
    choices: (o.choices ?? []).map((c) => ({
      value: c.value ?? c.description,
      description: c.description ?? c.value,
      inStock: true,
      visible: true,
    })),
  }));
}

/**
 * The variants a product has: with managed variants, one per combination of its options' choices
 * (`Variant.choices` is `{option name: choice description}`), keeping the id and data of a
 * combination it had; otherwise the one default variant.
 */
function variantsFor(product: V1Product, old: V1Variant[]): V1Variant[] {
  if (!product.manageVariants || !product.productOptions.length) {
    return [{ id: DEFAULT_VARIANT_ID, choices: {}, variant: { visible: true } }];
  }
  let combos: Record<string, string>[] = [{}];
  for (const option of product.productOptions)
    combos = combos.flatMap((combo) =>
      (option.choices ?? []).map((c) => ({ ...combo, [option.name as string]: c.description as string })),
    );
  const key = (choices: Record<string, string>) => JSON.stringify(Object.entries(choices).sort());
  const kept = new Map(old.map((x) => [key(x.choices), x]));
  if (combos.length > 1000) throw new WixError(400, "at most 1000 variants", "TOO_MANY_VARIANTS");
  return combos.map(
    (choices) =>
      kept.get(key(choices)) ?? {
        id: randomUUID(),
        choices,
        variant: {
          priceData: { price: product.priceData?.price ?? 0 },
          weight: product.weight ?? 0,
          visible: true,
        },
      },
  );
}

function uniqueSlug(store: WixStore, from: string, self?: string): string {
  const base =
    from
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 90) || "product";
  const taken = new Set([...store.v1Products.values()].filter((p) => p.id !== self).map((p) => p.slug));
  let slug = base;
  for (let n = 1; taken.has(slug); n++) slug = `${base}-${n}`;
  return slug;
}

/** A variant's effective data: a default variant (or an unset field) follows the product. */
export function variantData(product: V1Product, variant: V1Variant) {
  const managed = variant.id !== DEFAULT_VARIANT_ID;
  const price = (managed ? variant.variant?.priceData?.price : undefined) ?? product.priceData?.price ?? 0;
  return {
    sku: (managed ? variant.variant?.sku : product.sku) ?? "",
    price,
    weight: (managed ? variant.variant?.weight : undefined) ?? product.weight ?? 0,
    visible: variant.variant?.visible ?? true,
  };
}

function priceData(price: number) {
  const formatted = `$${price.toFixed(2)}`;
  return {
    currency: "USD",
    price,
    discountedPrice: price,
    formatted: { price: formatted, discountedPrice: formatted },
  };
}

/** The product as Wix answers it: stock from its inventory item, collections, variants if asked. */
export function answer(store: WixStore, product: V1Product, withVariants: boolean) {
  const item = store.v1Inventory.get(product.id);
  const quantities = item?.variants ?? [];
  const inStock = quantities.filter((q) => q.inStock).length;
  const stock = {
    trackInventory: item?.trackQuantity ?? false,
    ...(item?.trackQuantity ? { quantity: quantities.reduce((n, q) => n + q.quantity, 0) } : {}),
    inStock: inStock > 0,
    inventoryStatus:
      inStock === quantities.length ? "IN_STOCK" : inStock === 0 ? "OUT_OF_STOCK" : "PARTIALLY_OUT_OF_STOCK",
  };
  const { variants, ...rest } = structuredClone(product);
  const price = priceData(product.priceData?.price ?? 0);
  const body: Record<string, unknown> = {
    ...rest,
    // Product.sku / weight: "If variant management is enabled, ... this field will be empty."
    ...(product.manageVariants ? { sku: "", weight: undefined } : {}),
    price,
    priceData: price,
    stock,
    collectionIds: [...store.v1Collections.values()]
      .filter((c) => c.productIds.includes(product.id))
      .map((c) => c.id),
  };
  if (withVariants) body.variants = variants.map((x) => variantAnswer(store, product, x));
  return body;
}

function variantAnswer(store: WixStore, product: V1Product, variant: V1Variant) {
  const data = variantData(product, variant);
  const q = store.v1Inventory.get(product.id)?.variants.find((x) => x.variantId === variant.id);
  const tracked = store.v1Inventory.get(product.id)?.trackQuantity ?? false;
  return {
    id: variant.id,
    choices: { ...variant.choices },
    variant: { priceData: priceData(data.price), weight: data.weight, sku: data.sku, visible: data.visible },
    stock: {
      trackQuantity: tracked,
      ...(tracked ? { quantity: q?.quantity ?? 0 } : {}),
      inStock: q?.inStock ?? true,
    },
  };
}

/**
 * Update Variants (`PATCH .../products/{id}/variants {variants: VariantOverride[]}`): each override
 * picks variants by `choices` (some or all options) or by `variantIds`, and sets price, cost,
 * weight, sku, visible. Only for a product with managed variants (UpdateVariantsRequest.id:
 * "ID of the product with managed variants"). Answers every variant of the product.
 */
function updateVariants(store: WixStore, id: string, body: unknown) {
  const product = existing(store, id);
  const overrides = (body as { variants?: VariantOverrideOriginal[] })?.variants;
  if (!Array.isArray(overrides) || !overrides.length)
    throw new WixError(400, "variants are required", undefined, [
      { field: "variants", description: "required" },
    ]);
  if (!product.manageVariants)
    throw new WixError(400, `product ${id} does not manage variants`, "PRODUCT_VARIANTS_NOT_MANAGED");
  const v: Violation[] = [];
  const picked = overrides.map((o, i) => {
    if (o.choices && o.variantIds)
      v.push({ field: `variants[${i}]`, description: "choices or variantIds, not both" });
    if (o.sku != null && (typeof o.sku !== "string" || o.sku.length > MAX.sku))
      v.push({ field: `variants[${i}].sku`, description: `at most ${MAX.sku} characters` });
    for (const f of ["price", "cost", "weight"] as const) {
      const n = o[f];
      if (n != null && (typeof n !== "number" || n < 0 || n > PRICE_MAX))
        v.push({ field: `variants[${i}].${f}`, description: `a number, 0 to ${PRICE_MAX}` });
    }
    const hits = product.variants.filter((x) =>
      o.variantIds
        ? o.variantIds.includes(x.id)
        : Object.entries(o.choices ?? {}).every(([name, choice]) => x.choices[name] === choice),
    );
    const unknown = (o.variantIds ?? []).filter((vid) => !product.variants.some((x) => x.id === vid));
    if (unknown.length)
      v.push({ field: `variants[${i}].variantIds`, description: `not variants of the product: ${unknown}` });
    if (!hits.length) v.push({ field: `variants[${i}]`, description: "matches no variant of the product" });
    return hits;
  });
  if (v.length) throw new WixError(400, "invalid variants", undefined, v);
  overrides.forEach((o, i) => {
    for (const x of picked[i] ?? []) {
      const data = x.variant ?? {};
      if (o.price != null) data.priceData = { price: o.price };
      if (o.cost != null) data.costAndProfitData = { itemCost: o.cost };
      if (o.weight != null) data.weight = o.weight;
      if (o.sku != null) data.sku = o.sku;
      if (o.visible != null) data.visible = o.visible;
      x.variant = data;
    }
  });
  touch(product);
  return { variants: product.variants.map((x) => variantAnswer(store, product, x)) };
}

/**
 * Add Product Media: 1..50 items, each a `url` or a `mediaId` (a oneof). "The URL is not validated"
 * (addProductMedia doc); a URL already on the product is added again, as Wix would. An external
 * URL makes a new item in the site's Wix Media ("Media external URL (for new media items)",
 * MediaDataForWrite.url; `media` are "Sources of media items already uploaded to the Wix site"),
 * so the product answers Wix's copy: a Wix Media id (MediaItem.id, e.g.
 * "nsplsh_306d666a123a4a74306459~mv2_d_4517_2992_s_4_2.jpg", meta.d.ts) and its static URL, never
 * the URL sent.
 */
function addMedia(store: WixStore, id: string, body: unknown) {
  const product = existing(store, id);
  const media = (body as { media?: { url?: string; mediaId?: string; choice?: unknown }[] })?.media;
  if (!Array.isArray(media) || media.length < 1 || media.length > 50)
    throw new WixError(400, "media must hold 1 to 50 items", undefined, [
      { field: "media", description: "1..50" },
    ]);
  media.forEach((m, i) => {
    if (Boolean(m?.url) === Boolean(m?.mediaId))
      throw new WixError(400, "each media item is a url or a mediaId", undefined, [
        { field: `media[${i}]`, description: "exactly one of url, mediaId" },
      ]);
  });
  for (const m of media) {
    const mediaId =
      m.mediaId ?? `${randomUUID().replace(/-/g, "").slice(0, 6)}_${randomUUID().replace(/-/g, "")}~mv2.jpg`;
    const item: MediaItemOriginal = {
      id: mediaId,
      mediaType: "image",
      image: { url: `https://static.wixstatic.com/media/${mediaId}`, width: 1000, height: 1000 },
    };
    product.media.items.push(item);
  }
  product.media.mainMedia = product.media.items[0];
  touch(product);
  return {};
}

/** Remove Product Media: by media id; "Pass an empty array to delete all media items" (at most 50). */
function removeMedia(store: WixStore, id: string, body: unknown) {
  const product = existing(store, id);
  const ids = (body as { mediaIds?: string[] })?.mediaIds;
  if (!Array.isArray(ids) || ids.length > 50)
    throw new WixError(400, "mediaIds is required (at most 50)", undefined, [
      { field: "mediaIds", description: "0..50" },
    ]);
  product.media.items = ids.length ? product.media.items.filter((m) => !ids.includes(m.id as string)) : [];
  product.media.mainMedia = product.media.items[0];
  if (!product.media.mainMedia) delete product.media.mainMedia;
  touch(product);
  return {};
}

/**
 * Query Products (QueryProductsPlatformized): the filterable and sortable fields of
 * ProductQuerySpec (index.typings.d.ts; the SDK's `_id`/`_createdDate` are `id`/`createdDate` on
 * the wire) plus `visible` (Product.visible doc), offset paging (`paging: 'offset'`, limit <= 100).
 * Hidden products are always left out: the Product.visible doc says the server adds `visible =
 * true` unless `includeHiddenProducts` is set, but that flag belongs to the legacy
 * QueryProductsRequest; QueryProductsPlatformizedRequest (meta.d.ts) declares only `query`, so
 * it is not read here. `sku` is the product's
 * own SKU: empty on a product with managed variants (Product.sku doc), so their SKUs are found
 * with Query Store Variants. No variants in the answer (the request has no `includeVariants`).
 */
export const PRODUCT_QUERY: WqlSpec = {
  filter: {
    id: "*",
    createdDate: "*",
    lastUpdated: "*",
    name: "*",
    description: "*",
    sku: "*",
    price: "*",
    "priceData.price": "*",
    numericId: "*",
    productType: "*",
    slug: "*",
    visible: "*",
    collectionIds: ["$hasAll", "$hasSome"],
  },
  sort: ["id", "lastUpdated", "name", "sku", "price", "priceData.price", "numericId", "productType", "slug"],
};

function queryProducts(store: WixStore, body: unknown) {
  const b = (body ?? {}) as { query?: OffsetQuery };
  const q = b.query ?? {};
  checkWql("query", q, PRODUCT_QUERY);
  const { offset, limit } = offsetPage(q);
  const all = [...store.v1Products.values()]
    .filter((p) => p.visible !== false)
    .map((p) => answer(store, p, false))
    .filter((p) =>
      matches(q.filter, (field) => {
        // `price` is the deprecated PriceData object; its filter compares the price.
        const value = pathValue(p, field === "price" ? "priceData.price" : field);
        return Array.isArray(value) ? value : [value];
      }),
    );
  sortBy(all, q.sort);
  const page = all.slice(offset, offset + limit);
  return { products: page, metadata: { count: page.length, offset, total: all.length } };
}

/**
 * Query Store Variants: every variant of every product as a StoreVariant (id
 * `{productId}-{variantId}`, `managedVariant`, `sku`, `choices`). The SDK declares no query spec
 * for it; the filterable fields are those of Wix's "Stores/Variants" collection (id, variantId,
 * productId, variantName, productName: eq, ne, hasSome) and `sku`; limit <= 100 ("Retrieves up to
 * 100 store variants").
 */
export const STORE_VARIANT_QUERY: WqlSpec = {
  filter: Object.fromEntries(
    ["id", "variantId", "productId", "variantName", "productName", "sku"].map((f) => [
      f,
      ["$eq", "$ne", "$in", "$hasSome"],
    ]),
  ),
  sort: ["id", "variantId"],
};

function queryStoreVariants(store: WixStore, body: unknown) {
  const q = ((body as { query?: OffsetQuery })?.query ?? {}) as OffsetQuery;
  checkWql("query", q, STORE_VARIANT_QUERY);
  const { offset, limit } = offsetPage(q);
  const all = storeVariants(store).filter((x) =>
    matches(q.filter, (field) => [(x as Record<string, unknown>)[field]]),
  );
  sortBy(all, q.sort);
  const page = all.slice(offset, offset + limit);
  return { variants: page, metadata: { count: page.length, offset, total: all.length } };
}

export function storeVariants(store: WixStore) {
  return [...store.v1Products.values()].flatMap((p) => {
    const item = store.v1Inventory.get(p.id);
    return p.variants.map((x) => {
      const q = item?.variants.find((s) => s.variantId === x.id);
      const choices = Object.values(x.choices);
      return {
        id: `${p.id}-${x.id}`,
        variantId: x.id,
        productId: p.id,
        variantName: choices.length ? choices.join(" | ") : p.name,
        productName: p.name,
        managedVariant: x.id !== DEFAULT_VARIANT_ID,
        sku: variantData(p, x).sku,
        choices: { ...x.choices },
        stock: {
          trackQuantity: item?.trackQuantity ?? false,
          ...(item?.trackQuantity ? { quantity: q?.quantity ?? 0 } : {}),
          inStock: q?.inStock ?? true,
        },
        collectionIds: [...store.v1Collections.values()]
          .filter((c) => c.productIds.includes(p.id))
          .map((c) => c.id),
      };
    });
  });
}

/** The V1 product and variant a SKU names (a product's own SKU, or a managed variant's). */
export function v1VariantBySku(
  store: WixStore,
  sku: string,
): { product: V1Product; variant: V1Variant } | undefined {
  for (const product of store.v1Products.values())
    for (const variant of product.variants)
      if (variantData(product, variant).sku === sku) return { product, variant };
  return undefined;
}

/** A V1 query: `paging {limit, offset}` (PlatformPaging / Paging: `@max 100`), a WQL sort. */
export interface OffsetQuery {
  filter?: Record<string, unknown>;
  sort?: { fieldName?: string; order?: string }[];
  paging?: { limit?: number; offset?: number };
  cursorPaging?: { limit?: number; cursor?: string };
}

/**
 * Offset paging, at most 100 a page. The SDK does not give the default page size; the sandbox
 * takes a small one (10), so a client must ask for the page it wants.
 */
export function offsetPage(q: OffsetQuery): { offset: number; limit: number } {
  if (q.cursorPaging !== undefined)
    throw new WixError(400, "this query pages by offset", undefined, [
      { field: "query.cursorPaging", description: "offset paging only (paging: 'offset')" },
    ]);
  const limit = q.paging?.limit ?? 10;
  const offset = q.paging?.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(offset) || offset < 0)
    throw new WixError(400, "paging.limit must be 1..100 and offset >= 0", undefined, [
      { field: "query.paging", description: "limit 1..100, offset >= 0" },
    ]);
  return { offset, limit };
}

function sortBy<T>(rows: T[], sort: OffsetQuery["sort"]): void {
  for (const s of [...(sort ?? [])].reverse()) {
    const dir = s.order === "DESC" ? -1 : 1;
    const field = s.fieldName === "price" ? "priceData.price" : (s.fieldName as string);
    rows.sort((a, b) => compare(pathValue(a, field), pathValue(b, field)) * dir);
  }
}
