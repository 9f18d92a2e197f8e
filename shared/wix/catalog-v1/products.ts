import { HttpError, PermanentError, type SyncError } from "../../errors";
import type { ProductCatalog } from "../../flows/products/ports";
import type {
  BulkItemResult,
  BulkResponse,
  WixNewProduct,
  WixOption,
  WixProduct,
  WixProductUpdate,
  WixVariant,
  WixVariantMatch,
} from "../../flows/wix-catalog";
import type { HttpClient } from "../../http/client";
import { offsetPages } from "../../paging";
import { productWriteCondition } from "../responses";
import type { V1Option, V1Product, V1StoreVariant, V1Variant, V1VariantOverride } from "./products-wire";
import { isV1Refusal, setV1Stock, V1_REVISION, type V1VariantRef, type V1VariantStock } from "./stock";

/**
 * Catalog V1 products behind the same port as V3 (`ProductCatalog`), over the REST calls the
 * official SDK builds (@wix/auto_sdk_stores_products build/cjs/index.js; writes go to
 * /stores/v1/..., reads to /stores-reader/v1/... on www.wixapis.com):
 * - Create Product       POST  /stores/v1/products
 * - Update Product       PATCH /stores/v1/products/{id}
 * - Update Variants      PATCH /stores/v1/products/{id}/variants
 * - Add Product Media    POST  /stores/v1/products/{id}/media
 * - Remove Product Media POST  /stores/v1/products/{id}/media/delete
 * - Delete Product       DELETE /stores/v1/products/{id} (only a half-made product of ours)
 * - Get Product          GET   /stores-reader/v1/products/{id}
 * - Query Product Variants POST /stores-reader/v1/products/{id}/variants/query
 * - Query Store Variants POST  /stores-reader/v1/variants/query
 * and the stock write of ./stock.ts (Update Inventory Variants).
 *
 * Calls per created product (V1 has no bulk create: Bulk Update Products sets one property -
 * price, cost, weight, ribbon or brand - of up to 100 existing products, `SetValue` in meta.d.ts):
 * a product without options makes 3 (create hidden, stock, show), one with variants 4 (create
 * hidden, update variants, stock, show); an image adds 1 (add media); a product created hidden on
 * purpose skips the show; a create answer without the default variant costs 1 read (Query
 * Product Variants). An update makes 1 call (Update Product), +1 when its options differ from
 * Wix's, +1 with variants (Update Variants), +1 or 2 when its image changed; a hide 1.
 * A product is never sellable before its stock is set: V1 takes no stock on create
 * (`Product.stock` is read-only, "in future this will be writable via Inventory API") and nothing
 * says a new product starts out of stock, so it is created hidden and shown last.
 */

/** Product.description `@maxLength 8000` (V3's plainDescription takes 16,000). */
export const V1_DESCRIPTION_MAX = 8000;
/** `Paging.limit @max 100` (Query Product Variants), `PlatformPaging.limit @max 100` (Query Store Variants). */
const V1_PAGE = 100;
/** "You cannot set `manageVariants` to `true` if more than 300 variants are defined" (Product.manageVariants doc). */
export const V1_MANAGED_VARIANTS_MAX = 300;
/**
 * How long a reading of the store's variants answers the stock side's SKU lookups (never the
 * link before a create: findVariantsBySku reads afresh). Within the minute a lookup costs no call,
 * against a full read of the store (one call per 100 variants) per lookup.
 */
export const STORE_INDEX_TTL_MS = 60_000;
/** AddProductMediaRequest.media `@maxSize 50`. */
const V1_MEDIA_MAX = 50;

/** A create or update as V1 needs it: the product's fields, and its variant overrides when it has options. */
interface V1Write {
  product: V1Product;
  overrides?: V1VariantOverride[];
}

export class WixV1Products implements Omit<ProductCatalog, "catalogVersion"> {
  /** The store's variants as last read (see variantsBySku), with our own writes since. */
  private index?: { at: number; refs: V1VariantRef[] };

  constructor(
    private readonly http: HttpClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** The product with its variants, or undefined when Wix no longer has it. */
  async getProduct(id: string): Promise<WixProduct | undefined> {
    let product: V1Product | undefined;
    try {
      const res = await this.http.send<{ product?: V1Product }>({
        method: "GET",
        path: `/stores-reader/v1/products/${encodeURIComponent(id)}`,
      });
      product = res.body.product;
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return undefined;
      throw error;
    }
    if (!product) return undefined;
    // Variants come with a product only when asked (`includeVariants`, Product.variants doc),
    // which Get Product cannot ask: read them when the answer has none.
    const variants = product.variants?.length ? product.variants : await this.productVariants(id);
    return fromV1(product, variants);
  }

  /** One product's fields, options, variants and media; omitted fields stay. */
  async updateProduct(update: WixProductUpdate): Promise<WixProduct> {
    try {
      return this.remember(await this.writeUpdate(update));
    } catch (error) {
      throw productWriteCondition(error);
    }
  }

  /** One product at a time (V1 has no bulk create); per-product refusals come back per item. */
  bulkCreateProducts(products: WixNewProduct[]): Promise<BulkResponse<WixProduct>> {
    return eachProduct(products, async (p) => this.remember(await this.createOne(p)));
  }

  /** One product at a time: Bulk Update Products sets a single property, never a product's content. */
  bulkUpdateProducts(products: WixProductUpdate[]): Promise<BulkResponse<WixProduct>> {
    return eachProduct(products, async (p) => this.remember(await this.writeUpdate(p)));
  }

  /**
   * The flow links by SKU before it creates: a miss here creates a product, so this always reads
   * the store afresh (a product made in the dashboard a moment ago is linked, not duplicated).
   */
  async findVariantsBySku(skus: string[]): Promise<WixVariantMatch[]> {
    const wanted = new Set(skus);
    if (!wanted.size) return [];
    return (await this.storeIndex({ fresh: true })).filter((ref) => wanted.has(ref.sku)).map(asMatch);
  }

  /**
   * The variants carrying any of these SKUs (a product without managed variants is its one
   * default variant, with the product's SKU). No V1 query filters on a variant's SKU: Query
   * Products declares `sku` filterable (ProductQuerySpec in index.typings.d.ts) but that is the
   * product's own SKU, empty once variants are managed (Product.sku doc), and it leaves hidden
   * products out (Product.visible doc: no `includeHiddenProducts` on Query Products
   * Platformized), which is how we create them; Query Store Variants and Query Product Variants
   * declare no filterable field at all. So the store's variants are read page by page and matched
   * here. For stock (the inventory adapter) the reading is kept for STORE_INDEX_TTL_MS with our
   * own creates and updates added: a miss there only leaves a stock write for the next push, and
   * a first sync of n products would otherwise read the whole store once per stock batch.
   */
  async variantsBySku(skus: string[]): Promise<V1VariantRef[]> {
    const wanted = new Set(skus);
    if (!wanted.size) return [];
    return (await this.storeIndex()).filter((ref) => wanted.has(ref.sku));
  }

  private async storeIndex(opts: { fresh?: boolean } = {}): Promise<V1VariantRef[]> {
    if (!opts.fresh && this.index && this.now() - this.index.at < STORE_INDEX_TTL_MS) return this.index.refs;
    const at = this.now();
    const refs: V1VariantRef[] = [];
    for await (const page of this.storeVariants())
      for (const v of page) {
        const ref = refOf(v);
        if (ref) refs.push(ref);
      }
    this.index = { at, refs };
    return refs;
  }

  /**
   * A product we wrote, as it is now: its variants replace what the kept reading had of it. An
   * answer naming no SKU (a hide) changes nothing: forgetting the product would make a later
   * lookup miss it and create it again.
   */
  private remember(product: WixProduct): WixProduct {
    const id = product.id;
    const written = product.variantsInfo?.variants.filter((v) => v.id && v.sku) ?? [];
    if (!this.index || !id || !written.length) return product;
    this.index.refs = [
      ...this.index.refs.filter((ref) => ref.productId !== id),
      ...written.map((v) => ({
        productId: id,
        variantId: v.id as string,
        sku: v.sku as string,
        productName: product.name,
      })),
    ];
    return product;
  }

  /** Every variant of the store with its product's id and name, a page at a time. */
  async allVariants(onPage?: (count: number) => void): Promise<WixVariantMatch[]> {
    const found: WixVariantMatch[] = [];
    for await (const page of this.storeVariants()) {
      for (const v of page) {
        if (v.productId && v.variantId)
          found.push(
            asMatch({
              productId: v.productId,
              variantId: v.variantId,
              sku: v.sku ?? "",
              productName: v.productName,
            }),
          );
      }
      onPage?.(page.length);
    }
    return found;
  }

  /**
   * Create hidden, set the variants (SKUs first, so a retry finds the product by SKU), set the
   * stock, add the image, then show it. If a step after the create fails, the half-made
   * product is deleted (it was never shown) and the error goes on.
   */
  private async createOne(p: WixNewProduct): Promise<WixProduct> {
    const write = toV1Write(p);
    const created = await this.send<{ product?: V1Product }>("POST", "/stores/v1/products", {
      product: { ...write.product, visible: false },
    });
    const product = created.product;
    if (!product?.id) throw new PermanentError("Wix created no product (no id in its answer)");
    const id = product.id;
    try {
      let variants = product.variants ?? [];
      if (write.overrides) variants = await this.updateVariants(id, write.overrides);
      else if (!variants.length) variants = await this.productVariants(id);
      await setV1Stock(this.http, id, stockOf(p, variants));
      const urls = mediaUrls(p);
      if (urls.length) await this.addMedia(id, urls);
      const visible = p.visible !== false;
      if (visible) await this.send("PATCH", productPath(id), { product: { visible: true, id } }, true);
      // What we sent, then what Wix answered: an answer may leave fields out.
      return fromV1({ ...write.product, ...product, visible }, variants, urls);
    } catch (error) {
      await this.discard(id);
      throw error;
    }
  }

  /**
   * Update Product with the product's own fields, then its options only when they are not
   * already Wix's (sending options again may make V1 build the variants anew, with new ids and
   * no stock), then Update Variants.
   */
  private async writeUpdate(update: WixProductUpdate): Promise<WixProduct> {
    const { id } = update;
    const { product: fields, overrides } = toV1Write(update);
    const { productOptions, manageVariants, ...own } = fields;
    const res = await this.send<{ product?: V1Product }>(
      "PATCH",
      productPath(id),
      { product: { ...own, id } },
      true,
    );
    let product: V1Product = { ...fields, ...res.product, id };
    if (productOptions && !sameOptions(productOptions, res.product?.productOptions)) {
      const again = await this.send<{ product?: V1Product }>(
        "PATCH",
        productPath(id),
        { product: { manageVariants, productOptions, id } },
        true,
      );
      product = { ...product, ...again.product, productOptions };
    }
    let variants = product.variants ?? [];
    if (overrides) variants = await this.updateVariants(id, overrides);
    let urls: string[] | undefined;
    if (update.media) {
      urls = mediaUrls(update);
      await this.replaceMedia(id, urls, product);
    }
    // A product without options keeps its one default variant: its id is the one we sent.
    const known = update.variantsInfo?.variants[0]?.id;
    if (!variants.length && known) variants = [{ id: known }];
    return fromV1(product, variants, urls);
  }

  /** Update Variants: each override by choices; the answer lists all the product's variants. */
  private async updateVariants(id: string, variants: V1VariantOverride[]): Promise<V1Variant[]> {
    const res = await this.send<{ variants?: V1Variant[] }>(
      "PATCH",
      `${productPath(id)}/variants`,
      { id, variants },
      true, // absolute values
    );
    return res.variants ?? [];
  }

  /**
   * An update carries media only when our image changed (ProductMapping.image, publish.ts): Wix
   * copies an image added by URL and answers its copy's own URL and media id (MediaItem.image.url,
   * MediaItem.id "nsplsh_...~mv2_....jpg" in meta.d.ts; AddProductMediaResponse is empty), so its
   * answer cannot tell ours apart. As on V3, where an update's media is the product's whole list,
   * the product's media become ours: all removed, ours added.
   */
  private async replaceMedia(id: string, urls: string[], product: V1Product): Promise<void> {
    // An empty list removes every media item (RemoveProductMediaRequest.mediaIds doc); skipped
    // only when Wix's answer shows the product has none.
    if (product.media?.items?.length !== 0)
      await this.send("POST", `${productPath(id)}/media/delete`, { id, mediaIds: [] }, true);
    if (urls.length) await this.addMedia(id, urls);
  }

  private async addMedia(id: string, urls: string[]): Promise<void> {
    await this.send("POST", `${productPath(id)}/media`, {
      id,
      media: urls.slice(0, V1_MEDIA_MAX).map((url) => ({ url })),
    });
  }

  /** Best effort: a failed delete leaves a hidden product with no stock, never one for sale. */
  private async discard(id: string): Promise<void> {
    try {
      await this.http.send({ method: "DELETE", path: productPath(id) });
    } catch {
      // The original failure is the one to report.
    }
  }

  /** Query Product Variants, page by page (offset paging: `Paging` in meta.d.ts). */
  private async productVariants(id: string): Promise<V1Variant[]> {
    const all: V1Variant[] = [];
    const pages = offsetPages(async (offset, limit) => {
      const res = await this.send<{ variants?: V1Variant[] }>(
        "POST",
        `/stores-reader/v1/products/${encodeURIComponent(id)}/variants/query`,
        { id, paging: { limit, offset } },
        true, // a read
      );
      return res.variants ?? [];
    }, V1_PAGE);
    for await (const page of pages) all.push(...page);
    return all;
  }

  /**
   * Query Store Variants with no filter, page by page (offset `paging`, which every V1 answer
   * honours; PlatformQuery in meta.d.ts).
   */
  private storeVariants(): AsyncGenerator<V1StoreVariant[]> {
    return offsetPages(async (offset, limit) => {
      const res = await this.send<{ variants?: V1StoreVariant[] }>(
        "POST",
        "/stores-reader/v1/variants/query",
        { query: { paging: { limit, offset } } },
        true, // a read
      );
      return res.variants ?? [];
    }, V1_PAGE);
  }

  private async send<T>(
    method: "POST" | "PATCH",
    path: string,
    body: unknown,
    idempotent = false,
  ): Promise<T> {
    return (await this.http.send<T>({ method, path, body, idempotent })).body;
  }
}

const productPath = (id: string) => `/stores/v1/products/${encodeURIComponent(id)}`;

/** The same option names and choices, in the same order. */
function sameOptions(ours: V1Option[], theirs: V1Option[] = []): boolean {
  const key = (options: V1Option[]) =>
    JSON.stringify(options.map((o) => [o.name, (o.choices ?? []).map((c) => c.description ?? c.value)]));
  return key(ours) === key(theirs);
}

/**
 * Runs a write per product. A refusal (a 4xx answer, a product that cannot be written as it is)
 * is that product's result; anything retryable (429, 5xx, timeout) or unexpected stops the batch
 * and is thrown, so the message is retried instead of products being parked for an outage.
 * Products written before it are found by SKU on the retry.
 */
async function eachProduct<P>(
  products: P[],
  write: (p: P) => Promise<WixProduct>,
): Promise<BulkResponse<WixProduct>> {
  const results: BulkItemResult<WixProduct>[] = [];
  let failures = 0;
  for (const [originalIndex, p] of products.entries()) {
    try {
      const item = await write(p);
      results.push({
        itemMetadata: { ...(item.id ? { id: item.id } : {}), originalIndex, success: true },
        item,
      });
    } catch (error) {
      if (!isV1Refusal(error)) throw error;
      failures++;
      results.push({ itemMetadata: { originalIndex, success: false, error: refusalOf(error) } });
    }
  }
  return {
    results,
    bulkActionMetadata: {
      totalSuccesses: products.length - failures,
      totalFailures: failures,
      undetailedFailures: 0,
    },
  };
}

/** Wix's application error code when it gave one (describeWixError), else the status. */
function refusalOf(error: SyncError): { code: string; description: string } {
  const code = error.details.code;
  return {
    code: typeof code === "string" ? code : error instanceof HttpError ? `HTTP_${error.status}` : "REFUSED",
    description: error.message,
  };
}

/** A product of ours as V1 fields, plus the variant overrides of a product with options. */
export function toV1Write(p: WixNewProduct | WixProductUpdate): V1Write {
  const product: V1Product = {};
  if (p.name !== undefined) product.name = p.name;
  if (p.plainDescription !== undefined) product.description = v1Description(p.plainDescription);
  if (p.visible !== undefined) product.visible = p.visible;
  if (p.productType) product.productType = "physical";
  if (p.brand?.name) product.brand = p.brand.name;
  const variants = p.variantsInfo?.variants;
  if (!variants?.length) return { product };
  const options = p.options ?? [];
  if (!options.length) {
    // One default variant: its SKU, price and weight are the product's own.
    const [v] = variants as [WixVariant];
    product.priceData = { price: priceOf(v) };
    if (v.sku) product.sku = v.sku;
    if (v.physicalProperties?.weight !== undefined) product.weight = v.physicalProperties.weight;
    return { product };
  }
  const productOptions = options.map(v1Option);
  const combinations = productOptions.reduce((n, o) => n * o.choices.length, 1);
  if (combinations > V1_MANAGED_VARIANTS_MAX)
    throw new PermanentError(
      `${combinations} option combinations: Catalog V1 manages at most ${V1_MANAGED_VARIANTS_MAX} variants per product`,
    );
  product.manageVariants = true;
  product.productOptions = productOptions;
  // The product's price is its lowest; each variant sets its own.
  product.priceData = { price: Math.min(...variants.map(priceOf)) };
  return { product, overrides: variantOverrides(productOptions, variants) };
}

/**
 * Each of our variants by its choices; V1 makes a variant for every combination of choices, so
 * the combinations no ERPNext variant has are hidden.
 */
function variantOverrides(options: V1Option[], variants: WixVariant[]): V1VariantOverride[] {
  const ours = variants.map((v) => {
    const choices = choicesOf(v);
    const weight = v.physicalProperties?.weight;
    return {
      choices,
      ...(v.sku ? { sku: v.sku } : {}),
      price: priceOf(v),
      ...(weight !== undefined ? { weight } : {}),
      visible: v.visible !== false,
    };
  });
  const taken = new Set(ours.map((o) => choiceKey(options, o.choices)));
  const unused = combinationsOf(options)
    .filter((choices) => !taken.has(choiceKey(options, choices)))
    .map((choices) => ({ choices, visible: false }));
  return [...ours, ...unused];
}

function combinationsOf(options: V1Option[]): Record<string, string>[] {
  return options.reduce<Record<string, string>[]>(
    (acc, o) => acc.flatMap((c) => o.choices.map((ch) => ({ ...c, [o.name]: ch.description }))),
    [{}],
  );
}

const choiceKey = (options: V1Option[], choices: Record<string, string>) =>
  options.map((o) => choices[o.name] ?? "").join("\u0000");

/** A variant's choices as V1 names them: option name to the choice's description. */
function choicesOf(v: WixVariant): Record<string, string> {
  return Object.fromEntries(
    (v.choices ?? []).map((c) => [c.optionChoiceNames.optionName, c.optionChoiceNames.choiceName]),
  );
}

/** A text option: V1's `value` and `description` are both the text (Choice in meta.d.ts). */
function v1Option(o: WixOption): V1Option {
  return {
    name: o.name,
    choices: (o.choicesSettings?.choices ?? []).map((c) => ({ value: c.name, description: c.name })),
  };
}

/** V3 amounts are decimal strings; V1 prices are numbers (PriceData.price). */
const priceOf = (v: WixVariant) => Number(v.price.actualPrice.amount);

/**
 * V1's description is rich text (HTML), as V3's plainDescription is ("Product description in
 * HTML", @wix/auto_sdk_stores_products-v-3 meta.d.ts), so it passes unchanged up to V1's 8,000
 * characters. Past that, cutting the HTML could leave a tag open: the text alone goes, its
 * entities kept whole.
 */
export function v1Description(html: string): string {
  if (html.length <= V1_DESCRIPTION_MAX) return html;
  const text = html
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text.slice(0, V1_DESCRIPTION_MAX).replace(/&[^;\s]*$/, "");
}

function mediaUrls(p: Pick<WixProduct, "media">): string[] {
  return (p.media?.itemsInfo.items ?? []).flatMap((m) => (m.url ? [m.url] : []));
}

/**
 * Each V1 variant's opening stock: ours by SKU, the combinations we hid at 0. A variant of ours
 * that Wix did not keep fails the product (its stock could not be set).
 */
function stockOf(p: WixNewProduct, variants: V1Variant[]): V1VariantStock[] {
  const ours = p.variantsInfo.variants;
  if (!(p.options ?? []).length) {
    const id = variants[0]?.id;
    if (!id) throw new PermanentError("Wix answered no variant for the new product");
    return [{ variantId: id, quantity: ours[0]?.inventoryItem?.quantity ?? 0 }];
  }
  const quantities = new Map(ours.map((v) => [v.sku ?? "", v.inventoryItem?.quantity ?? 0]));
  const kept = new Set(variants.map((v) => v.variant?.sku));
  const lost = ours.find((v) => !kept.has(v.sku));
  if (lost) throw new PermanentError(`Wix did not keep variant ${lost.sku}`);
  return variants.flatMap((v) =>
    v.id ? [{ variantId: v.id, quantity: quantities.get(v.variant?.sku ?? "") ?? 0 }] : [],
  );
}

/** A V1 product and its variants as the V3-shaped product the flow reads. */
export function fromV1(product: V1Product, variants: V1Variant[], mediaUrlsSent?: string[]): WixProduct {
  const managed = Boolean(product.manageVariants || product.productOptions?.length);
  const basePrice = product.priceData?.price ?? 0;
  const urls =
    mediaUrlsSent ?? (product.media?.items ?? []).flatMap((m) => (m.image?.url ? [m.image.url] : []));
  const options: WixOption[] = (product.productOptions ?? []).map((o) => ({
    name: o.name,
    optionRenderType: "TEXT_CHOICES",
    choicesSettings: {
      choices: o.choices.map((c) => ({ choiceType: "CHOICE_TEXT", name: c.description ?? c.value })),
    },
  }));
  const wixVariants: WixVariant[] = managed
    ? variants.map((v) => ({
        ...(v.id ? { id: v.id } : {}),
        ...(v.variant?.sku ? { sku: v.variant.sku } : {}),
        visible: v.variant?.visible !== false,
        choices: Object.entries(v.choices ?? {}).map(([optionName, choiceName]) => ({
          optionChoiceNames: { optionName, choiceName, renderType: "TEXT_CHOICES" as const },
        })),
        price: { actualPrice: { amount: String(v.variant?.priceData?.price ?? basePrice) } },
        physicalProperties: v.variant?.weight !== undefined ? { weight: v.variant.weight } : {},
      }))
    : [
        {
          ...(variants[0]?.id ? { id: variants[0].id } : {}),
          ...(product.sku ? { sku: product.sku } : {}),
          visible: true,
          choices: [],
          price: { actualPrice: { amount: String(basePrice) } },
          physicalProperties: typeof product.weight === "number" ? { weight: product.weight } : {},
        },
      ];
  return {
    ...(product.id ? { id: product.id } : {}),
    revision: V1_REVISION,
    name: product.name ?? "",
    ...(typeof product.visible === "boolean" ? { visible: product.visible } : {}),
    productType: "PHYSICAL",
    ...(product.brand ? { brand: { name: product.brand } } : {}),
    ...(urls.length ? { media: { itemsInfo: { items: urls.map((url) => ({ url })) } } } : {}),
    options,
    variantsInfo: { variants: wixVariants },
  };
}

function refOf(v: V1StoreVariant): V1VariantRef | undefined {
  if (!v.productId || !v.variantId || !v.sku) return undefined;
  return {
    productId: v.productId,
    variantId: v.variantId,
    sku: v.sku,
    ...(v.productName ? { productName: v.productName } : {}),
  };
}

function asMatch(ref: V1VariantRef): WixVariantMatch {
  return {
    variantId: ref.variantId,
    ...(ref.sku ? { sku: ref.sku } : {}),
    productData: {
      productId: ref.productId,
      revision: V1_REVISION,
      ...(ref.productName ? { name: ref.productName } : {}),
    },
  };
}
