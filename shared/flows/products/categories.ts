import { chunks } from "../../concurrency";
import type { WorkQueue } from "../job-ports";
import type { ProductMapping } from "../records";
import { type BulkError, describeBulkError } from "../wix-bulk";
import type {
  CategoryDirectory,
  CategoryMessage,
  CategoryState,
  FlowHeartbeat,
  MappingScan,
  OutcomeLog,
} from "./category-ports";

/** ERPNext's root group says nothing about an item: it gets no category. */
const ROOT_GROUP = "All Item Groups";
/**
 * Products per Bulk Add/Remove Items call (one products message): remove takes at most 100 items
 * and both answer at most 100 results (@wix/auto_sdk_categories_categories build/cjs/meta.d.ts).
 */
export const CATEGORY_BATCH = 100;
/**
 * The one per-call refusal the SDK documents for Bulk Add/Remove Items
 * (@wix/auto_sdk_categories_categories build/cjs/meta.d.ts `BulkAddItemsToCategoryApplicationErrors`):
 * trying again cannot help. Any other per-item failure is retried.
 */
const PERMANENT = new Set(["MANAGED_CATEGORY_OPERATION_NOT_ALLOWED"]);

/** Where a V1 site's collection ids are remembered, beside (never over) the V3 category ids. */
const V1_KEY = "Catalog V1: ";

const wantsFiling = (m: ProductMapping) =>
  Boolean(
    m.itemGroup && m.itemGroup !== ROOT_GROUP && m.itemGroup !== m.category && !m.hidden && !m.variantOf,
  );

export interface CategorySyncDeps {
  wix: CategoryDirectory;
  state: CategoryState;
  log: OutcomeLog;
}

export interface FilingResult {
  filed: number;
  failed: { itemCode: string; reason: string; retryable: boolean }[];
}

/**
 * Files published products under the Wix category named like their ERPNext item group. Done in
 * bulk per category by its own job, so a catch-up's product writes are not multiplied. Wix
 * answers per product: only the products Wix filed are remembered as filed; the others are in
 * the sync log with Wix's reason and returned, to be retried or parked by the worker.
 */
export class CategorySync {
  constructor(private readonly deps: CategorySyncDeps) {}

  async file(group: string, itemCodes: string[]): Promise<FilingResult> {
    const { wix, state } = this.deps;
    const mappings = [...(await state.getMappings(itemCodes)).values()].filter(
      (m) => wantsFiling(m) && m.itemGroup === group,
    );
    if (!mappings.length) return { filed: 0, failed: [] };
    const categoryId = (await this.categoryId(group, true)) as string;
    const failed = new Map<string, { reason: string; retryable: boolean }>();
    const refused = (m: ProductMapping, error?: BulkError) => {
      if (error)
        failed.set(m.itemCode, { reason: describeBulkError(error), retryable: !PERMANENT.has(error.code) });
      return Boolean(error);
    };
    const added = await wix.addToCategory(
      categoryId,
      mappings.map((m) => m.productId),
    );
    const filed = mappings.filter((m, i) => !refused(m, added[i]?.error));

    // Moved products leave their old category; one still there is tried again next time.
    const byOld = new Map<string, ProductMapping[]>();
    for (const m of filed) if (m.category) byOld.set(m.category, [...(byOld.get(m.category) ?? []), m]);
    for (const [old, moved] of byOld) {
      const oldId = await this.categoryId(old, false);
      if (!oldId) continue;
      const removed = await wix.removeFromCategory(
        oldId,
        moved.map((m) => m.productId),
      );
      for (const [i, m] of moved.entries()) refused(m, removed[i]?.error);
    }
    const done = filed.filter((m) => !failed.has(m.itemCode));
    await state.putMappings(done.map((m) => ({ mapping: { ...m, category: group } })));
    await this.deps.log.writeAll([
      ...done.map((m) => ({
        flow: "products" as const,
        key: m.itemCode,
        outcome: "updated" as const,
        reason: `category ${group}`,
      })),
      ...[...failed].map(([key, f]) => ({
        flow: "products" as const,
        key,
        outcome: "failed" as const,
        reason: `category ${group}: ${f.reason}`,
      })),
    ]);
    return { filed: done.length, failed: [...failed].map(([itemCode, f]) => ({ itemCode, ...f })) };
  }

  /**
   * The category's id: remembered, else found by name (the oldest of same-named ones, hidden ones
   * included), else created. Names are not unique in Wix, so two racing creators make two
   * categories; finding again after a create settles both on the oldest.
   */
  private async categoryId(group: string, create: boolean): Promise<string | undefined> {
    const { wix, state } = this.deps;
    // A V1 collection id is no V3 category id: after Wix converts the site, V3's is found by name.
    const key = (await wix.catalogVersion()) === "V1_CATALOG" ? `${V1_KEY}${group}` : group;
    const known = await state.getCategoryId(key);
    if (known) return known;
    let category = (await wix.findCategories(group))[0];
    if (!category && create) {
      const created = await wix.createCategory(group);
      category = (await wix.findCategories(group))[0] ?? created;
    }
    if (category) await state.putCategoryId(key, category.id);
    return category?.id;
  }
}

/** The category job: every published product whose group is not yet its Wix category, by group. */
export async function categoryJob(deps: {
  state: MappingScan & FlowHeartbeat;
  queue: WorkQueue<"products", CategoryMessage>;
}) {
  const byGroup = new Map<string, string[]>();
  for await (const page of deps.state.allMappings(1000)) {
    for (const m of page.filter(wantsFiling))
      byGroup.set(m.itemGroup as string, [...(byGroup.get(m.itemGroup as string) ?? []), m.itemCode]);
  }
  let enqueued = 0;
  for (const [group, codes] of byGroup) {
    await deps.queue.send(
      "products",
      chunks(codes, CATEGORY_BATCH).map((itemCodes) => ({
        kind: "categories" as const,
        group,
        itemCodes,
        source: "category-sync",
      })),
    );
    enqueued += codes.length;
  }
  await deps.state.markSuccess("products");
  return { enqueued, groups: byGroup.size };
}
