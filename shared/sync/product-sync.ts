import type { ErpnextClient } from "../erpnext/client";
import {
  ITEM_FIELDS,
  ITEM_PRICE_FIELDS,
  type Item,
  type ItemPrice,
  itemPriceSchema,
  itemSchema,
} from "../erpnext/schemas";
import { errorMessage, HttpError, isRetryable } from "../http/errors";
import type { ProductMapping, StateStore } from "../store/state";
import type { Outcome, SyncLog } from "../store/sync-log";
import { WIX_BULK_PRODUCTS, type WixClient } from "../wix/client";
import type { BulkResponse, WixProduct } from "../wix/types";
import { HIDDEN_HASH, pickPrice, toWixProduct } from "./product-mapping";

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
  /** Called with item codes whose Wix product was just created or linked (stock push follows). */
  onPublished?: (itemCodes: string[]) => Promise<void>;
  /** Sellable quantities, so a new product is created with its stock in the same call. */
  quantities?: (itemCodes: string[]) => Promise<Map<string, number>>;
}

type Planned = {
  itemCode: string;
  product: WixProduct;
  hash: string;
  mapping?: ProductMapping;
  priceName?: string;
};

/** Publishes ERPNext items to Wix, in bulk, skipping what has not changed since the last push. */
export class ProductSync {
  constructor(private readonly deps: ProductSyncDeps) {}

  /** Re-reads the items from ERPNext and brings Wix in line. One result per item code. */
  async syncItems(itemCodes: string[], trigger: { changedAt?: string } = {}): Promise<ItemResult[]> {
    const codes = [...new Set(itemCodes)];
    const started = Date.now();
    const { items, prices, unreadable } = await this.readItems(codes);
    const mappings = await this.deps.state.getMappings(codes);
    const results: ItemResult[] = [];
    const creates: Planned[] = [];
    const updates: Planned[] = [];

    for (const code of codes) {
      const problem = unreadable.get(code);
      if (problem) {
        results.push({
          itemCode: code,
          outcome: "failed",
          reason: `ERPNext item not readable: ${problem}`,
          retryable: false,
        });
        continue;
      }
      const item = items.get(code);
      const mapping = mappings.get(code);
      try {
        const plan = this.plan(code, item, prices, mapping);
        if (!plan) {
          results.push({
            itemCode: code,
            outcome: "skipped",
            reason: item ? "unchanged" : "not in ERPNext and never published",
          });
        } else if (mapping) updates.push(plan);
        else creates.push(plan);
      } catch (error) {
        results.push(failure(code, error));
      }
    }

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
    const published = results
      .filter((r) => r.outcome === "created" || r.outcome === "linked")
      .map((r) => r.itemCode);
    if (published.length) await this.deps.onPublished?.(published);
    if (results.some((r) => r.outcome !== "failed")) await this.deps.state.markSuccess("products");
    return results;
  }

  /** Decides what to send for one item; undefined when Wix already shows it. */
  private plan(
    code: string,
    item: Item | undefined,
    prices: ItemPrice[],
    mapping: ProductMapping | undefined,
  ): Planned | undefined {
    const price = item ? pickPrice(prices, item, this.deps.priceList) : undefined;
    // Deleted, disabled, or no longer priced: hide it, never leave it for sale at an old price.
    if (!item || item.disabled || !item.is_sales_item || (mapping && !price)) {
      if (!mapping || mapping.hash === HIDDEN_HASH) return undefined;
      return { itemCode: code, mapping, hash: HIDDEN_HASH, product: { visible: false } as WixProduct };
    }
    const { product, hash } = toWixProduct(item, price, this.deps.erpnextUrl, mapping?.variantId);
    if (mapping?.hash === hash) return undefined;
    return { itemCode: code, product, hash, mapping, priceName: price?.name };
  }

  private async readItems(
    codes: string[],
  ): Promise<{ items: Map<string, Item>; prices: ItemPrice[]; unreadable: Map<string, string> }> {
    const { erpnext, priceList } = this.deps;
    const rows = await erpnext.listAll("Item", { fields: ITEM_FIELDS, filters: [["name", "in", codes]] });
    const priceRows = await erpnext.listAll("Item Price", {
      fields: ITEM_PRICE_FIELDS,
      filters: [
        ["item_code", "in", codes],
        ["price_list", "=", priceList],
      ],
    });
    const items = new Map<string, Item>();
    const unreadable = new Map<string, string>();
    for (const row of rows) {
      const parsed = itemSchema.safeParse(row);
      if (parsed.success) items.set(parsed.data.name, parsed.data);
      else
        unreadable.set(
          String(row.name),
          parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
        );
    }
    const prices = priceRows.flatMap((row) => {
      const parsed = itemPriceSchema.safeParse(row);
      return parsed.success ? [parsed.data] : [];
    });
    return { items, prices, unreadable };
  }

  /** Existing Wix products with the same SKU are linked, never duplicated. */
  private async linkExisting(creates: Planned[]): Promise<Set<string>> {
    const linked = new Set<string>();
    if (!creates.length) return linked;
    const { wix, state } = this.deps;
    const ids = await wix.findProductIdsBySku(creates.map((p) => p.itemCode));
    for (const id of ids) {
      const existing = await wix.getProduct(id);
      for (const variant of existing?.variantsInfo.variants ?? []) {
        const plan = creates.find((p) => p.itemCode === variant.sku);
        if (!plan || !existing?.id || !existing.revision) continue;
        const now = new Date().toISOString();
        plan.mapping = {
          itemCode: plan.itemCode,
          productId: existing.id,
          variantId: variant.id,
          revision: existing.revision,
          createdAt: now,
          updatedAt: now,
        };
        const [v] = plan.product.variantsInfo.variants;
        if (v) v.id = variant.id;
        await state.putMapping(plan.mapping);
        linked.add(plan.itemCode);
      }
    }
    return linked;
  }

  private async bulkCreate(plans: Planned[]): Promise<ItemResult[]> {
    const results: ItemResult[] = [];
    for (const chunk of chunks(plans, WIX_BULK_PRODUCTS)) {
      let response: BulkResponse<WixProduct>;
      try {
        const stock =
          (await this.deps.quantities?.(chunk.map((p) => p.itemCode))) ?? new Map<string, number>();
        response = await this.deps.wix.bulkCreateProducts(
          chunk.map((p) => withStock(p.product, stock.get(p.itemCode) ?? 0)),
        );
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
    for (const chunk of chunks(plans, WIX_BULK_PRODUCTS)) {
      let response: BulkResponse<WixProduct>;
      try {
        response = await this.deps.wix.bulkUpdateProducts(chunk.map((p) => this.withIdentity(p)));
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
        results.push(outcome);
      }
      await this.persist(saved);
    }
    return results;
  }

  /**
   * A single update after a failed bulk item: a stale revision is re-read and retried; a product
   * deleted in Wix is created again.
   */
  private async updateOne(
    plan: Planned,
    error?: { code: string; description?: string },
  ): Promise<ItemResult> {
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
        const updated = await wix.updateProduct(this.withIdentity(plan));
        await this.saveMapping(plan, updated);
        return { itemCode: plan.itemCode, outcome: "updated" };
      } catch (e) {
        if (e instanceof HttpError && e.status === 409) continue; // revision moved again: re-read
        return failure(plan.itemCode, e);
      }
    }
    return { itemCode: plan.itemCode, outcome: "failed", reason: "revision kept changing", retryable: true };
  }

  private withIdentity(plan: Planned): WixProduct & { id: string; revision: string } {
    const mapping = plan.mapping as ProductMapping;
    return { ...plan.product, id: mapping.productId, revision: mapping.revision ?? "" };
  }

  /** Records what Wix now holds for the item; `batch` defers the write to one batch per bulk call. */
  private async saveMapping(plan: Planned, product: WixProduct, batch?: Planned[]): Promise<void> {
    const now = new Date().toISOString();
    const variant =
      product.variantsInfo?.variants.find((v) => v.sku === plan.itemCode) ??
      product.variantsInfo?.variants[0];
    plan.mapping = {
      ...plan.mapping,
      itemCode: plan.itemCode,
      productId: product.id as string,
      variantId: variant?.id ?? plan.mapping?.variantId,
      revision: product.revision,
      hash: plan.hash,
      hidden: plan.hash === HIDDEN_HASH,
      createdAt: plan.mapping?.createdAt ?? now,
      updatedAt: now,
    };
    if (batch) batch.push(plan);
    else await this.persist([plan]);
  }

  private async persist(plans: Planned[]): Promise<void> {
    const rows = plans.flatMap((p) => (p.mapping ? [{ mapping: p.mapping, priceName: p.priceName }] : []));
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
function bulkFailure(itemCode: string, error?: { code: string; description?: string }): ItemResult {
  const reason = error
    ? `${error.code}${error.description ? `: ${error.description}` : ""}`
    : "rejected by Wix";
  return { itemCode, outcome: "failed", reason, retryable: false };
}

export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** The create payload carries each variant's opening stock; it is not part of the content hash. */
function withStock(product: WixProduct, quantity: number): WixProduct {
  const variants = product.variantsInfo.variants.map((v) => ({ ...v, inventoryItem: { quantity } }));
  return { ...product, variantsInfo: { variants } };
}
