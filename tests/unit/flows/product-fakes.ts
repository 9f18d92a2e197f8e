/**
 * In-memory fakes of the products and categories flows' ports (shared/flows/products/ports.ts,
 * shared/flows/products/category-ports.ts). They keep the rules the flows rely on: Wix SKUs are unique,
 * writes are revision-guarded, a bulk call answers per item, Frappe lists carry no child tables.
 */
import { NotFoundError, RevisionConflictError } from "#shared/errors";
import type { DocFilter } from "#shared/flows/erpnext-documents";
import type { Category, CategoryDirectory, Filing } from "#shared/flows/products/category-ports";
import type { ItemSource, ProductCatalog } from "#shared/flows/products/ports";
import type { BulkError } from "#shared/flows/wix-bulk";
import type {
  BulkItemResult,
  BulkResponse,
  CatalogVersion,
  WixNewProduct,
  WixProduct,
  WixProductUpdate,
  WixVariantMatch,
} from "#shared/flows/wix-catalog";
import { FakeErpnext, matches } from "./fakes";

export { FakeLog, FakeQueue, FakeState } from "./fakes";

export const PRICE_LIST = "Standard Selling";

type Row = Record<string, unknown>;

/** ERPNext with Items (with their attribute child rows), Item Prices and System Settings. */
export class ItemsErpnext extends FakeErpnext implements ItemSource {
  readonly items = this.table("Item");
  readonly prices = this.table("Item Price");

  /** A sellable item; `fields` override the defaults. */
  item(code: string, fields: Row = {}): this {
    this.items.set(code, {
      name: code,
      item_code: code,
      item_name: `Item ${code}`,
      item_group: "Products",
      stock_uom: "Nos",
      disabled: 0,
      is_sales_item: 1,
      has_variants: 0,
      modified: "2025-01-01 00:00:00.000000",
      ...fields,
    });
    return this;
  }

  /** The item's selling price on the price list (one per item here). */
  price(code: string, rate: unknown, fields: Row = {}): this {
    const name = `PRICE-${code}`;
    this.prices.set(name, {
      name,
      item_code: code,
      price_list: PRICE_LIST,
      price_list_rate: rate,
      ...fields,
    });
    return this;
  }

  /** Every field but the child tables, which a list never carries. */
  override async listAll<T = Row>(doctype: string, opts: { filters?: DocFilter[] }): Promise<T[]> {
    return this.all(doctype)
      .filter((row) => (opts.filters ?? []).every((f) => matches(row, f)))
      .map(({ attributes: _childTable, ...fields }) => structuredClone(fields) as T);
  }

  /** A fresh site's: prices in 2 decimals (shared/flows/currency.ts). */
  systemSettings: Row = { number_format: "#,###.##", currency_precision: "" };

  override async get<T = Row>(doctype: string, name: string): Promise<T> {
    if (doctype === "System Settings") return structuredClone(this.systemSettings) as T;
    return super.get<T>(doctype, name);
  }
}

/** Wix products: ids and revisions assigned by Wix; on V3 (the default) store-wide unique SKUs. */
export class FakeWixProducts implements ProductCatalog {
  readonly products = new Map<string, WixProduct>();
  /** Every call, by method name, to assert which calls a sync made. */
  readonly calls: string[] = [];
  version: CatalogVersion = "V3_CATALOG";
  /** Runs before each write of a product (a concurrent editor, a deletion...). */
  beforeWrite?: (id: string) => void;
  /** Runs before a bulk create (another worker creating the same SKU meanwhile). */
  beforeCreate?: () => void;
  /** Makes the next bulk call throw (Wix unreachable). */
  failNextBulk?: Error;
  /** Leaves this many trailing results out of the next bulk answer (undetailed failures). */
  dropResults = 0;
  private ids = 0;

  /** A product made in Wix by someone else (by hand, another app). */
  existing(sku: string, name = sku): WixProduct {
    const id = `p${++this.ids}`;
    const product: WixProduct = {
      id,
      revision: "1",
      name,
      variantsInfo: { variants: [{ id: `v${this.ids}`, sku, price: { actualPrice: { amount: "1.00" } } }] },
    };
    this.products.set(id, product);
    return structuredClone(product);
  }

  /** An edit in the Wix dashboard: the revision moves. */
  edit(id: string, patch: Partial<WixProduct> = {}): void {
    const product = this.products.get(id);
    if (!product) throw new Error(`no product ${id}`);
    this.products.set(id, { ...product, ...patch, revision: String(Number(product.revision) + 1) });
  }

  bySku(sku: string): WixProduct | undefined {
    return [...this.products.values()].find((p) => p.variantsInfo.variants.some((v) => v.sku === sku));
  }

  async catalogVersion(): Promise<CatalogVersion> {
    this.calls.push("catalogVersion");
    return this.version;
  }

  async getProduct(id: string): Promise<WixProduct | undefined> {
    this.calls.push("getProduct");
    const product = this.products.get(id);
    return product ? structuredClone(product) : undefined;
  }

  async updateProduct(update: WixProductUpdate): Promise<WixProduct> {
    this.calls.push("updateProduct");
    const refused = this.write(update);
    if (refused?.code === "NOT_FOUND") throw new NotFoundError(refused.description ?? "");
    if (refused) throw new RevisionConflictError(refused.description ?? "");
    return structuredClone(this.products.get(update.id) as WixProduct);
  }

  async bulkCreateProducts(products: WixNewProduct[]): Promise<BulkResponse<WixProduct>> {
    this.calls.push("bulkCreateProducts");
    this.beforeCreate?.();
    this.throwIfFailing();
    return this.answer(
      products.map((input, originalIndex) => {
        // V3 refuses a SKU the store has (SKU_ALREADY_EXIST_ERROR, @wix/auto_sdk_stores_products-v-3
        // meta.d.ts); the V1 SDK (@wix/auto_sdk_stores_products) declares no such refusal.
        const taken =
          this.version === "V3_CATALOG" &&
          input.variantsInfo.variants.find((v) => v.sku && this.bySku(v.sku));
        if (taken)
          return failed(originalIndex, {
            code: "SKU_ALREADY_EXIST_ERROR",
            description: `${taken.sku} exists`,
          });
        const id = `p${++this.ids}`;
        const variants = input.variantsInfo.variants.map(({ inventoryItem: _stock, ...v }, i) => ({
          ...v,
          id: `${id}-v${i}`,
        }));
        this.products.set(id, { ...input, id, revision: "1", variantsInfo: { variants } });
        return {
          itemMetadata: { originalIndex, success: true },
          item: structuredClone(this.products.get(id)),
        };
      }),
    );
  }

  async bulkUpdateProducts(updates: WixProductUpdate[]): Promise<BulkResponse<WixProduct>> {
    this.calls.push("bulkUpdateProducts");
    this.throwIfFailing();
    return this.answer(
      updates.map((update, originalIndex) => {
        const refused = this.write(update);
        return refused
          ? failed(originalIndex, refused)
          : {
              itemMetadata: { originalIndex, success: true },
              item: structuredClone(this.products.get(update.id)),
            };
      }),
    );
  }

  async findVariantsBySku(skus: string[]): Promise<WixVariantMatch[]> {
    this.calls.push("findVariantsBySku");
    return [...this.products.values()].flatMap((p) =>
      p.variantsInfo.variants
        .filter((v) => v.sku && skus.includes(v.sku))
        .map((v) => ({
          variantId: v.id,
          sku: v.sku,
          productData: { productId: p.id, revision: p.revision },
        })),
    );
  }

  /** A revision-guarded PATCH: omitted fields stay, variants without an id get one. */
  private write(update: WixProductUpdate): BulkError | undefined {
    this.beforeWrite?.(update.id);
    const current = this.products.get(update.id);
    if (!current) return { code: "NOT_FOUND", description: `product ${update.id} not found` };
    if (update.revision !== current.revision)
      return { code: "REVISION_MISMATCH", description: `revision ${update.revision} is stale` };
    const variants = update.variantsInfo?.variants.map((v, i) => ({
      ...v,
      id: v.id ?? `${update.id}-n${i}`,
    }));
    this.products.set(update.id, {
      ...current,
      ...update,
      brand: current.brand,
      revision: String(Number(current.revision) + 1),
      variantsInfo: variants ? { variants } : current.variantsInfo,
    } as WixProduct);
    return undefined;
  }

  private throwIfFailing(): void {
    const error = this.failNextBulk;
    this.failNextBulk = undefined;
    if (error) throw error;
  }

  private answer(results: BulkItemResult<WixProduct>[]): BulkResponse<WixProduct> {
    const kept = results.slice(0, results.length - this.dropResults);
    const undetailed = results.length - kept.length;
    this.dropResults = 0;
    const successes = kept.filter((r) => r.itemMetadata.success).length;
    return {
      results: kept,
      bulkActionMetadata: {
        totalSuccesses: successes,
        totalFailures: results.length - successes,
        undetailedFailures: undetailed,
      },
    };
  }
}

function failed(originalIndex: number, error: BulkError): BulkItemResult<WixProduct> {
  return { itemMetadata: { originalIndex, success: false, error } };
}

/** Wix Stores categories and their members; a product can be refused per call with a code. */
export class FakeCategories implements CategoryDirectory {
  readonly categories: (Category & { created: string; managed?: boolean })[] = [];
  readonly members = new Map<string, Set<string>>();
  readonly calls: string[] = [];
  /** Products Wix refuses to add, and to remove, with the error it answers. */
  readonly refuseAdd = new Map<string, BulkError>();
  readonly refuseRemove = new Map<string, BulkError>();
  private clock = 0;

  category(name: string, opts: { managed?: boolean } = {}): Category {
    const category = { id: `c${this.categories.length + 1}`, name, created: `t${++this.clock}`, ...opts };
    this.categories.push(category);
    return { id: category.id, name };
  }

  /** The site's catalog version; a test converts the site by setting it. */
  version: CatalogVersion = "V3_CATALOG";
  async catalogVersion(): Promise<CatalogVersion> {
    return this.version;
  }

  membersOf(categoryId: string): string[] {
    return [...(this.members.get(categoryId) ?? [])];
  }

  async findCategories(name: string): Promise<Category[]> {
    this.calls.push("findCategories");
    return this.categories
      .filter((c) => c.name === name && !c.managed)
      .sort((a, b) => a.created.localeCompare(b.created))
      .map(({ id }) => ({ id, name }));
  }

  async createCategory(name: string): Promise<Category> {
    this.calls.push("createCategory");
    return this.category(name);
  }

  async addToCategory(categoryId: string, productIds: string[]): Promise<Filing[]> {
    this.calls.push("addToCategory");
    return this.file(categoryId, productIds, this.refuseAdd, (set, id) => set.add(id));
  }

  async removeFromCategory(categoryId: string, productIds: string[]): Promise<Filing[]> {
    this.calls.push("removeFromCategory");
    return this.file(categoryId, productIds, this.refuseRemove, (set, id) => set.delete(id));
  }

  private file(
    categoryId: string,
    productIds: string[],
    refuse: Map<string, BulkError>,
    change: (set: Set<string>, id: string) => void,
  ): Filing[] {
    const set = this.members.get(categoryId) ?? new Set<string>();
    this.members.set(categoryId, set);
    return productIds.map((productId) => {
      const error = refuse.get(productId);
      if (!error) change(set, productId);
      return error ? { productId, error } : { productId };
    });
  }
}
