import { randomUUID } from "node:crypto";
import type { WixNewProduct, WixProduct, WixVariant } from "#shared/flows/wix-catalog";
import { type Violation, WixError } from "./errors";
import {
  newInventoryItem,
  PRICE,
  PRICE_MAX,
  type StoredProduct,
  v3,
  type WixResource,
  type WixStore,
} from "./store";

/**
 * V3 products (@wix/auto_sdk_stores_products-v-3): revisions (409 on a stale one), the required
 * variant, decimal-string prices, store-wide unique SKUs, options and variants that agree.
 */

/** V3Brand.name, ConnectedOption.name, ConnectedOptionChoice.name: @maxLength 50. */
const LABEL_MAX = 50;

export const catalog: WixResource = (r, { store, options }) => {
  r.on("GET", "/stores/v3/provision/version", () => ({
    status: 200,
    body: { catalogVersion: options.catalogVersion ?? "V3_CATALOG" },
  }));
  r.on("POST", "/stores/v3/products", (req) =>
    v3(options, () => ({ product: createProduct(store, productOf(req.body)) })),
  );
  r.on("POST", "/stores/v3/products-with-inventory", (req) =>
    v3(options, () => ({ product: createProduct(store, productOf(req.body), true) })),
  );
  r.on("GET", "/stores/v3/products/:id", (req) =>
    v3(options, () => ({ product: getProduct(store, req.params.id as string) })),
  );
  r.on("PATCH", "/stores/v3/products/:id", (req) =>
    v3(options, () => ({ product: updateProduct(store, req.params.id as string, productOf(req.body)) })),
  );
  r.on("DELETE", "/stores/v3/products/:id", (req) =>
    v3(options, () => {
      getProduct(store, req.params.id as string);
      store.products.delete(req.params.id as string);
      return {};
    }),
  );
};

export function getProduct(store: WixStore, id: string): WixProduct {
  const product = store.products.get(id);
  if (!product) throw new WixError(404, `Product with id ${id} not found`, "PRODUCT_NOT_FOUND");
  return structuredClone(product);
}

export function createProduct(
  store: WixStore,
  input: WixNewProduct & { id?: string; revision?: string },
  withInventory = false,
): WixProduct {
  if (input.id || input.revision)
    throw new WixError(400, "id and revision are read-only on create", undefined, [
      { field: "product.id", description: "must be empty" },
    ]);
  validate(store, input, true);
  const now = new Date().toISOString();
  const product: StoredProduct = {
    ...(structuredClone(input) as WixProduct),
    brand: input.brand ? brandByName(store, input.brand) : undefined,
    id: randomUUID(),
    revision: "1",
    visible: input.visible ?? true,
    createdDate: now,
    updatedDate: now,
  };
  product.variantsInfo.variants = input.variantsInfo.variants.map(({ inventoryItem: _stock, ...v }) => ({
    ...structuredClone(v),
    id: v.id ?? randomUUID(),
  }));
  if (!product.brand) delete product.brand;
  checkSkus(store, product);
  store.products.set(product.id as string, product);
  if (withInventory) {
    input.variantsInfo.variants.forEach((v, i) => {
      const variant = product.variantsInfo.variants[i] as WixVariant;
      newInventoryItem(store, product, variant, v.inventoryItem?.quantity ?? 0);
    });
  }
  return structuredClone(product);
}

export function updateProduct(store: WixStore, id: string, patch: Partial<WixProduct>): WixProduct {
  const rules = updateRules(patch);
  if (rules.length) throw new WixError(400, "invalid product update", undefined, rules);
  const current = store.products.get(id);
  if (!current) throw new WixError(404, `Product with id ${id} not found`, "PRODUCT_NOT_FOUND");
  if (!patch.revision)
    throw new WixError(400, "revision is required", undefined, [
      { field: "product.revision", description: "required" },
    ]);
  if (patch.revision !== current.revision) throw new WixError(409, "revision mismatch", "REVISION_MISMATCH");
  // "To update `variantsInfo.variants` you must also pass `options` and vice versa" (updateProduct
  // doc, @wix/auto_sdk_stores_products-v-3 build/cjs/index.d.ts).
  if (patch.options !== undefined && patch.variantsInfo === undefined) {
    throw new WixError(
      400,
      "options must be sent with variantsInfo",
      "VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT",
    );
  }
  const next: StoredProduct = {
    ...structuredClone(current),
    ...structuredClone(patch),
    id,
    brand: patch.brand ? brandById(store, patch.brand.id as string) : current.brand,
    variantsInfo: current.variantsInfo,
  };
  if (patch.variantsInfo) {
    // The variants array replaces the old one whole; a variant without id is a new variant.
    const oldIds = new Set(current.variantsInfo.variants.map((v) => v.id));
    for (const v of patch.variantsInfo.variants) {
      if (v.id && !oldIds.has(v.id))
        throw new WixError(
          400,
          `variant ${v.id} does not belong to the product`,
          "VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT",
        );
    }
    next.variantsInfo = {
      variants: patch.variantsInfo.variants.map((v) => ({
        ...structuredClone(v),
        id: v.id ?? randomUUID(),
      })),
    };
    const kept = new Set(next.variantsInfo.variants.map((v) => v.id));
    for (const [invId, inv] of store.inventory)
      if (inv.productId === id && !kept.has(inv.variantId)) store.inventory.delete(invId);
  }
  validate(store, next, false);
  checkSkus(store, next);
  next.revision = String(Number(current.revision) + 1);
  next.updatedDate = new Date().toISOString();
  store.products.set(id, next);
  return structuredClone(next);
}

function productOf(body: unknown): WixProduct {
  const product = (body as { product?: WixProduct })?.product;
  if (!product || typeof product !== "object")
    throw new WixError(400, "product is required", undefined, [
      { field: "product", description: "required" },
    ]);
  return product;
}

function brandByName(
  store: WixStore,
  brand: NonNullable<WixProduct["brand"]>,
): NonNullable<WixProduct["brand"]> {
  if (brand.id) return brandById(store, brand.id);
  const name = brand.name ?? "";
  const known = [...store.brands].find(([, n]) => n === name);
  const id = known?.[0] ?? randomUUID();
  store.brands.set(id, name);
  return { id, name };
}

function brandById(store: WixStore, id: string): NonNullable<WixProduct["brand"]> {
  const name = store.brands.get(id);
  if (name === undefined) throw new WixError(404, `brand ${id} not found`, "BRAND_NOT_FOUND");
  return { id, name };
}

/** Update rules from the SDK's updateProduct doc and UpdateProductValidationErrors. */
function updateRules(patch: Partial<WixProduct>): Violation[] {
  const v: Violation[] = [];
  if (patch.brand && !patch.brand.id)
    v.push({
      field: "product.brand.id",
      description: "a brand is assigned by id on update",
      ruleName: "BRAND_MISSING_ID",
    });
  if (patch.variantsInfo !== undefined && patch.options === undefined)
    v.push({
      field: "product.options",
      description: "options must be sent with variantsInfo",
      ruleName: "MISSING_OPTIONS_ON_UPDATE_VARIANTS",
    });
  return v;
}

function validate(store: WixStore, p: WixNewProduct, creating: boolean): void {
  const v: Violation[] = [];
  if (creating || p.name !== undefined) {
    if (typeof p.name !== "string" || p.name.length < 1 || p.name.length > 80)
      v.push({ field: "product.name", description: "must be 1 to 80 characters" });
  }
  if (p.plainDescription && p.plainDescription.length > 16000)
    v.push({ field: "product.plainDescription", description: "at most 16000 characters" });
  if (p.productType === "PHYSICAL" && !p.physicalProperties)
    v.push({ field: "product.physicalProperties", description: "required for PHYSICAL products" });
  if (p.brand?.name !== undefined && (p.brand.name ?? "").length > LABEL_MAX)
    v.push({ field: "product.brand.name", description: `at most ${LABEL_MAX} characters` });
  for (const [i, option] of (p.options ?? []).entries()) {
    if (!option.name || option.name.length > LABEL_MAX)
      v.push({ field: `product.options[${i}].name`, description: `1 to ${LABEL_MAX} characters` });
    for (const [j, choice] of (option.choicesSettings?.choices ?? []).entries())
      if (!choice.name || choice.name.length > LABEL_MAX)
        v.push({
          field: `product.options[${i}].choicesSettings.choices[${j}].name`,
          description: `1 to ${LABEL_MAX} characters`,
        });
  }
  if ((p.media?.itemsInfo.items.length ?? 0) > 50)
    v.push({ field: "product.media", description: "at most 50 items" });
  const variants = p.variantsInfo?.variants;
  if (!variants?.length)
    v.push({ field: "product.variantsInfo.variants", description: "at least one variant is required" });
  for (const [i, variant] of (variants ?? []).entries()) {
    if (variant.sku !== undefined && (variant.sku.length < 1 || variant.sku.length > 40))
      v.push({
        field: `product.variantsInfo.variants[${i}].sku`,
        description: "must be 1 to 40 characters",
      });
    const amount = variant.price?.actualPrice?.amount;
    if (typeof amount !== "string" || !PRICE.test(amount) || Number(amount) > PRICE_MAX)
      v.push({
        field: `product.variantsInfo.variants[${i}].price.actualPrice.amount`,
        description: `a decimal string, 0 to ${PRICE_MAX}, at most 3 decimal places`,
      });
    // Variant doc: physicalProperties "Must be passed when productType: PHYSICAL".
    if (p.productType === "PHYSICAL" && !variant.physicalProperties)
      v.push({
        field: `product.variantsInfo.variants[${i}].physicalProperties`,
        description: "required for variants of PHYSICAL products",
        ruleName: "VARIANTS_TYPED_PROPERTIES_ARE_NOT_ALIGNED",
      });
  }
  const options = p.options ?? [];
  if (options.length > 6) v.push({ field: "product.options", description: "at most 6 options" });
  if (v.length) throw new WixError(400, "invalid product", undefined, v);
  checkVariantsAlign(options, variants ?? []);

  const rejected = variants?.find((variant) => variant.sku && store.rejectedSkus.has(variant.sku));
  if (rejected)
    throw new WixError(400, `product with SKU ${rejected.sku} violates a store rule`, "INVALID_PRODUCT");
  if ((variants?.length ?? 0) > 1000) throw new WixError(400, "too many variants", "TOO_MANY_VARIANTS");
}

/**
 * Options and variants must agree: no options means one variant with no choices; otherwise every
 * variant picks one existing choice of each option, and no two variants pick the same ones.
 */
function checkVariantsAlign(options: NonNullable<WixProduct["options"]>, variants: WixVariant[]): void {
  const fail = (why: string) => {
    throw new WixError(400, why, "VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT");
  };
  if (!options.length) {
    if (variants.length !== 1 || (variants[0]?.choices?.length ?? 0) > 0)
      fail("a product without options has exactly one variant without choices");
    return;
  }
  const combos = new Set<string>();
  for (const variant of variants) {
    const choices = variant.choices ?? [];
    if (choices.length !== options.length)
      fail(`variant ${variant.sku ?? variant.id} must choose one value of each option`);
    const picked = options.map((option) => {
      const choice = choices.find((c) => c.optionChoiceNames?.optionName === option.name);
      const name = choice?.optionChoiceNames.choiceName;
      if (!name || !option.choicesSettings?.choices.some((c) => c.name === name))
        fail(`variant ${variant.sku ?? variant.id}: no choice "${name}" in option ${option.name}`);
      return name;
    });
    const key = picked.join("\u0000");
    if (combos.has(key)) fail(`two variants choose ${picked.join(" / ")}`);
    combos.add(key);
  }
}

function checkSkus(store: WixStore, product: WixProduct): void {
  const skus = new Set(product.variantsInfo.variants.map((v) => v.sku).filter(Boolean));
  for (const other of store.products.values()) {
    if (other.id === product.id) continue;
    for (const v of other.variantsInfo.variants) {
      if (v.sku && skus.has(v.sku))
        throw new WixError(400, `SKU ${v.sku} already exists`, "SKU_ALREADY_EXIST_ERROR");
    }
  }
}
