import { randomUUID } from "node:crypto";
import { WixError } from "./errors";
import { type SandboxCategory, STORES_APP_ID, v3, type WixResource, type WixStore } from "./store";
import { matches, page, paging } from "./wql";

/**
 * Categories of the Wix Stores tree (@wix/auto_sdk_categories_categories): names not unique,
 * hidden ones, categories managed by another app, and bulk add/remove of products.
 */
export const categories: WixResource = (r, { store, options }) => {
  r.on("POST", "/categories/v1/categories/query", (req) =>
    v3(options, () => queryCategories(store, req.body)),
  );
  r.on("POST", "/categories/v1/categories", (req) =>
    v3(options, () => ({ category: createCategory(store, req.body) })),
  );
  r.on("POST", "/categories/v1/bulk/categories/:id/add-items", (req) =>
    v3(options, () => categoryItems(store, req.params.id as string, req.body, true)),
  );
  r.on("POST", "/categories/v1/bulk/categories/:id/remove-items", (req) =>
    v3(options, () => categoryItems(store, req.params.id as string, req.body, false)),
  );
};

/** Every Categories call names the Wix Stores tree. */
function tree(body: unknown): Record<string, unknown> {
  const b = (body ?? {}) as Record<string, unknown>;
  const ref = b.treeReference as { appNamespace?: string } | undefined;
  if (ref?.appNamespace !== "@wix/stores") {
    throw new WixError(400, "treeReference.appNamespace must be @wix/stores", undefined, [
      { field: "treeReference", description: "required" },
    ]);
  }
  return b;
}

/**
 * Query Categories: filter on `name`, `id`, `slug`, `visible` (a value, $eq or $in), oldest
 * first, cursor paging (<= 1,000, answers `hasNext`). Non-visible categories are left out
 * unless `returnNonVisibleCategories: true` (@wix/auto_sdk_categories_categories meta.d.ts).
 */
function queryCategories(store: WixStore, body: unknown) {
  const b = tree(body) as { query?: unknown; returnNonVisibleCategories?: boolean };
  const q = (b.query ?? {}) as {
    filter?: Record<string, unknown>;
    cursorPaging?: { limit?: number; cursor?: string };
  };
  const { start, limit, filter } = page(q, 1000);
  const all = [...store.categories.values()]
    .filter(
      (c) =>
        (c.visible || b.returnNonVisibleCategories === true) &&
        matches(filter, (field) => [
          ({ name: c.name, id: c.id, slug: c.slug } as Record<string, unknown>)[field],
        ]),
    )
    .sort((x, y) => x.createdDate.localeCompare(y.createdDate));
  return {
    categories: all.slice(start, start + limit).map(({ items: _i, ...c }) => ({
      ...c,
      itemCounter: _i.size,
      treeReference: { appNamespace: "@wix/stores" },
    })),
    pagingMetadata: paging(start, limit, all.length, filter),
  };
}

/**
 * Create Category. Names are not unique; the slug is made from the name (kept unique), and a
 * slug given twice is DUPLICATE_SLUG; at most 1,000 categories per tree
 * (`CreateCategoryApplicationErrors` in @wix/auto_sdk_categories_categories meta.d.ts).
 */
function createCategory(store: WixStore, body: unknown) {
  const input = (tree(body).category ?? {}) as {
    id?: string;
    name?: string;
    slug?: string;
    visible?: boolean;
    managingAppId?: string;
  };
  if (input.id)
    throw new WixError(400, "id is not allowed in the request", undefined, [
      { field: "category.id", description: "ID_NOT_ALLOWED_IN_REQUEST" },
    ]);
  const name = input.name;
  if (!name || name.length > 80)
    throw new WixError(400, "category.name must be 1 to 80 characters", undefined, [
      { field: "category.name", description: "1..80" },
    ]);
  const slugs = new Set([...store.categories.values()].map((c) => c.slug));
  if (input.slug && slugs.has(input.slug))
    throw new WixError(409, `slug ${input.slug} is taken`, "DUPLICATE_SLUG");
  if (store.categories.size >= 1000)
    throw new WixError(428, "at most 1000 categories per tree", "CATEGORIES_LIMIT_PER_TREE_EXCEEDED");
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "category";
  let slug = input.slug ?? base;
  for (let n = 1; slugs.has(slug); n++) slug = `${base}-${n}`;
  const category: SandboxCategory = {
    id: randomUUID(),
    name,
    slug,
    visible: input.visible ?? true,
    revision: "1",
    createdDate: new Date(Date.now() + store.categories.size).toISOString(),
    ...(input.managingAppId ? { managingAppId: input.managingAppId } : {}),
    items: new Set<string>(),
  };
  store.categories.set(category.id, category);
  const { items: _i, ...created } = category;
  return { ...created, itemCounter: 0, treeReference: { appNamespace: "@wix/stores" } };
}

/**
 * Bulk Add (1..1000) / Remove (1..100) Items: the whole call is refused for a category managed
 * by another app (MANAGED_CATEGORY_OPERATION_NOT_ALLOWED); otherwise one result per item,
 * `{itemMetadata: {item, originalIndex, success, error?}}`, under HTTP 200.
 */
function categoryItems(store: WixStore, id: string, body: unknown, add: boolean) {
  const b = tree(body) as { categoryId?: string; items?: unknown };
  const category = store.categories.get(id);
  if (!category) throw new WixError(404, `category ${id} not found`, "CATEGORY_NOT_FOUND");
  if (b.categoryId !== undefined && b.categoryId !== id)
    throw new WixError(400, "categoryId differs from the path", undefined, [
      { field: "categoryId", description: "must match the path" },
    ]);
  const max = add ? 1000 : 100;
  const items = b.items as { catalogItemId?: string; appId?: string }[];
  if (!Array.isArray(items) || items.length < 1 || items.length > max)
    throw new WixError(400, `between 1 and ${max} items are required`, undefined, [
      { field: "items", description: `1..${max}` },
    ]);
  if (category.managingAppId)
    throw new WixError(
      403,
      "the category's items are managed by another app",
      "MANAGED_CATEGORY_OPERATION_NOT_ALLOWED",
    );
  const results = items.map((item, originalIndex) => {
    const fail = (code: string, description: string) => ({
      itemMetadata: { item, originalIndex, success: false, error: { code, description } },
    });
    if (item?.appId !== STORES_APP_ID || !item.catalogItemId)
      return fail("INVALID_ARGUMENT", "items need the Wix Stores appId and a catalogItemId");
    if (!store.products.has(item.catalogItemId))
      return fail("NOT_FOUND", `product ${item.catalogItemId} not found`);
    if (store.rejectedCategoryItems.has(item.catalogItemId))
      return fail("INTERNAL", `product ${item.catalogItemId} could not be filed`);
    if (add) category.items.add(item.catalogItemId);
    else category.items.delete(item.catalogItemId);
    return { itemMetadata: { item, originalIndex, success: true } };
  });
  const totalSuccesses = results.filter((r) => r.itemMetadata.success).length;
  return {
    results,
    bulkActionMetadata: {
      totalSuccesses,
      totalFailures: results.length - totalSuccesses,
      undetailedFailures: 0,
    },
  };
}

/** A category made in the dashboard (or by another app, with `managingAppId`); tests. */
export function addCategory(
  store: WixStore,
  name: string,
  opts: { visible?: boolean; managingAppId?: string } = {},
): string {
  return createCategory(store, {
    category: { name, ...opts },
    treeReference: { appNamespace: "@wix/stores" },
  }).id;
}

/** Names of the categories a product is in (tests). */
export function categoriesOf(store: WixStore, productId: string): string[] {
  return [...store.categories.values()].filter((c) => c.items.has(productId)).map((c) => c.name);
}
