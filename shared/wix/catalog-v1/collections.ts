import type {
  CollectionOriginal,
  QueryCollectionsRequestOriginal,
  QueryCollectionsResponseOriginal,
} from "@wix/auto_sdk_stores_collections/meta";
import type {
  AddProductsToCollectionRequestOriginal,
  CreateCollectionRequestOriginal,
  CreateCollectionResponseOriginal,
  RemoveProductsFromCollectionRequestOriginal,
} from "@wix/auto_sdk_stores_products/meta";
import type { HttpClient } from "../../http/client";
import { offsetPages } from "../../paging";
import type { WixCategory as Category, CategoryItemOutcome as Filing } from "../categories";
import { errorOf } from "../responses";
import { isV1Refusal } from "./stock";

/**
 * Catalog V1 collections behind the category filing's port (CategoryDirectory, met structurally as
 * WixCategories does): V1 files products into collections
 * (read: @wix/auto_sdk_stores_collections; write: createCollection, addProductsToCollection,
 * removeProductsFromCollection in @wix/auto_sdk_stores_products).
 */

/** Query Collections pages: `PlatformPaging.limit @max 100`, offset paging (collections meta.d.ts). */
export const V1_COLLECTIONS_PAGE = 100;

/**
 * Wix Stores V1 collections: find, create, file products. Add and remove take up to 1,000 product
 * ids a call (`productIds @maxSize 1000`, AddProductsToCollectionRequest in products meta.d.ts);
 * the flow sends at most 100.
 */
export class WixV1Collections {
  constructor(private readonly http: HttpClient) {}

  /**
   * Collections named exactly so. `name` is filterable (the SDK's CollectionQuerySpec declares
   * `_id` and `name`). A V1 collection has no creation date to tell the oldest by, so they come in
   * id order: the same one is chosen on every run.
   */
  async findCategories(name: string): Promise<Category[]> {
    const found: Category[] = [];
    const pages = offsetPages(async (offset, limit) => {
      const body: QueryCollectionsRequestOriginal = {
        query: { filter: { name: { $eq: name } }, paging: { limit, offset } },
      };
      const res = await this.http.send<QueryCollectionsResponseOriginal>({
        method: "POST",
        // protoPath /v2/collections/query (collections index.js); on www.wixapis.com the catalog
        // reader serves /v2/collections under /stores-reader (the reader URL map in
        // @wix/auto_sdk_stores_inventory build/cjs/index.js).
        path: "/stores-reader/v2/collections/query",
        idempotent: true, // a read
        body,
      });
      return res.body.collections ?? [];
    }, V1_COLLECTIONS_PAGE);
    for await (const page of pages)
      for (const c of page as CollectionOriginal[])
        if (c.id && c.name === name) found.push({ id: c.id, name: c.name });
    return found.sort((a, b) => a.id.localeCompare(b.id));
  }

  async createCategory(name: string): Promise<Category> {
    const body: CreateCollectionRequestOriginal = { collection: { name } };
    const res = await this.http.send<CreateCollectionResponseOriginal>({
      method: "POST",
      path: "/stores/v1/collections",
      body,
    });
    const id = res.body.collection?.id;
    if (!id) throw new Error(`Wix created collection ${name} without an id`);
    return { id, name: res.body.collection?.name ?? name };
  }

  addToCategory(collectionId: string, productIds: string[]): Promise<Filing[]> {
    return this.file(collectionId, productIds, "");
  }

  removeFromCategory(collectionId: string, productIds: string[]): Promise<Filing[]> {
    return this.file(collectionId, productIds, "/delete");
  }

  /**
   * Add/Remove Products To/From Collection: `{id, productIds}` (the id also in the path), answered
   * with an empty body: all or nothing, with no per-product result. When Wix refuses a call of
   * several products, each is filed alone, so that one bad product (deleted meanwhile) never keeps
   * the others out. A retryable failure throws.
   */
  private async file(collectionId: string, productIds: string[], action: "" | "/delete"): Promise<Filing[]> {
    const body: AddProductsToCollectionRequestOriginal & RemoveProductsFromCollectionRequestOriginal = {
      id: collectionId,
      productIds,
    };
    try {
      await this.http.send({
        method: "POST",
        path: `/stores/v1/collections/${encodeURIComponent(collectionId)}/productIds${action}`,
        idempotent: true, // set semantics: adding twice leaves one membership
        body,
      });
      return productIds.map((productId) => ({ productId }));
    } catch (error) {
      if (!isV1Refusal(error)) throw error;
      if (productIds.length === 1)
        return [
          {
            productId: productIds[0] as string,
            error: errorOf({ code: String(error.details.code ?? "REFUSED"), description: error.message }),
          },
        ];
      const filings: Filing[] = [];
      for (const productId of productIds)
        filings.push(...(await this.file(collectionId, [productId], action)));
      return filings;
    }
  }
}
