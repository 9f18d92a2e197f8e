import { HttpError } from "../http/errors";
import type { Enqueuer } from "../queue/messages";
import type { ProductMapping, StateStore } from "../store/state";
import type { SyncLog } from "../store/sync-log";
import type { WixClient } from "../wix/client";
import { chunks } from "./concurrency";

/** ERPNext's root group says nothing about an item: it gets no category. */
const ROOT_GROUP = "All Item Groups";
/** Bulk Add Items To Category takes a list; 100 a call, like the other bulk calls. */
export const CATEGORY_BATCH = 100;

const wantsFiling = (m: ProductMapping) =>
  Boolean(
    m.itemGroup && m.itemGroup !== ROOT_GROUP && m.itemGroup !== m.category && !m.hidden && !m.variantOf,
  );

/**
 * Files published products under the Wix category named like their ERPNext item group. Done in
 * bulk per category by its own job, so a catch-up's product writes are not multiplied.
 */
export class CategorySync {
  constructor(private readonly deps: { wix: WixClient; state: StateStore; log: SyncLog }) {}

  async file(group: string, itemCodes: string[]): Promise<number> {
    const { wix, state } = this.deps;
    const mappings = [...(await state.getMappings(itemCodes)).values()].filter(
      (m) => wantsFiling(m) && m.itemGroup === group,
    );
    if (!mappings.length) return 0;
    const categoryId = await this.categoryId(group, true);
    await wix.addToCategory(
      categoryId as string,
      mappings.map((m) => m.productId),
    );
    const byOld = new Map<string, ProductMapping[]>();
    for (const m of mappings) if (m.category) byOld.set(m.category, [...(byOld.get(m.category) ?? []), m]);
    for (const [old, moved] of byOld) {
      const oldId = await this.categoryId(old, false);
      if (oldId)
        await wix.removeFromCategory(
          oldId,
          moved.map((m) => m.productId),
        );
    }
    await state.putMappings(mappings.map((m) => ({ mapping: { ...m, category: group } })));
    await this.deps.log.writeAll(
      mappings.map((m) => ({
        flow: "products" as const,
        key: m.itemCode,
        outcome: "updated" as const,
        reason: `category ${group}`,
      })),
    );
    return mappings.length;
  }

  /** The category's id: remembered, found by name, or created (a racing creator is found next). */
  private async categoryId(group: string, create: boolean): Promise<string | undefined> {
    const { wix, state } = this.deps;
    const known = await state.getCategoryId(group);
    if (known) return known;
    let category = await wix.findCategory(group);
    if (!category && create) {
      try {
        category = await wix.createCategory(group);
      } catch (error) {
        if (!(error instanceof HttpError && error.status === 409)) throw error;
        category = await wix.findCategory(group);
      }
    }
    if (category) await state.putCategoryId(group, category.id);
    return category?.id;
  }
}

/** The category job: every published product whose group is not yet its Wix category, by group. */
export async function categoryJob(deps: { state: StateStore; queue: Enqueuer }) {
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
