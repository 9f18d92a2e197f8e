import { chunks } from "../../concurrency";
import { PermanentError } from "../../errors";
import { describeIssues } from "../../validation";
import { type RelinkPorts, relinkV1Mappings } from "../catalog-version";
import { ERPNEXT_IN_FILTER } from "../erpnext-documents";
import { type Bin, binSchema } from "../erpnext-items";
import type { ProductMapping } from "../records";
import { bulkOutcomes, describeBulkError } from "../wix-bulk";
import type { WixInventoryItem } from "../wix-catalog";
import { WIX_BULK_INVENTORY } from "../wix-catalog";
import type { InventoryErpnext, InventoryLog, InventoryState, InventoryWix } from "./ports";

export interface InventorySyncDeps {
  erpnext: InventoryErpnext;
  wix: InventoryWix;
  /**
   * The site's catalog version and products by SKU: a mapping made on Catalog V1 is re-linked
   * before any stock write once the site runs V3. Without it, mappings are taken as they are.
   */
  catalog?: RelinkPorts["wix"];
  state: InventoryState;
  log: InventoryLog;
  /** Warehouses that count; empty = all. */
  warehouses: string[];
  /**
   * The Wix location those warehouses stock. Wix keeps one inventory item per variant and
   * location; we push to this one only and never touch the others. Unset: a single-location
   * site (new items go to the store's default location).
   */
  locationId?: string;
  /** Quantities sold in Wix but not yet reserved in ERPNext (the oversell guard). */
  pendingOrders?: () => Promise<Map<string, number>>;
  /**
   * Several sites on one ERPNext: every site's warehouses (`[]` when a site counts them all). Each
   * site then asks ERPNext for the Bins of all the items it was given over these warehouses, the
   * same request as every other site, which a fan-out makes once (withSharedReads,
   * shared/http/read-memo.ts), and counts its own warehouses' Bins. Unset (one site): it asks for
   * its own mapped items and warehouses only.
   */
  sharedBinWarehouses?: () => Promise<string[] | undefined>;
}

/**
 * The Bins of these items in the chosen warehouses (all when none are chosen), `in` filters of
 * ERPNEXT_IN_FILTER codes. A quantity that is not a number is an error, never a stock of 0.
 */
export async function readBins(
  erpnext: Pick<InventoryErpnext, "listAll">,
  itemCodes: string[],
  warehouses: string[],
): Promise<Bin[]> {
  const bins: Bin[] = [];
  for (const chunk of chunks(itemCodes, ERPNEXT_IN_FILTER)) {
    const filters: [string, string, unknown][] = [["item_code", "in", chunk]];
    if (warehouses.length) filters.push(["warehouse", "in", warehouses]);
    const rows = await erpnext.listAll<Record<string, unknown>>("Bin", {
      fields: ["item_code", "warehouse", "actual_qty", "reserved_qty", "modified"],
      filters,
    });
    for (const row of rows) {
      const parsed = binSchema.safeParse(row);
      if (!parsed.success)
        throw new PermanentError(
          `Bin of ${String(row.item_code)}: ${describeIssues(parsed.error.issues, "bin")}`,
        );
      bins.push(parsed.data);
    }
  }
  return bins;
}

/**
 * Sellable = sum over warehouses of Bin (actual_qty - reserved_qty), never below zero: Bin fields
 * in erpnext/stock/doctype/bin/bin.json, the formula of frappe/ecommerce_integrations'
 * shopify/inventory.py (update_inventory_on_shopify).
 */
export function sellableQuantities(bins: Bin[], warehouses: string[], codes: string[]): Map<string, number> {
  const wanted = new Set(warehouses);
  const totals = new Map<string, number>(codes.map((c) => [c, 0]));
  for (const b of bins) {
    // Bins read for every site hold other warehouses and items too (InventorySyncDeps.sharedBinWarehouses).
    if ((wanted.size && !wanted.has(b.warehouse)) || !totals.has(b.item_code)) continue;
    totals.set(b.item_code, (totals.get(b.item_code) ?? 0) + b.actual_qty - b.reserved_qty);
  }
  for (const [code, qty] of totals) totals.set(code, Math.min(99999, Math.max(0, Math.floor(qty))));
  return totals;
}

export interface StockResult {
  pushed: number;
  unchanged: number;
  created: number;
  unmapped: number;
  failed: { itemCode: string; reason: string }[];
  drift: { itemCode: string; wix: number; erpnext: number }[];
  wixWrites: number;
}

/** Pushes sellable stock of published items to their Wix inventory items, in bulk, changes only. */
export class InventorySync {
  constructor(private readonly deps: InventorySyncDeps) {}

  async syncItems(
    itemCodes: string[],
    trigger: { changedAt?: string; source?: string } = {},
  ): Promise<StockResult> {
    const { wix, state } = this.deps;
    const codes = [...new Set(itemCodes)];
    const result: StockResult = {
      pushed: 0,
      unchanged: 0,
      created: 0,
      unmapped: 0,
      failed: [],
      drift: [],
      wixWrites: 0,
    };
    const mappings = await state.getMappings(codes);
    // V1's product and variant ids are never written to on V3: re-linked by SKU first.
    if (this.deps.catalog) await relinkV1Mappings({ wix: this.deps.catalog, state }, mappings);
    // Stock lives on variants: a template's own mapping (no variant) has none to push.
    const mapped = codes.filter((c) => mappings.get(c)?.variantId && !mappings.get(c)?.hidden);
    result.unmapped = codes.length - mapped.length;
    if (!mapped.length) return result;

    const wanted = await this.sellable(mapped, { given: codes });
    const { current, locations } = await this.currentItems(mapped, mappings);

    const updates: { id: string; revision: string; quantity: number; itemCode: string }[] = [];
    const creates: {
      productId: string;
      variantId: string;
      quantity: number;
      locationId?: string;
      itemCode: string;
    }[] = [];
    for (const code of mapped) {
      const quantity = wanted.get(code) ?? 0;
      const held = locations.get(code);
      if (held && held.size > 1) {
        // Which of them ERPNext's warehouses stock is the merchant's call, not ours.
        result.failed.push({
          itemCode: code,
          reason: `stocked at ${held.size} Wix locations (${[...held].join(", ")}): set WIX_LOCATION_ID to the one ERPNext's warehouses feed`,
        });
        continue;
      }
      const inv = current.get(code);
      const mapping = mappings.get(code);
      if (!inv) {
        if (mapping?.variantId)
          creates.push({
            productId: mapping.productId,
            variantId: mapping.variantId,
            quantity,
            ...(this.deps.locationId ? { locationId: this.deps.locationId } : {}),
            itemCode: code,
          });
        continue;
      }
      if ((inv.quantity ?? 0) === quantity && inv.trackQuantity !== false) {
        result.unchanged++;
        // Wix holds it already (sold down, then set back in the dashboard): the echo skip
        // (itemsForProducts) compares events with this, so it must be what Wix holds; the item id
        // kept spares the next V1 read a lookup. No Wix call.
        if (mapping && (mapping.quantity !== quantity || mapping.inventoryItemId !== inv.id))
          await state.updateMappingQuantity(code, quantity, inv.id);
        continue;
      }
      if (trigger.source === "reconcile")
        result.drift.push({ itemCode: code, wix: inv.quantity ?? 0, erpnext: quantity });
      updates.push({ id: inv.id, revision: inv.revision, quantity, itemCode: code });
    }

    for (const chunk of chunks(updates, WIX_BULK_INVENTORY)) {
      result.wixWrites++;
      const res = await wix.bulkUpdateInventory(chunk.map(({ itemCode: _c, ...rest }) => rest));
      for (const { input, error } of bulkOutcomes(res, chunk)) {
        if (error) result.failed.push({ itemCode: input.itemCode, reason: describeBulkError(error) });
        else {
          result.pushed++;
          await state.updateMappingQuantity(input.itemCode, input.quantity, input.id);
        }
      }
    }
    for (const chunk of chunks(creates, WIX_BULK_INVENTORY)) {
      result.wixWrites++;
      const res = await wix.bulkCreateInventory(chunk.map(({ itemCode: _c, ...rest }) => rest));
      for (const { input, item, error } of bulkOutcomes(res, chunk)) {
        if (error || !item)
          result.failed.push({
            itemCode: input.itemCode,
            reason: describeBulkError(error ?? { code: "NO_ITEM" }),
          });
        else {
          result.created++;
          await state.updateMappingQuantity(input.itemCode, input.quantity, item.id);
        }
      }
    }

    const latencyMs = trigger.changedAt ? Math.max(0, Date.now() - Date.parse(trigger.changedAt)) : undefined;
    if (result.pushed || result.created || result.failed.length || result.drift.length) {
      await this.deps.log.write({
        flow: "inventory",
        key: trigger.source ?? "stock",
        outcome: result.failed.length ? "failed" : "updated",
        reason: result.failed.map((f) => `${f.itemCode}: ${f.reason}`).join("; ") || undefined,
        latencyMs,
        details: {
          pushed: result.pushed,
          created: result.created,
          unchanged: result.unchanged,
          drift: result.drift.length,
          driftUnits: result.drift.reduce((n, d) => n + Math.abs(d.wix - d.erpnext), 0),
        },
      });
    }
    return result;
  }

  /**
   * The Wix inventory item of each SKU at our location, keyed by (SKU, location): only the
   * configured location's items count. Without one, `locations` tells which SKUs Wix stocks at
   * more than one place. Only the variant our mapping names is ours: another product carrying the
   * same SKU (a dashboard duplicate, an old hidden listing) is never read nor written.
   */
  private async currentItems(skus: string[], mappings: Map<string, ProductMapping>) {
    const { locationId } = this.deps;
    const current = new Map<string, WixInventoryItem>();
    const locations = new Map<string, Set<string>>();
    const mapped = skus.flatMap((sku) => {
      const m = mappings.get(sku);
      return m?.variantId
        ? [{ sku, productId: m.productId, variantId: m.variantId, inventoryItemId: m.inventoryItemId }]
        : [];
    });
    for (const item of await this.deps.wix.inventoryBySku(skus, locationId, mapped)) {
      const sku = item.product?.variantSku;
      if (!sku || (locationId && item.locationId !== locationId)) continue;
      const m = mappings.get(sku);
      if (m && item.productId && (item.productId !== m.productId || item.variantId !== m.variantId)) continue;
      current.set(sku, item);
      locations.set(sku, (locations.get(sku) ?? new Set()).add(item.locationId ?? ""));
    }
    return { current, locations };
  }

  /**
   * What Wix may offer per item now: sellable stock in ERPNext (re-read from the Bins) less what
   * Wix has sold that ERPNext has not reserved yet (the oversell guard). `given`: every item the
   * work named, mapped here or not (with several sites, the Bins are read for all of them).
   */
  async sellable(
    itemCodes: string[],
    opts: { guard?: boolean; given?: string[] } = {},
  ): Promise<Map<string, number>> {
    const bins = await this.readBins(itemCodes, opts.given ?? itemCodes);
    const wanted = sellableQuantities(bins, this.deps.warehouses, itemCodes);
    if (opts.guard === false) return wanted;
    const pending = (await this.deps.pendingOrders?.()) ?? new Map<string, number>();
    for (const [code, qty] of wanted) wanted.set(code, Math.max(0, qty - (pending.get(code) ?? 0)));
    return wanted;
  }

  /**
   * One site: the Bins of its items in its warehouses. Several: the Bins of every given item over
   * every site's warehouses, sorted so that each site's request is the same one.
   */
  private async readBins(itemCodes: string[], given: string[]): Promise<Bin[]> {
    const shared = await this.deps.sharedBinWarehouses?.();
    if (!shared) return readBins(this.deps.erpnext, itemCodes, this.deps.warehouses);
    return readBins(this.deps.erpnext, [...new Set(given)].sort(), shared);
  }

  /**
   * The items of Wix products whose stock changed in Wix (Catalog V1 events), to re-check. A
   * product whose every reported quantity is the one we last pushed is our own write's echo: skipped.
   */
  async itemsForProducts(
    productIds: string[],
    reported: { productId: string; variantId: string; quantity?: number }[] = [],
  ): Promise<string[]> {
    const codes: string[] = [];
    for (const id of new Set(productIds)) {
      const items = await this.deps.state.itemsForProduct(id);
      const ours = reported.filter((r) => r.productId === id);
      if (ours.length) {
        const pushed = new Map(
          [...(await this.deps.state.getMappings(items)).values()].map((m) => [m.variantId, m.quantity]),
        );
        if (ours.every((r) => r.quantity !== undefined && pushed.get(r.variantId) === r.quantity)) continue;
      }
      codes.push(...items);
    }
    return codes;
  }

  /** Item codes of Stock Ledger Entries named by thin webhooks. */

  async itemsForLedgerEntries(names: string[]): Promise<string[]> {
    const codes: string[] = [];
    for (const name of names) {
      const sle = await this.deps.erpnext.find<{ item_code: string }>("Stock Ledger Entry", name);
      if (sle?.item_code) codes.push(sle.item_code);
    }
    return codes;
  }
}
