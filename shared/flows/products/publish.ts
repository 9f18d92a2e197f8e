import { errorMessage, isRetryable, RevisionConflictError } from "../../errors";
import { stamped } from "../catalog-version";
import type { ProductMapping } from "../records";
import { type BulkError, describeBulkError } from "../wix-bulk";
import type {
  BulkResponse,
  WixNewProduct,
  WixProduct,
  WixProductUpdate,
  WixVariantMatch,
} from "../wix-catalog";
import { WIX_BULK_OPTIONS, WIX_BULK_PRODUCTS, WIX_BULK_VARIANTS } from "../wix-catalog";
import { held, withClaim } from "./claims";
import { findBySku, linkBySku } from "./link";
import { HIDDEN_HASH } from "./mapping";
import type { ItemClaims, ProductCatalog, ProductMappings } from "./ports";
import { type ItemResult, type Planned, skusOf } from "./product-plan";

export type { ItemResult };

export interface PublisherDeps {
  wix: ProductCatalog;
  state: ProductMappings;
  /** Sellable quantities, so a new product is created with its stock in the same call. */
  quantities?: (itemCodes: string[]) => Promise<Map<string, number>>;
  /** The catalog the mappings written are of: "V1" on a V1 site, none on V3 (catalog-version.ts). */
  catalog?: ProductMapping["catalog"];
  /** On V1 (no refusal of a duplicate SKU), a product made again is made under its item's claim (claims.ts). */
  claims?: ItemClaims;
}

/** Rounds of re-reading a stale revision before the item is left for a later retry. */
const REVISION_ATTEMPTS = 3;

/**
 * Writes planned products to Wix in bulk: creates new ones (linking any whose SKU Wix already
 * has), updates and hides published ones, and records what Wix now holds.
 */
export class Publisher {
  constructor(private readonly deps: PublisherDeps) {}

  /** The Wix variants carrying the SKUs of `creates`, for several `link` calls; see findBySku. */
  find(creates: Planned[]): Promise<WixVariantMatch[]> {
    return findBySku(this.deps.wix, creates);
  }

  /** Links `creates` to existing Wix products with the same SKUs (in `matches`, when given); see linkBySku. */
  link(creates: Planned[], matches?: WixVariantMatch[]): Promise<Set<string>> {
    return linkBySku(this.deps.wix, this.deps.state, creates, this.deps.catalog, matches);
  }

  async create(plans: Planned[]): Promise<ItemResult[]> {
    const results: ItemResult[] = [];
    for (const chunk of bulkChunks(plans)) {
      let response: BulkResponse<WixProduct>;
      let stock = new Map<string, number>();
      try {
        stock = (await this.deps.quantities?.(chunk.flatMap(skusOf))) ?? stock;
        response = await this.deps.wix.bulkCreateProducts(chunk.map((p) => withStock(p.product, stock)));
      } catch (error) {
        results.push(...chunk.map((p) => failure(p.itemCode, error)));
        continue;
      }
      const retryLink: Planned[] = [];
      const saved: Planned[] = [];
      for (const r of response.results) {
        const plan = chunk[r.itemMetadata.originalIndex];
        if (!plan) continue;
        if (r.itemMetadata.success && r.item?.id) {
          await this.saveMapping(plan, r.item, saved);
          results.push({ itemCode: plan.itemCode, outcome: "created" });
        } else if (r.itemMetadata.error?.code === "SKU_ALREADY_EXIST_ERROR") {
          retryLink.push(plan); // created meanwhile (another worker, or by hand): link it
        } else {
          results.push(bulkFailure(plan.itemCode, r.itemMetadata.error));
        }
      }
      await this.persist(saved, stock);
      results.push(...unanswered(chunk, response));
      if (retryLink.length) {
        const linked = await this.link(retryLink);
        results.push(
          ...(await this.update(
            retryLink.filter((p) => linked.has(p.itemCode)),
            linked,
          )),
        );
        for (const p of retryLink.filter((p) => !linked.has(p.itemCode))) {
          results.push({
            itemCode: p.itemCode,
            outcome: "failed",
            reason: "SKU exists in Wix but could not be found",
            retryable: true,
          });
        }
      }
    }
    return results;
  }

  /** Updates (or hides) published products; `linked` ones are reported as linked. */
  async update(plans: Planned[], linked = new Set<string>()): Promise<ItemResult[]> {
    const results: ItemResult[] = [];
    for (const chunk of bulkChunks(plans)) {
      let response: BulkResponse<WixProduct>;
      try {
        response = await this.deps.wix.bulkUpdateProducts(chunk.map((p) => toUpdate(p)));
      } catch (error) {
        results.push(...chunk.map((p) => failure(p.itemCode, error)));
        continue;
      }
      const saved: Planned[] = [];
      for (const r of response.results) {
        const plan = chunk[r.itemMetadata.originalIndex];
        if (!plan) continue;
        let outcome: ItemResult;
        if (r.itemMetadata.success && r.item) {
          await this.saveMapping(plan, r.item, saved);

          outcome = { itemCode: plan.itemCode, outcome: "updated" };
        } else {
          outcome = await this.updateOne(plan, r.itemMetadata.error);
        }
        if (outcome.outcome === "updated") {
          outcome.outcome = linked.has(plan.itemCode)
            ? "linked"
            : plan.hash === HIDDEN_HASH
              ? "hidden"
              : "updated";
        }
        if (outcome.outcome === "hidden" && plan.reason) outcome.reason ??= plan.reason;
        results.push(outcome);
      }
      await this.persist(saved);
      results.push(...unanswered(chunk, response));
    }
    return results;
  }

  /**
   * A single update after a failed bulk item: a stale revision is re-read and retried; a product
   * deleted in Wix is created again.
   */
  private async updateOne(plan: Planned, error?: BulkError): Promise<ItemResult> {
    const { wix } = this.deps;
    const mapping = plan.mapping;
    if (!mapping) return bulkFailure(plan.itemCode, error);
    for (let attempt = 0; attempt < REVISION_ATTEMPTS; attempt++) {
      const current = await wix.getProduct(mapping.productId);
      if (!current?.revision) {
        if (plan.hash === HIDDEN_HASH)
          return { itemCode: plan.itemCode, outcome: "hidden", reason: "gone from Wix" };
        return this.createAgain(plan, mapping.productId, error);
      }
      mapping.revision = current.revision;
      try {
        const updated = await wix.updateProduct(toUpdate(plan));
        await this.saveMapping(plan, updated);
        return { itemCode: plan.itemCode, outcome: "updated" };
      } catch (e) {
        if (e instanceof RevisionConflictError) continue; // revision moved again: re-read
        return failure(plan.itemCode, e);
      }
    }
    return { itemCode: plan.itemCode, outcome: "failed", reason: "revision kept changing", retryable: true };
  }

  /**
   * Creates a product deleted in Wix again. On V1 under the item's claim: two workers updating it
   * would both find it gone and both create it; one that finds it made again meanwhile retries.
   */
  private async createAgain(plan: Planned, goneId: string, error?: BulkError): Promise<ItemResult> {
    const { claims, state } = this.deps;
    const [variant] = plan.product.variantsInfo.variants;
    if (variant) variant.id = undefined;
    const create = async () =>
      (await this.create([{ ...plan, mapping: undefined }]))[0] ?? bulkFailure(plan.itemCode, error);
    if (!claims) return create();
    return withClaim(claims, plan.itemCode, async () => {
      const now = (await state.getMappings([plan.itemCode])).get(plan.itemCode);
      return now && now.productId !== goneId ? held(plan.itemCode, "made again by another worker") : create();
    });
  }

  /** Records what Wix now holds for the item; `batch` defers the write to one batch per bulk call. */
  private async saveMapping(plan: Planned, product: WixProduct, batch?: Planned[]): Promise<void> {
    const now = new Date().toISOString();
    // A template's product has many variants: its own mapping names none, each variant gets one.
    const isTemplate =
      plan.variantCodes !== undefined || (plan.mapping !== undefined && !plan.mapping.variantId);
    const variants = product.variantsInfo?.variants ?? [];
    const variant = isTemplate ? undefined : (variants.find((v) => v.sku === plan.itemCode) ?? variants[0]);
    if (plan.variantCodes)
      plan.variantIds = new Map(variants.flatMap((v) => (v.sku && v.id ? [[v.sku, v.id] as const] : [])));
    // Stamped with the catalog it is written on (a V1 stamp goes once the site runs V3).
    plan.mapping = stamped(
      {
        ...plan.mapping,
        itemCode: plan.itemCode,
        productId: product.id as string,
        variantId: variant?.id ?? plan.mapping?.variantId,
        revision: product.revision,
        hash: plan.hash,
        hidden: plan.hash === HIDDEN_HASH,
        // A hide sends no content: the image Wix has is still the one sent last.
        image: plan.hash === HIDDEN_HASH ? plan.mapping?.image : imageOf(plan.product),
        itemGroup: plan.itemGroup ?? plan.mapping?.itemGroup,
        createdAt: plan.mapping?.createdAt ?? now,
        updatedAt: now,
      },
      this.deps.catalog,
    );
    if (batch) batch.push(plan);
    else await this.persist([plan]);
  }

  /**
   * Writes mappings in one batch; a template's variants are mapped too (stock and orders use them).
   * `created`: the stock the products were just created with (withStock), recorded as the quantity
   * last pushed, so the Catalog V1 echo skip (InventorySync.itemsForProducts) compares with it.
   */
  private async persist(plans: Planned[], created?: Map<string, number>): Promise<void> {
    const pushed = (itemCode: string) => (created ? { quantity: created.get(itemCode) ?? 0 } : {});
    const now = new Date().toISOString();
    const rows = plans.flatMap((p) => {
      if (!p.mapping) return [];
      const mapping = p.mapping.variantId ? { ...p.mapping, ...pushed(p.itemCode) } : p.mapping;
      const variants = [...(p.variantIds ?? [])].map(([sku, variantId]) => ({
        mapping: {
          ...(mapping.catalog ? { catalog: mapping.catalog } : {}),
          itemCode: sku,
          productId: mapping.productId,
          variantId,
          variantOf: p.itemCode,
          ...pushed(sku),
          createdAt: mapping.createdAt,
          updatedAt: now,
        },
      }));
      return [{ mapping, priceName: p.priceName }, ...variants];
    });
    if (rows.length) await this.deps.state.putMappings(rows);
  }
}

/**
 * The update for a planned product. The brand is left out: Wix assigns a brand on update only
 * by id (BRAND_MISSING_ID, updateProduct doc in @wix/auto_sdk_stores_products-v-3
 * build/cjs/index.d.ts) and omitted fields stay unchanged, so the brand set at creation stays.
 */
function toUpdate(plan: Planned): WixProductUpdate {
  const mapping = plan.mapping as ProductMapping;
  const { brand: _brand, options, variantsInfo, media, ...rest } = plan.product;
  // The image goes only when ours changed (ProductMapping.image): omitted, Wix's media stay as they are.
  const image = imageOf(plan.product);
  const changed = image !== undefined && image !== mapping.image;
  const identity = {
    ...rest,
    ...(changed ? { media } : {}),
    id: mapping.productId,
    revision: mapping.revision ?? "",
  };
  // A hide sends `{visible: false}` only; otherwise variants go with their options.
  return variantsInfo ? { ...identity, options: options ?? [], variantsInfo } : identity;
}

/** Our image URL on the product (mapping.ts sends one at most). */
const imageOf = (product: WixProduct) => product.media?.itemsInfo.items[0]?.url;

export function failure(itemCode: string, error: unknown): ItemResult {
  return { itemCode, outcome: "failed", reason: errorMessage(error), retryable: isRetryable(error) };
}

/** Per-item bulk errors are the item's own problem (validation, duplicates): not retryable. */
function bulkFailure(itemCode: string, error?: BulkError): ItemResult {
  return {
    itemCode,
    outcome: "failed",
    reason: error ? describeBulkError(error) : "rejected by Wix",
    retryable: false,
  };
}

/** The create payload carries each variant's opening stock; it is not part of the content hash. */
function withStock(product: WixProduct, stock: Map<string, number>): WixNewProduct {
  const variants = product.variantsInfo.variants.map((v) => ({
    ...v,
    inventoryItem: { quantity: stock.get(v.sku ?? "") ?? 0 },
  }));
  return { ...product, variantsInfo: { variants } };
}

/**
 * A plan the bulk answer says nothing about is not lost: it fails like any per-item failure (and
 * is parked). Wix leaves failures out of `results` past a threshold and only counts them
 * (BulkActionMetadata.undetailedFailures, products-v-3 meta.d.ts).
 */
function unanswered(chunk: Planned[], response: BulkResponse<WixProduct>): ItemResult[] {
  const answered = new Set(response.results.map((r) => r.itemMetadata.originalIndex));
  return chunk
    .filter((_, i) => !answered.has(i))
    .map((p) => ({
      itemCode: p.itemCode,
      outcome: "failed",
      reason: "Wix gave no result for it (undetailed failure)",
      retryable: false,
    }));
}

/**
 * Bulk calls take at most 100 products, 1000 variants and 100 options in all (the bulk create
 * doc in @wix/auto_sdk_stores_products-v-3 build/cjs/index.d.ts).
 */
export function bulkChunks<P extends Pick<Planned, "product">>(plans: P[]): P[][] {
  const out: P[][] = [];
  let current: P[] = [];
  let variants = 0;
  let options = 0;
  for (const plan of plans) {
    const n = plan.product.variantsInfo?.variants.length ?? 1;
    const o = plan.product.options?.length ?? 0;
    if (
      current.length &&
      (current.length >= WIX_BULK_PRODUCTS ||
        variants + n > WIX_BULK_VARIANTS ||
        options + o > WIX_BULK_OPTIONS)
    ) {
      out.push(current);
      current = [];
      variants = 0;
      options = 0;
    }
    current.push(plan);
    variants += n;
    options += o;
  }
  if (current.length) out.push(current);
  return out;
}
