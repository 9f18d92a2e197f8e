import { PermanentError } from "../../errors";
import { readCurrencyPrecision } from "../currency";
import { HourlyCache } from "../hourly-cache";
import { readCatalog } from "./catalog";
import type { ItemSource, OutcomeLog, ProductCatalog, ProductMappings } from "./ports";
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
  state: ProductMappings;
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
}

/**
 * Publishes ERPNext items to Wix, in bulk, skipping what has not changed since the last push.
 * Reading is in catalog.ts, deciding in plan.ts, linking by SKU in link.ts, writing in publish.ts.
 */
export class ProductSync {
  private readonly publisher: Publisher;
  /** The decimals prices are published with: ERPNext's, so Wix charges what ERPNext books. */
  private readonly precision = new HourlyCache(() => readCurrencyPrecision(this.deps.erpnext));

  constructor(private readonly deps: ProductSyncDeps) {
    this.publisher = new Publisher(deps);
  }

  /**
   * Re-reads the items from ERPNext and brings Wix in line. A variant is synced as part of its
   * template's product. One result per standalone item or template.
   */
  async syncItems(itemCodes: string[], trigger: { changedAt?: string } = {}): Promise<ItemResult[]> {
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
    if (creates.length || updates.length) {
      const version = await wix.catalogVersion();
      if (version !== "V3_CATALOG")
        throw new PermanentError(`the Wix site runs ${version}: only Catalog V3 is synced`);
    }
    const linked = await this.publisher.link(creates);
    results.push(...(await this.publisher.create(creates.filter((p) => !linked.has(p.itemCode)))));
    results.push(
      ...(await this.publisher.update(
        [...updates, ...creates.filter((p) => linked.has(p.itemCode))],
        linked,
      )),
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
    // Stock follows for what was just linked (and any variant without an inventory item).
    const published = results
      .filter((r) => r.outcome === "created" || r.outcome === "linked")
      .flatMap((r) => {
        const unit = catalog.templates.get(r.itemCode);
        return unit ? unit.variants.map((v) => v.item.item_code) : [r.itemCode];
      });
    if (published.length) await this.deps.onPublished?.(published);
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
