import { catalogStamp, refuseUnsynced, relinkV1Mappings } from "../catalog-version";
import { readCurrencyPrecision } from "../currency";
import { HourlyCache } from "../hourly-cache";
import type { CatalogVersion } from "../wix-catalog";
import { readCatalog } from "./catalog";
import { claimNew, releaseClaims } from "./claims";
import type { ItemClaims, ItemSource, OutcomeLog, ProductCatalog, ProductMappings } from "./ports";
import {
  groupChanges,
  hide,
  NotPublishableYet,
  type Planned,
  type PlanSettings,
  planItem,
  planTemplate,
} from "./product-plan";
import { failure, type ItemResult, Publisher } from "./publish";
import { notThisSite, type SiteScope, statusSite } from "./scope";

export { bulkChunks, type ItemResult } from "./publish";

export interface ProductSyncDeps extends PlanSettings {
  erpnext: ItemSource;
  wix: ProductCatalog;
  state: ProductMappings & ItemClaims;
  log: OutcomeLog;
  /** Called with item codes whose Wix product was just created or linked (stock push follows). */
  onPublished?: (itemCodes: string[]) => Promise<void>;
  /** Sellable quantities, so a new product is created with its stock in the same call. */
  quantities?: (itemCodes: string[]) => Promise<Map<string, number>>;
  /** The Wix site synced ("default" with one site). */
  site?: string;
  /** Only items of these groups and their sub-groups are for sale on it (ERPNEXT_ITEM_GROUPS). */
  itemGroups?: string[];
  /** Every site's scope, in the sites file's order (several sites); without it, this one only. */
  sites?: () => Promise<SiteScope[]>;
  /**
   * Hands items back to the products queue as new work (what a V1 sync had no time left for);
   * without it nothing is deferred.
   */
  requeue?: (itemCodes: string[], changedAt?: string) => Promise<void>;
  /** The clock the deadline is read on (tests). */
  now?: () => number;
}

/**
 * Catalog V1 has no bulk create (Create Product takes one product: @wix/auto_sdk_stores_products
 * build/cjs/index.js createProduct), so a product costs about 4 Wix calls there (create, its
 * variants, its stock, its media). At Wix's 200 requests a minute that is ~1.2 s a product: 100
 * take ~2 minutes, more than the products worker's 120 s (./flow.ts). On V1 a sync with a deadline
 * publishes in chunks of V1_CHUNK and hands back what would not finish in time.
 */
export const V1_CHUNK = 10;
export const V1_MS_PER_PRODUCT = 1_200;

/**
 * Publishes ERPNext items to Wix, in bulk, skipping what has not changed since the last push.
 * Reading is in catalog.ts, deciding in plan.ts, linking by SKU in link.ts, writing in publish.ts.
 */
export class ProductSync {
  /** The decimals prices are published with: ERPNext's, so Wix charges what ERPNext books. */
  private readonly precision = new HourlyCache(() => readCurrencyPrecision(this.deps.erpnext));

  constructor(private readonly deps: ProductSyncDeps) {}

  /**
   * Re-reads the items from ERPNext and brings Wix in line. A variant is synced as part of its
   * template's product. One result per standalone item or template. `deadline` (epoch ms): when
   * the work must be done by (the worker's timeout, less what it needs after).
   */
  async syncItems(
    itemCodes: string[],
    trigger: { changedAt?: string; deadline?: number } = {},
  ): Promise<ItemResult[]> {
    const { wix, state, priceList } = this.deps;
    const codes = [...new Set(itemCodes)];
    const started = Date.now();
    const own: SiteScope = { site: this.deps.site ?? "", priceList, itemGroups: this.deps.itemGroups ?? [] };
    const sites = (await this.deps.sites?.()) ?? [own];
    const known = await state.getMappings(codes);

    const catalog = await readCatalog(this.deps.erpnext, { priceList, sites }, codes, known);
    const settings = { ...this.deps, currencyPrecision: await this.precision.get() };
    const variantCodes = [...catalog.templates.values()].flatMap((t) =>
      t.variants.map((v) => v.item.item_code),
    );
    const mappings = await state.getMappings([...catalog.units, ...variantCodes]);
    // Wix converted the site from V1 to V3: what was mapped on V1 is re-linked by SKU first.
    const relinked = await relinkV1Mappings({ wix, state }, mappings);
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
      // An item another site sells, or outside this site's groups: no Wix call unless this site
      // published it, which is hidden as an item that loses its price is.
      const elsewhere = notThisSite(own, sites, code, catalog);
      if (elsewhere) {
        const reason = `not for sale on this site: ${elsewhere}`;
        const hiding = hide(code, mapping, reason);
        if (hiding) updates.push(hiding);
        else results.push({ itemCode: code, outcome: "skipped", reason });
        continue;
      }
      try {
        const unit = catalog.templates.get(code);
        const plan = unit
          ? planTemplate(settings, code, unit, catalog.prices, mappings)
          : planItem(
              settings,
              code,
              catalog.items.get(code),
              catalog.prices,
              mapping,
              catalog.unreadablePrices,
            );
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

    const moved = groupChanges(catalog, mappings, [...creates, ...updates]);
    if (moved.length) await state.putMappings(moved);
    // Only a sync with something to write asks Wix anything: a site an item does not concern
    // costs it no call.
    let version: CatalogVersion | undefined;
    if (creates.length || updates.length) {
      version = await wix.catalogVersion();
      refuseUnsynced(version, this.deps.site);
    }
    const v1 = version === "V1_CATALOG";
    // What is written now carries the version it was written on (a V1 mapping is re-linked on V3).
    const publisher = new Publisher({
      ...this.deps,
      catalog: version && catalogStamp(version),
      claims: v1 ? state : undefined,
    });
    const v1Deadline = v1 && this.deps.requeue ? trigger.deadline : undefined;
    // V1 refuses no duplicate SKU: a new item is made by one worker at a time (claims.ts).
    const claimed = v1 ? await claimNew(state, creates, results) : creates;
    let deferred: Planned[];
    try {
      deferred = await publish(publisher, claimed, updates, results, {
        deadline: v1Deadline,
        now: this.deps.now ?? Date.now,
      });
    } finally {
      if (v1) await releaseClaims(state, claimed);
    }
    for (const plan of deferred)
      results.push({
        itemCode: plan.itemCode,
        outcome: "skipped",
        reason: "deferred: no time left in this run",
      });
    if (deferred.length)
      await this.deps.requeue?.(
        deferred.map((p) => p.itemCode),
        trigger.changedAt,
      );

    // One Item, several sites: its status fields show one site's result (scope.ts statusSite).
    for (const r of results) {
      const shown = statusSite(sites, r.itemCode, catalog);
      const mapping = mappings.get(r.itemCode);
      if (shown !== undefined && shown !== own.site) r.statusElsewhere = shown;
      // The site the Item showed may just have stopped selling it: with several sites, the site it
      // shows now writes its published product's status even when nothing changed here.
      else if (sites.length > 1 && r.reason === "unchanged" && mapping && !mapping.hidden) r.restate = true;
    }
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
    // Stock follows for what was just linked (and any variant without an inventory item), and for
    // what was re-linked after a conversion to V3 (its stock is now in V3 inventory items).
    const published = results
      .filter((r) => r.outcome === "created" || r.outcome === "linked")
      .flatMap((r) => {
        const unit = catalog.templates.get(r.itemCode);
        return unit ? unit.variants.map((v) => v.item.item_code) : [r.itemCode];
      });
    const restock = relinked.filter((code) => mappings.get(code)?.variantId && !published.includes(code));
    if (published.length || restock.length) await this.deps.onPublished?.([...published, ...restock]);
    return results;
  }

  /**
   * Products deleted in Wix (Catalog V1 `ProductDeleted`): their mappings are forgotten, so stock
   * and categories stop writing to them, and the item's next change publishes it again (linked by
   * SKU, or created) instead of updating a product that is gone.
   */
  async forgetDeleted(productIds: string[]): Promise<string[]> {
    const forgotten: string[] = [];
    for (const id of productIds) forgotten.push(...(await this.deps.state.forgetProduct(id)));
    await this.deps.log.writeAll(
      forgotten.map((code) => ({
        flow: "products" as const,
        key: code,
        outcome: "skipped" as const,
        reason: "its Wix product was deleted in Wix: forgotten, its next change publishes it again",
      })),
    );
    return forgotten;
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

/**
 * Links, creates and updates. Without a deadline, in one go (the publisher's bulk calls). With one
 * (Catalog V1), chunk by chunk while the next chunk fits the time left at the slowest pace seen so
 * far; returns the plans left for another run. Whatever a chunk made is recorded before the next,
 * so the next run finds it (by its mapping, or by SKU) and never creates it twice.
 */
async function publish(
  publisher: Publisher,
  creates: Planned[],
  updates: Planned[],
  results: ItemResult[],
  { deadline, now }: { deadline?: number; now: () => number },
): Promise<Planned[]> {
  const plans = [...creates, ...updates];
  const isCreate = new Set(creates);
  const size = deadline === undefined ? Math.max(plans.length, 1) : V1_CHUNK;
  // One SKU search for the whole batch, as the bulk path makes: on V1 it reads the whole store,
  // and once per chunk it would cost the store's pages again for every 10 products. A chunk links
  // only its own items: one linked but deferred would be an update next run, never a "linked"
  // one, and its stock push would never come.
  const matches = await publisher.find(creates);
  let msPerPlan = V1_MS_PER_PRODUCT;
  for (let i = 0; i < plans.length; i += size) {
    const chunk = plans.slice(i, i + size);
    if (deadline !== undefined && now() + msPerPlan * chunk.length > deadline) return plans.slice(i);
    const started = now();
    const news = chunk.filter((p) => isCreate.has(p));
    const linked = await publisher.link(news, matches);
    results.push(...(await publisher.create(news.filter((p) => !linked.has(p.itemCode)))));
    const changed = [...chunk.filter((p) => !isCreate.has(p)), ...news.filter((p) => linked.has(p.itemCode))];
    results.push(...(await publisher.update(changed, linked)));
    msPerPlan = Math.max(msPerPlan, (now() - started) / chunk.length);
  }
  return [];
}
