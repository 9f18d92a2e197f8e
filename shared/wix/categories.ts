import type {
  BulkAddItemsToCategoryRequestOriginal,
  BulkAddItemsToCategoryResponseOriginal,
  BulkRemoveItemsFromCategoryRequestOriginal,
  BulkRemoveItemsFromCategoryResponseOriginal,
  CategoryOriginal,
  CreateCategoryRequestOriginal,
  CreateCategoryResponseOriginal,
  QueryCategoriesRequestOriginal,
  QueryCategoriesResponseOriginal,
} from "@wix/auto_sdk_categories_categories/meta";
import type { BulkError } from "../flows/wix-bulk";
import type { HttpClient } from "../http/client";
import { queryPages } from "./query";
import { errorOf } from "./responses";

/**
 * Every Categories call names the Wix Stores tree: `appNamespace: "@wix/stores"` in its
 * `treeReference` (@wix/auto_sdk_categories_categories build/cjs/meta.d.ts).
 */
/** The Wix Stores app: categories hold its catalog items under this app id. */
export const WIX_STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e";
const STORES_TREE = { appNamespace: "@wix/stores" };

export interface WixCategory {
  id: string;
  name: string;
}

/** What Wix answered for one product of a Bulk Add/Remove Items call. */
export interface CategoryItemOutcome {
  productId: string;
  error?: BulkError;
}

/** Wix Stores categories (@wix/auto_sdk_categories_categories): find, create, file products. */
export class WixCategories {
  constructor(private readonly http: HttpClient) {}

  /**
   * Wix Stores categories named so, oldest first. Names are not unique in Wix, and Query
   * Categories hides non-visible categories unless asked (`returnNonVisibleCategories`,
   * @wix/auto_sdk_categories_categories build/cjs/meta.d.ts `QueryCategoriesRequest`). A category
   * managed by another app (`managingAppId`) refuses our items, so it is not offered.
   */
  async findCategories(name: string): Promise<WixCategory[]> {
    const key: keyof QueryCategoriesResponseOriginal = "categories";
    const body: Omit<QueryCategoriesRequestOriginal, "query"> = {
      treeReference: STORES_TREE,
      returnNonVisibleCategories: true,
    };
    const found: { category: WixCategory; created: string }[] = [];
    for await (const c of queryPages<CategoryOriginal>(
      this.http,
      "/categories/v1/categories/query",
      key,
      { name: { $eq: name } },
      100,
      { body },
    )) {
      if (c.id && c.name === name && !c.managingAppId)
        found.push({ category: { id: c.id, name: c.name }, created: String(c.createdDate ?? "") });
    }
    return found.sort((a, b) => a.created.localeCompare(b.created)).map((f) => f.category);
  }

  async createCategory(name: string): Promise<WixCategory> {
    const body: CreateCategoryRequestOriginal = { category: { name }, treeReference: STORES_TREE };
    const res = await this.http.send<CreateCategoryResponseOriginal>({
      method: "POST",
      path: "/categories/v1/categories",
      body,
    });
    const id = res.body.category?.id;
    if (!id) throw new Error(`Wix created category ${name} without an id`);
    return { id, name: res.body.category?.name ?? name };
  }

  /** Adds up to 100 products to one category (Bulk Add Items To Category); per-product outcomes. */
  addToCategory(categoryId: string, productIds: string[]): Promise<CategoryItemOutcome[]> {
    return this.categoryItems(categoryId, productIds, "add-items");
  }

  removeFromCategory(categoryId: string, productIds: string[]): Promise<CategoryItemOutcome[]> {
    return this.categoryItems(categoryId, productIds, "remove-items");
  }

  /**
   * Bulk Add/Remove Items: `{categoryId, items, treeReference}` (the id also in the path), answered
   * with one result per item (`ItemReferenceMetadata`) under HTTP 200. A product with no
   * successful result (an undetailed failure) counts as failed.
   */
  private async categoryItems(
    categoryId: string,
    productIds: string[],
    action: "add-items" | "remove-items",
  ): Promise<CategoryItemOutcome[]> {
    const body: BulkAddItemsToCategoryRequestOriginal & BulkRemoveItemsFromCategoryRequestOriginal = {
      categoryId,
      items: productIds.map((catalogItemId) => ({ catalogItemId, appId: WIX_STORES_APP_ID })),
      treeReference: STORES_TREE,
    };
    const res = await this.http.send<
      BulkAddItemsToCategoryResponseOriginal & BulkRemoveItemsFromCategoryResponseOriginal
    >({
      method: "POST",
      path: `/categories/v1/bulk/categories/${categoryId}/${action}`,
      idempotent: true, // set semantics: adding twice leaves one membership
      body,
    });
    const outcomes = new Map<number, BulkError | undefined>();
    for (const r of res.body.results ?? []) {
      const m = r.itemMetadata;
      const index = m?.originalIndex ?? productIds.indexOf(m?.item?.catalogItemId ?? "");
      if (index < 0) continue;
      outcomes.set(index, m?.success ? undefined : errorOf(m?.error));
    }
    return productIds.map((productId, i) => ({
      productId,
      error: outcomes.has(i) ? outcomes.get(i) : { code: "NO_RESULT", description: "Wix gave no result" },
    }));
  }
}
