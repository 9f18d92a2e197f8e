import { errorMessage } from "../../errors";
import type { ProductMapping } from "../records";
import type { Catalog } from "./catalog";
import { ContentProblem, HIDDEN_HASH, WIX_LABEL_MAX, WIX_NAME_MAX } from "./mapping";
import {
  NotPublishableYet,
  type Planned,
  type PlanSettings,
  planItem,
  planTemplate,
  skusOf,
} from "./product-plan";
import { notThisSite, type SiteScope } from "./scope";

/**
 * The first sync, before it happens: what the products flow would do with each ERPNext item, and
 * what a person must decide first. The decisions are the flow's own (planItem / planTemplate of
 * product-plan.ts, the SKU link of link.ts), so the plan and the sync agree.
 * Pure: the reader (first-sync-read.ts) gathers both sides.
 */

/** One Wix variant as Search Variants lists it (read-only variants V3): product, name, SKU. */
export interface WixListing {
  productId: string;
  productName?: string;
  variantId?: string;
  sku?: string;
}

export interface PlanInput {
  catalog: Catalog;
  /** Our records of what is already published (none on a first sync). */
  mappings: Map<string, ProductMapping>;
  /** Every variant in the Wix catalog. */
  wix: WixListing[];
  /** Names of the Wix Stores categories that exist. */
  categories: Set<string>;
  /** Sellable stock in ERPNext and the Wix quantity, by SKU (linked and published items). */
  stock?: { erpnext: Map<string, number>; wix: Map<string, number> };
}

export interface PlanOptions extends PlanSettings {
  /** A stock change larger than this (units) is listed for a person to confirm. */
  stockThreshold: number;
  /** The site planned and every site (several sites, or item groups): what it leaves alone. */
  scope?: { own: SiteScope; sites: SiteScope[] };
}

export type Action = "create" | "link" | "update" | "hide" | "unchanged" | "not-published";

export type ConflictKind =
  | "duplicate-sku"
  | "no-sku-same-name"
  | "no-price"
  | "over-limit"
  | "variant-attributes"
  | "new-category"
  | "stock-change"
  | "unreadable";

export interface Conflict {
  kind: ConflictKind;
  /** The item code (or, for a new category, the item group). */
  item: string;
  detail: string;
  /** A new category's items. */
  items?: string[];
}

export interface ItemPlan {
  item: string;
  action: Action;
  reason?: string;
  /** The Wix product it links to or updates. */
  productId?: string;
}

export interface SyncPlan {
  counts: Record<Action, number>;
  items: ItemPlan[];
  conflicts: Conflict[];
}

export function planSync(input: PlanInput, options: PlanOptions): SyncPlan {
  const { catalog, mappings } = input;
  const bySku = new Map<string, WixListing[]>();
  for (const v of input.wix) if (v.sku) bySku.set(v.sku, [...(bySku.get(v.sku) ?? []), v]);
  const items: ItemPlan[] = [];
  const conflicts: Conflict[] = [];
  const groups = new Map<string, string[]>();

  for (const code of catalog.units) {
    const unreadable = catalog.unreadable.get(code);
    if (unreadable) {
      conflicts.push({ kind: "unreadable", item: code, detail: `ERPNext item not readable: ${unreadable}` });
      continue;
    }
    const unit = catalog.templates.get(code);
    const item = unit?.template ?? catalog.items.get(code);
    const mapping = mappings.get(code);
    // The sync's rule (ProductSync): another site's item, or one outside the site's groups.
    const elsewhere = options.scope && notThisSite(options.scope.own, options.scope.sites, code, catalog);
    if (elsewhere) {
      const published = mapping && mapping.hash !== HIDDEN_HASH;
      items.push({
        item: code,
        action: published ? "hide" : "not-published",
        reason: `not for sale on this site: ${elsewhere}`,
        productId: mapping?.productId,
      });
      continue;
    }
    let plan: Planned | undefined;
    try {
      plan = unit
        ? planTemplate(options, code, unit, catalog.prices, mappings)
        : planItem(options, code, catalog.items.get(code), catalog.prices, mapping, catalog.unreadablePrices);
    } catch (error) {
      const kind: ConflictKind =
        error instanceof ContentProblem
          ? error.kind
          : error instanceof NotPublishableYet
            ? "no-price"
            : "unreadable";
      conflicts.push({ kind, item: code, detail: errorMessage(error) });
      items.push({ item: code, action: "not-published", reason: errorMessage(error) });
      continue;
    }
    if (!plan) {
      items.push({
        item: code,
        action: mapping || !item ? "unchanged" : "not-published",
        productId: mapping?.productId,
      });
      continue;
    }
    // The same order as ProductSync: hides and updates of what we published, else link by SKU or create.
    const matches = skusOf(plan).flatMap((sku) => bySku.get(sku) ?? []);
    let action: Action;
    let productId = mapping?.productId;
    if (plan.hash === HIDDEN_HASH) action = "hide";
    else if (mapping) action = "update";
    else if (matches.length) {
      action = "link";
      productId = matches[0]?.productId;
    } else action = "create";
    items.push({ item: code, action, productId, ...(plan.reason ? { reason: plan.reason } : {}) });
    if (action === "hide") continue;

    for (const sku of skusOf(plan)) {
      const owners = new Set((bySku.get(sku) ?? []).map((v) => v.productId));
      if ((bySku.get(sku)?.length ?? 0) > 1)
        conflicts.push({
          kind: "duplicate-sku",
          item: code,
          detail: `SKU ${sku} is on ${bySku.get(sku)?.length} Wix variants (products ${[...owners].join(", ")}): the sync links only one`,
        });
    }
    const fullName = (item?.item_name || item?.item_code || "").trim();
    if (fullName.length > WIX_NAME_MAX)
      conflicts.push({
        kind: "over-limit",
        item: code,
        detail: `name is ${fullName.length} characters; Wix takes ${WIX_NAME_MAX}: published as "${plan.product.name}"`,
      });
    if (item?.brand && item.brand.length > WIX_LABEL_MAX)
      conflicts.push({
        kind: "over-limit",
        item: code,
        detail: `brand "${item.brand}" is longer than Wix's ${WIX_LABEL_MAX} characters: shortened`,
      });
    if (action === "create") {
      const name = normalName(plan.product.name);
      const lookalikes = input.wix.filter(
        (v) => !v.sku && v.productName && normalName(v.productName) === name,
      );
      if (lookalikes.length)
        conflicts.push({
          kind: "no-sku-same-name",
          item: code,
          detail: `Wix product ${[...new Set(lookalikes.map((v) => v.productId))].join(", ")} has the same name and no SKU: set its SKU to ${code} to link it, or a second product is created`,
        });
    }
    if (plan.itemGroup && !input.categories.has(plan.itemGroup))
      groups.set(plan.itemGroup, [...(groups.get(plan.itemGroup) ?? []), code]);
    if (input.stock && (action === "link" || action === "update")) {
      for (const sku of skusOf(plan)) {
        const now = input.stock.wix.get(sku);
        const next = input.stock.erpnext.get(sku);
        if (now === undefined || next === undefined) continue;
        if (Math.abs(next - now) > options.stockThreshold)
          conflicts.push({
            kind: "stock-change",
            item: code,
            detail: `${sku}: Wix stock ${now} would become ${next} (change ${next - now}, threshold ${options.stockThreshold})`,
          });
      }
    }
  }
  for (const [group, codes] of groups) conflicts.push(newCategory(group, codes));
  const counts = { create: 0, link: 0, update: 0, hide: 0, unchanged: 0, "not-published": 0 } as Record<
    Action,
    number
  >;
  for (const i of items) counts[i.action]++;
  return { counts, items, conflicts };
}

/**
 * Merges the plans of several pages of items: each item once, a new category once with all its
 * items.
 */
export function mergePlans(plans: SyncPlan[]): SyncPlan {
  const merged: SyncPlan = {
    counts: { create: 0, link: 0, update: 0, hide: 0, unchanged: 0, "not-published": 0 },
    items: [],
    conflicts: [],
  };
  const categories = new Map<string, Set<string>>();
  // A template whose variants fall on two pages is planned on both: it counts once.
  const seen = new Set<string>();
  const listed = new Set<string>();
  for (const p of plans) {
    for (const i of p.items) {
      if (seen.has(i.item)) continue;
      seen.add(i.item);
      merged.items.push(i);
      merged.counts[i.action]++;
    }
    for (const c of p.conflicts) {
      if (c.kind === "new-category") {
        const codes = categories.get(c.item) ?? new Set<string>();
        for (const code of c.items ?? []) codes.add(code);
        categories.set(c.item, codes);
      } else if (!listed.has(`${c.kind}\u0000${c.item}\u0000${c.detail}`)) {
        listed.add(`${c.kind}\u0000${c.item}\u0000${c.detail}`);
        merged.conflicts.push(c);
      }
    }
  }
  for (const [group, codes] of categories) merged.conflicts.push(newCategory(group, [...codes]));
  return merged;
}

function newCategory(group: string, codes: string[]): Conflict {
  const some = codes.slice(0, 5).join(", ") + (codes.length > 5 ? ", ..." : "");
  return {
    kind: "new-category",
    item: group,
    items: codes,
    detail: `item group "${group}" becomes a new Wix category (${codes.length} item(s): ${some})`,
  };
}

function normalName(name: string): string {
  return name.replace(/\s+/g, " ").trim().toLowerCase();
}
