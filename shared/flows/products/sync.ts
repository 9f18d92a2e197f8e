import { chunks, mapLimited } from "../../concurrency";
import { ERPNEXT_IN_FILTER, type ErpnextClient } from "../../erpnext/client";
import {
  ITEM_FIELDS,
  ITEM_PRICE_FIELDS,
  type Item,
  type ItemPrice,
  itemPriceSchema,
  itemSchema,
} from "../../erpnext/schemas";
import { errorMessage, HttpError, isRetryable, PermanentError } from "../../errors";
import type { ProductMapping, StateStore } from "../../store/state";
import type { Outcome, SyncLog } from "../../store/sync-log";
import { describeIssues } from "../../validation";
import { type BulkError, describeBulkError } from "../../wix/bulk";
import { WIX_BULK_OPTIONS, WIX_BULK_PRODUCTS, WIX_BULK_VARIANTS, type WixClient } from "../../wix/client";
import type { BulkResponse, WixNewProduct, WixProduct, WixProductUpdate } from "../../wix/types";
import {
  HIDDEN_HASH,
  pickPrice,
  priceProblem,
  toWixProduct,
  toWixVariantProduct,
  type VariantInput,
} from "./mapping";

export interface ItemResult {
  itemCode: string;
  outcome: Outcome;
  reason?: string;
  retryable?: boolean;
}

export interface ProductSyncDeps {
  erpnext: ErpnextClient;
  wix: WixClient;
  state: StateStore;
  log: SyncLog;
  erpnextUrl: string;
  priceList: string;
  /** Publish items priced 0 (ALLOW_FREE_ITEMS); otherwise a 0 price hides the product. */
  allowFreeItems?: boolean;
  /** Called with item codes whose Wix product was just created or linked (stock push follows). */
  onPublished?: (itemCodes: string[]) => Promise<void>;
  /** Sellable quantities, so a new product is created with its stock in the same call. */
  quantities?: (itemCodes: string[]) => Promise<Map<string, number>>;
}

type Planned = {
  /** The unit's code: a standalone item, or a template whose variants are the Wix variants. */
  itemCode: string;
  product: WixProduct;
  hash: string;
  mapping?: ProductMapping;
  priceName?: string;
  /** A template's variant item codes (each a Wix variant SKU). */
  variantCodes?: string[];
  /** After a write: the Wix variant id of each of those SKUs. */
  variantIds?: Map<string, string>;
  /** The ERPNext item group, filed as a Wix category by the category job. */
  itemGroup?: string;
  /** Why it is hidden (for the sync log). */
  reason?: string;
};

/** A template with its variants, read for one sync. */
interface TemplateUnit {
  template?: Item;
  variants: VariantInput[];
  /** Attribute names in the template's order. */
  optionOrder: string[];
}

interface Catalog {
  items: Map<string, Item>;
  prices: ItemPrice[];
  /** Item Prices that failed validation, by item code, with the reason. */
  unreadablePrices: Map<string, string>;
  unreadable: Map<string, string>;
  templates: Map<string, TemplateUnit>;
  /** What to sync: standalone item codes and template codes. */
  units: string[];
}

/** Publishes ERPNext items to Wix, in bulk, skipping what has not changed since the last push. */
export class ProductSync {
  constructor(private readonly deps: ProductSyncDeps) {}

  /**
   * Re-reads the items from ERPNext and brings Wix in line. A variant is synced as part of its
   * template's product. One result per standalone item or template.
   */
  async syncItems(itemCodes: string[], trigger: { changedAt?: string } = {}): Promise<ItemResult[]> {
    const codes = [...new Set(itemCodes)];
    const started = Date.now();
    const version = await this.deps.wix.catalogVersion();
    if (version !== "V3_CATALOG")
      throw new PermanentError(`the Wix site runs ${version}: only Catalog V3 is synced`);
    const known = await this.deps.state.getMappings(codes);

    const catalog = await this.readCatalog(codes, known);
    const variantCodes = [...catalog.templates.values()].flatMap((t) =>
      t.variants.map((v) => v.item.item_code),
    );
    const mappings = await this.deps.state.getMappings([...catalog.units, ...variantCodes]);
    const results: ItemResult[] = [];
    const creates: Planned[] = [];
    const updates: Planned[] = [];

    for (const code of catalog.units) {
      const problem = catalog.unreadable.get(code);
      if (problem) {
        results.push({
          itemCode: code,
          outcome: "failed",
          reason: `ERPNext item not readable: ${problem}`,
          retryable: false,
        });
        continue;
      }
      const mapping = mappings.get(code);
      try {
        const unit = catalog.templates.get(code);
        const plan = unit
          ? this.planTemplate(code, unit, catalog.prices, mappings)
          : this.plan(code, catalog.items.get(code), catalog.prices, mapping, catalog.unreadablePrices);
        const exists = catalog.items.has(code) || unit?.template;
        if (!plan) {
          results.push({
            itemCode: code,
            outcome: "skipped",
            reason: exists ? "unchanged" : "not in ERPNext and never published",
          });
        } else if (mapping) updates.push(plan);
        else creates.push(plan);
      } catch (error) {
        // Waiting for its price is an ordinary state (the Item Price webhook brings it back), not
        // a message for a person in the DLQ.
        if (error instanceof NotPublishableYet)
          results.push({ itemCode: code, outcome: "skipped", reason: `not published: ${error.message}` });
        else results.push(failure(code, error));
      }
    }

    await this.recordGroupChanges(catalog, mappings, [...creates, ...updates]);
    const linked = await this.linkExisting(creates);
    results.push(...(await this.bulkCreate(creates.filter((p) => !linked.has(p.itemCode)))));
    results.push(
      ...(await this.bulkUpdate([...updates, ...creates.filter((p) => linked.has(p.itemCode))], linked)),
    );

    const latencyMs = trigger.changedAt
      ? Math.max(0, Date.now() - Date.parse(trigger.changedAt))
      : Date.now() - started;
    await this.deps.log.writeAll(
      results.map((r) => ({
        flow: "products" as const,
        key: r.itemCode,
        outcome: r.outcome,
        reason: r.reason,
        latencyMs,
      })),
    );
    // Stock follows for what was just linked (and any variant without an inventory item).
    const published = results
      .filter((r) => r.outcome === "created" || r.outcome === "linked")
      .flatMap((r) => {
        const unit = catalog.templates.get(r.itemCode);
        return unit ? unit.variants.map((v) => v.item.item_code) : [r.itemCode];
      });
    if (published.length) await this.deps.onPublished?.(published);
    if (results.some((r) => r.outcome !== "failed")) await this.deps.state.markSuccess("products");
    return results;
  }

  /** Decides what to send for one standalone item; undefined when Wix already shows it. */
  private plan(
    code: string,
    item: Item | undefined,
    prices: ItemPrice[],
    mapping: ProductMapping | undefined,
    unreadablePrices: Map<string, string>,
  ): Planned | undefined {
    const price = item ? pickPrice(prices, item, this.deps.priceList) : undefined;
    // Deleted or disabled: hide it.
    if (!item || item.disabled || !item.is_sales_item) return this.hide(code, mapping);
    // No longer priced (missing, unreadable, 0): hide it with the reason, never leave it for sale
    // at an old price or at 0.00; a new item is not published at all.
    const allowFree = this.deps.allowFreeItems ?? false;
    const problem = priceProblem(code, price, allowFree, unreadablePrices.get(code));
    if (problem) {
      if (mapping) return this.hide(code, mapping, problem);
      throw new NotPublishableYet(problem);
    }
    const { product, hash } = toWixProduct(item, price, this.deps.erpnextUrl, mapping?.variantId, allowFree);
    if (mapping?.hash === hash) return undefined;
    return {
      itemCode: code,
      product,
      hash,
      mapping,
      priceName: price?.name,
      itemGroup: item.item_group ?? undefined,
    };
  }

  /** The same for a template: one product, its variants as Wix variants. */
  private planTemplate(
    code: string,
    unit: TemplateUnit,
    prices: ItemPrice[],
    mappings: Map<string, ProductMapping>,
  ): Planned | undefined {
    const mapping = mappings.get(code);
    const { template } = unit;
    if (!template || template.disabled || !template.is_sales_item) return this.hide(code, mapping);
    const variants = unit.variants.map((v) => ({
      ...v,
      price: pickPrice(prices, v.item, this.deps.priceList),
    }));
    const templatePrice = pickPrice(prices, template, this.deps.priceList);
    const ids = new Map<string, string>();
    for (const v of variants) {
      const id = mappings.get(v.item.item_code)?.variantId;
      if (id) ids.set(v.item.item_code, id);
    }
    let content: ReturnType<typeof toWixVariantProduct>;
    try {
      content = toWixVariantProduct(
        template,
        templatePrice,
        variants,
        unit.optionOrder,
        this.deps.erpnextUrl,
        ids,
        this.deps.allowFreeItems ?? false,
      );
    } catch (error) {
      // A published template that can no longer be sold as it is must not stay on sale.
      if (mapping) return this.hide(code, mapping, errorMessage(error));
      throw error;
    }
    if (mapping?.hash === content.hash) return undefined;
    const variantCodes = variants.map((v) => v.item.item_code);
    return { itemCode: code, ...content, mapping, variantCodes, itemGroup: template.item_group ?? undefined };
  }

  /**
   * An item moved to another group changes no product content (so no Wix call here); its mapping
   * notes the new group and the category job files it in bulk.
   */
  private async recordGroupChanges(
    catalog: Catalog,
    mappings: Map<string, ProductMapping>,
    planned: Planned[],
  ): Promise<void> {
    const busy = new Set(planned.map((p) => p.itemCode));
    const moved = catalog.units.flatMap((code) => {
      const mapping = mappings.get(code);
      const group =
        (catalog.templates.get(code)?.template ?? catalog.items.get(code))?.item_group ?? undefined;
      return mapping && group && mapping.itemGroup !== group && !busy.has(code)
        ? [{ mapping: { ...mapping, itemGroup: group } }]
        : [];
    });
    if (moved.length) await this.deps.state.putMappings(moved);
  }

  private hide(code: string, mapping: ProductMapping | undefined, reason?: string): Planned | undefined {
    if (!mapping || mapping.hash === HIDDEN_HASH) return undefined;
    return { itemCode: code, mapping, hash: HIDDEN_HASH, product: { visible: false } as WixProduct, reason };
  }

  /**
   * Items, their templates and variants (with attributes, which only a document read returns),
   * and the prices of all of them.
   */
  private async readCatalog(codes: string[], known: Map<string, ProductMapping>): Promise<Catalog> {
    const { erpnext, priceList } = this.deps;
    const { items, unreadable } = await this.readItems(codes);
    const templateCodes = new Set<string>();
    const units = new Set<string>();
    for (const code of codes) {
      const item = items.get(code);
      const template = item?.has_variants
        ? code
        : (item?.variant_of ?? (item ? undefined : known.get(code)?.variantOf));
      if (template) templateCodes.add(template);
      else units.add(code);
    }
    const templates = new Map<string, TemplateUnit>();
    if (templateCodes.size) {
      const list = [...templateCodes];
      const missing = list.filter((c) => !items.has(c));
      if (missing.length) {
        const more = await this.readItems(missing);
        for (const [k, v] of more.items) items.set(k, v);
        for (const [k, v] of more.unreadable) unreadable.set(k, v);
      }
      const variantRows = await erpnext.listAll("Item", {
        fields: ITEM_FIELDS,
        filters: [["variant_of", "in", list]],
      });
      const variants = variantRows.flatMap((row) => {
        const parsed = itemSchema.safeParse(row);
        return parsed.success ? [parsed.data] : [];
      });
      // Child tables (attributes) come only with the document.
      const docs = await mapLimited(
        [...list.filter((c) => items.has(c)), ...variants.map((v) => v.name)],
        8,
        (name) =>
          erpnext.get<{
            name: string;
            attributes?: { attribute: string; attribute_value?: string | null }[];
          }>("Item", name),
      );
      const attributesOf = new Map(docs.map((d) => [d.name, d.attributes ?? []]));
      for (const code of list) {
        templates.set(code, {
          template: items.get(code),
          optionOrder: (attributesOf.get(code) ?? []).map((a) => a.attribute),
          variants: variants
            .filter((v) => v.variant_of === code)
            .map((item) => ({
              item,
              attributes: Object.fromEntries(
                (attributesOf.get(item.name) ?? [])
                  .filter((a) => a.attribute_value)
                  .map((a) => [a.attribute, a.attribute_value as string]),
              ),
            })),
        });
        units.add(code);
      }
    }
    const priced = [
      ...new Set([
        ...codes,
        ...templateCodes,
        ...[...templates.values()].flatMap((t) => t.variants.map((v) => v.item.name)),
      ]),
    ];
    const priceRows: unknown[] = [];
    for (const chunk of chunks(priced, ERPNEXT_IN_FILTER)) {
      priceRows.push(
        ...(await erpnext.listAll("Item Price", {
          fields: ITEM_PRICE_FIELDS,
          filters: [
            ["item_code", "in", chunk],
            ["price_list", "=", priceList],
          ],
        })),
      );
    }
    const unreadablePrices = new Map<string, string>();
    const prices = priceRows.flatMap((row) => {
      const parsed = itemPriceSchema.safeParse(row);
      if (parsed.success) return [parsed.data];
      const code = (row as { item_code?: unknown }).item_code;
      if (typeof code === "string") unreadablePrices.set(code, describeIssues(parsed.error.issues, "price"));
      return [];
    });
    return { items, prices, unreadablePrices, unreadable, templates, units: [...units] };
  }

  private async readItems(
    codes: string[],
  ): Promise<{ items: Map<string, Item>; unreadable: Map<string, string> }> {
    const rows: Record<string, unknown>[] = [];
    for (const chunk of chunks(codes, ERPNEXT_IN_FILTER)) {
      rows.push(
        ...(await this.deps.erpnext.listAll("Item", {
          fields: ITEM_FIELDS,
          filters: [["name", "in", chunk]],
        })),
      );
    }

    const items = new Map<string, Item>();
    const unreadable = new Map<string, string>();
    for (const row of rows) {
      const parsed = itemSchema.safeParse(row);
      if (parsed.success) items.set(parsed.data.name, parsed.data);
      else unreadable.set(String(row.name), describeIssues(parsed.error.issues, "item"));
    }
    return { items, unreadable };
  }

  /**
   * Existing Wix products with the same SKU are linked, never duplicated. Search Variants gives
   * each match's product id, variant id and product revision; a product whose revision did not
   * come back is read once.
   */
  private async linkExisting(creates: Planned[]): Promise<Set<string>> {
    const linked = new Set<string>();
    if (!creates.length) return linked;
    const { wix, state } = this.deps;
    const bySku = new Map<string, Planned>();
    for (const plan of creates) for (const sku of skusOf(plan)) bySku.set(sku, plan);
    const products = new Map<string, { revision?: string; variantIds: Map<string, string> }>();
    for (const match of await wix.findVariantsBySku([...bySku.keys()])) {
      const productId = match.productData?.productId;
      if (!productId || !match.sku || !match.variantId) continue;
      const found = products.get(productId) ?? { revision: undefined, variantIds: new Map() };
      found.revision ??= match.productData?.revision ?? undefined;
      found.variantIds.set(match.sku, match.variantId);
      products.set(productId, found);
    }
    for (const [productId, found] of products) {
      const plan = [...found.variantIds.keys()].map((sku) => bySku.get(sku)).find(Boolean);
      if (!plan || linked.has(plan.itemCode)) continue;
      const revision = found.revision ?? (await wix.getProduct(productId))?.revision;
      if (!revision) continue;
      // Keep Wix's variant ids for our SKUs, so their inventory items stay.
      for (const v of plan.product.variantsInfo.variants)
        if (v.sku && found.variantIds.has(v.sku)) v.id = found.variantIds.get(v.sku);
      const now = new Date().toISOString();
      plan.mapping = {
        itemCode: plan.itemCode,
        productId,
        variantId: plan.variantCodes ? undefined : found.variantIds.get(plan.itemCode),
        revision,
        createdAt: now,
        updatedAt: now,
      };
      await state.putMapping(plan.mapping);
      linked.add(plan.itemCode);
    }
    return linked;
  }

  private async bulkCreate(plans: Planned[]): Promise<ItemResult[]> {
    const results: ItemResult[] = [];
    for (const chunk of bulkChunks(plans)) {
      let response: BulkResponse<WixProduct>;
      try {
        const stock = (await this.deps.quantities?.(chunk.flatMap(skusOf))) ?? new Map<string, number>();
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
      await this.persist(saved);
      results.push(...unanswered(chunk, response));
      if (retryLink.length) {
        const linked = await this.linkExisting(retryLink);
        results.push(
          ...(await this.bulkUpdate(
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

  private async bulkUpdate(plans: Planned[], linked = new Set<string>()): Promise<ItemResult[]> {
    const results: ItemResult[] = [];
    for (const chunk of bulkChunks(plans)) {
      let response: BulkResponse<WixProduct>;
      try {
        response = await this.deps.wix.bulkUpdateProducts(chunk.map((p) => this.toUpdate(p)));
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
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await wix.getProduct(mapping.productId);
      if (!current?.revision) {
        if (plan.hash === HIDDEN_HASH)
          return { itemCode: plan.itemCode, outcome: "hidden", reason: "gone from Wix" };
        const [variant] = plan.product.variantsInfo.variants;
        if (variant) variant.id = undefined;
        const created = await this.bulkCreate([{ ...plan, mapping: undefined }]);
        return created[0] ?? bulkFailure(plan.itemCode, error);
      }
      mapping.revision = current.revision;
      try {
        const updated = await wix.updateProduct(this.toUpdate(plan));
        await this.saveMapping(plan, updated);
        return { itemCode: plan.itemCode, outcome: "updated" };
      } catch (e) {
        if (e instanceof HttpError && e.status === 409) continue; // revision moved again: re-read
        return failure(plan.itemCode, e);
      }
    }
    return { itemCode: plan.itemCode, outcome: "failed", reason: "revision kept changing", retryable: true };
  }

  /**
   * The update for a planned product. The brand is left out: Wix assigns a brand on update only
   * by id (BRAND_MISSING_ID, updateProduct doc in @wix/auto_sdk_stores_products-v-3
   * build/cjs/index.d.ts) and omitted fields stay unchanged, so the brand set at creation stays.
   */
  private toUpdate(plan: Planned): WixProductUpdate {
    const mapping = plan.mapping as ProductMapping;
    const { brand: _brand, options, variantsInfo, ...rest } = plan.product;
    const identity = { ...rest, id: mapping.productId, revision: mapping.revision ?? "" };
    // A hide sends `{visible: false}` only; otherwise variants go with their options.
    return variantsInfo ? { ...identity, options: options ?? [], variantsInfo } : identity;
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
    plan.mapping = {
      ...plan.mapping,
      itemCode: plan.itemCode,
      productId: product.id as string,
      variantId: variant?.id ?? plan.mapping?.variantId,
      revision: product.revision,
      hash: plan.hash,
      hidden: plan.hash === HIDDEN_HASH,
      itemGroup: plan.itemGroup ?? plan.mapping?.itemGroup,
      createdAt: plan.mapping?.createdAt ?? now,
      updatedAt: now,
    };
    if (batch) batch.push(plan);
    else await this.persist([plan]);
  }

  /** Writes mappings in one batch; a template's variants are mapped too (stock and orders use them). */
  private async persist(plans: Planned[]): Promise<void> {
    const now = new Date().toISOString();
    const rows = plans.flatMap((p) => {
      if (!p.mapping) return [];
      const mapping = p.mapping;
      const variants = [...(p.variantIds ?? [])].map(([sku, variantId]) => ({
        mapping: {
          itemCode: sku,
          productId: mapping.productId,
          variantId,
          variantOf: p.itemCode,
          createdAt: mapping.createdAt,
          updatedAt: now,
        },
      }));
      return [{ mapping, priceName: p.priceName }, ...variants];
    });
    if (rows.length) await this.deps.state.putMappings(rows);
  }

  /** Item codes for Item Prices named by thin webhooks (a deleted price is found in our records). */
  async itemsForPrices(priceNames: string[]): Promise<string[]> {
    const codes: string[] = [];
    for (const name of priceNames) {
      const price = await this.deps.erpnext.find<{ item_code: string }>("Item Price", name);
      const code = price?.item_code ?? (await this.deps.state.itemForPrice(name));
      if (code) codes.push(code);
    }
    return codes;
  }
}

function failure(itemCode: string, error: unknown): ItemResult {
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

/** The SKUs a planned product carries: its variants' item codes, or its own. */
const skusOf = (plan: Planned) => plan.variantCodes ?? [plan.itemCode];

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

/** A new item that cannot be published as it is (no valid price yet). */
class NotPublishableYet extends Error {}
