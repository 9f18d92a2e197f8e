import { beforeEach, describe, expect, test } from "@jest/globals";
import { CATEGORY_BATCH, CategorySync, categoryJob } from "#shared/flows/products/categories";
import type { ProductMapping } from "#shared/flows/records";
import { FakeCategories, FakeLog, FakeQueue, FakeState } from "./product-fakes";

/** The category filing against in-memory ports: no servers, milliseconds. */
describe("CategorySync with in-memory ports", () => {
  let wix: FakeCategories;
  let state: FakeState;
  let log: FakeLog;
  let sync: CategorySync;

  /** A published product of `group`, filed under `category` if given. */
  const published = (itemCode: string, group: string, extra: Partial<ProductMapping> = {}) =>
    state.mappings.set(itemCode, {
      itemCode,
      productId: `prod-${itemCode}`,
      itemGroup: group,
      createdAt: "2025-01-01T00:00:00.000Z",
      updatedAt: "2025-01-01T00:00:00.000Z",
      ...extra,
    });

  beforeEach(() => {
    wix = new FakeCategories();
    state = new FakeState();
    log = new FakeLog();
    sync = new CategorySync({ wix, state, log });
  });

  test("products are filed under their group's category, created once, and remembered as filed", async () => {
    published("CUP-1", "Cups");
    published("CUP-2", "Cups");
    expect(await sync.file("Cups", ["CUP-1", "CUP-2"])).toEqual({ filed: 2, failed: [] });
    const id = state.categoryIds.get("Cups") as string;
    expect(wix.categories.map((c) => c.name)).toEqual(["Cups"]);
    expect(wix.membersOf(id)).toEqual(["prod-CUP-1", "prod-CUP-2"]);
    expect(state.mappings.get("CUP-1")?.category).toBe("Cups");
    expect(log.entries).toMatchObject([
      { flow: "products", key: "CUP-1", outcome: "updated", reason: "category Cups" },
      { flow: "products", key: "CUP-2", outcome: "updated", reason: "category Cups" },
    ]);

    // A redelivery has nothing left to do.
    wix.calls.length = 0;
    expect(await sync.file("Cups", ["CUP-1", "CUP-2"])).toEqual({ filed: 0, failed: [] });
    expect(wix.calls).toEqual([]);
  });

  test("a V1 collection id is never used as a V3 category once Wix converts the site", async () => {
    wix.version = "V1_CATALOG";
    published("CUP-1", "Cups");
    await sync.file("Cups", ["CUP-1"]);
    const collection = wix.categories[0]?.id as string;
    // Wix converts the site: its collections become categories with ids of their own.
    wix.version = "V3_CATALOG";
    const converted = wix.category("Cups").id;
    wix.categories.splice(0, 1);
    published("CUP-2", "Cups");
    await sync.file("Cups", ["CUP-2"]);
    expect(wix.membersOf(converted)).toEqual(["prod-CUP-2"]);
    expect(wix.membersOf(collection)).toEqual(["prod-CUP-1"]);
    expect(state.categoryIds.get("Cups")).toBe(converted);
  });

  test("an existing category is used (the oldest of same-named ones, not one another app manages)", async () => {
    wix.category("Cups", { managed: true });
    const oldest = wix.category("Cups");
    wix.category("Cups");
    published("CUP-1", "Cups");
    await sync.file("Cups", ["CUP-1"]);
    expect(wix.calls).not.toContain("createCategory");
    expect(wix.membersOf(oldest.id)).toEqual(["prod-CUP-1"]);
    expect(state.categoryIds.get("Cups")).toBe(oldest.id);
  });

  test("per-product refusals: the others are filed; a retryable one and a permanent one are reported", async () => {
    for (const code of ["A", "B", "C"]) published(code, "Cups");
    wix.refuseAdd.set("prod-B", { code: "INTERNAL", description: "try later" });
    wix.refuseAdd.set("prod-C", { code: "MANAGED_CATEGORY_OPERATION_NOT_ALLOWED" });

    const result = await sync.file("Cups", ["A", "B", "C"]);
    expect(result).toEqual({
      filed: 1,
      failed: [
        { itemCode: "B", reason: "INTERNAL: try later", retryable: true },
        { itemCode: "C", reason: "MANAGED_CATEGORY_OPERATION_NOT_ALLOWED", retryable: false },
      ],
    });
    expect(state.mappings.get("A")?.category).toBe("Cups");
    expect(state.mappings.get("B")?.category).toBeUndefined();
    expect(state.mappings.get("C")?.category).toBeUndefined();
    expect(log.entries.filter((e) => e.outcome === "failed")).toMatchObject([
      { key: "B", reason: "category Cups: INTERNAL: try later" },
      { key: "C", reason: "category Cups: MANAGED_CATEGORY_OPERATION_NOT_ALLOWED" },
    ]);
  });

  test("a moved product leaves its old category; one Wix will not remove is tried again later", async () => {
    const mugs = wix.category("Mugs");
    state.categoryIds.set("Mugs", mugs.id);
    published("A", "Cups", { category: "Mugs" });
    published("B", "Cups", { category: "Mugs" });
    await wix.addToCategory(mugs.id, ["prod-A", "prod-B"]);
    await sync.file("Cups", ["A", "B"]); // files both in Cups, then leaves Mugs

    expect(wix.membersOf(mugs.id)).toEqual([]);
    expect(state.mappings.get("A")?.category).toBe("Cups");

    published("C", "Kitchen", { category: "Mugs" });
    await wix.addToCategory(mugs.id, ["prod-C"]);
    wix.refuseRemove.set("prod-C", { code: "INTERNAL" });
    const result = await sync.file("Kitchen", ["C"]);
    expect(result).toEqual({ filed: 0, failed: [{ itemCode: "C", reason: "INTERNAL", retryable: true }] });
    expect(state.mappings.get("C")?.category).toBe("Mugs");
  });

  test("nothing is filed for the root group, hidden products, variants, or another group", async () => {
    published("ROOT", "All Item Groups");
    published("HIDDEN", "Cups", { hidden: true });
    published("VARIANT", "Cups", { variantOf: "TEE" });
    published("OTHER", "Plates");
    expect(await sync.file("Cups", ["ROOT", "HIDDEN", "VARIANT", "OTHER", "UNKNOWN"])).toEqual({
      filed: 0,
      failed: [],
    });
    expect(wix.calls).toEqual([]);
  });

  test("the category job enqueues what needs filing by group, in batches, and marks the heartbeat", async () => {
    for (let i = 0; i < CATEGORY_BATCH + 1; i++) published(`CUP-${i}`, "Cups");
    published("PLATE", "Plates");
    published("DONE", "Plates", { category: "Plates" });
    const queue = new FakeQueue();

    expect(await categoryJob({ state, queue })).toEqual({ enqueued: CATEGORY_BATCH + 2, groups: 2 });
    expect(
      queue.sent.map((s) => [
        s.queue,
        s.messages.map((m) => (m as { itemCodes: string[] }).itemCodes.length),
      ]),
    ).toEqual([
      ["products", [CATEGORY_BATCH, 1]],
      ["products", [1]],
    ]);
    expect(queue.sent[1]?.messages).toEqual([
      { kind: "categories", group: "Plates", itemCodes: ["PLATE"], source: "category-sync" },
    ]);
    expect(state.successes).toEqual(["products"]);
  });
});
