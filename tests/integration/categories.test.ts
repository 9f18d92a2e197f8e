import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createItem, type Harness, productsWithSku, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  for (const name of ["Kettles", "Teapots", "Cups"])
    h.erpnext.insert("Item Group", { name, parent_item_group: "All Item Groups" });
});
afterAll(async () => {
  await h.host.stop();
});

const productId = (sku: string) => productsWithSku(h.wix, sku)[0]?.id as string;
const named = (name: string) => [...h.wix.categories.values()].filter((c) => c.name === name);

describe("Wix categories", () => {
  test("a hidden category of the group's name is used, not duplicated", async () => {
    // prepare: the merchant hid "Kettles" in the dashboard
    const hidden = h.wix.addCategory("Kettles", { visible: false });
    createItem(h.erpnext, "KET-1", 20, { item_group: "Kettles" });
    await h.host.drain();
    // act
    await h.request("POST", "/jobs/category-sync");
    await h.host.drain();
    // assess
    expect(named("Kettles").map((c) => c.id)).toEqual([hidden]);
    expect(h.wix.categories.get(hidden)?.items.has(productId("KET-1"))).toBe(true);
  });

  test("same-named categories: the oldest one we may file into is used; one managed by another app is left alone", async () => {
    // prepare: names are not unique in Wix
    h.wix.addCategory("Teapots", { managingAppId: "3d1f2a4b-5c6d-4e7f-8091-a2b3c4d5e6f7" });
    const oldest = h.wix.addCategory("Teapots");
    h.wix.addCategory("Teapots");
    createItem(h.erpnext, "TEA-1", 20, { item_group: "Teapots" });
    await h.host.drain();
    // act
    await h.request("POST", "/jobs/category-sync");
    await h.host.drain();
    // assess
    expect(named("Teapots")).toHaveLength(3);
    expect(h.wix.categories.get(oldest)?.items.has(productId("TEA-1"))).toBe(true);
    expect(h.host.dlq("products")).toEqual([]);
  });

  test("a product Wix refuses to file is logged with the reason and tried again; the others are filed", async () => {
    // prepare
    createItem(h.erpnext, "CUP-1", 5, { item_group: "Cups" });
    createItem(h.erpnext, "CUP-2", 5, { item_group: "Cups" });
    await h.host.drain();
    h.wix.rejectedCategoryItems.add(productId("CUP-2"));
    const ctx = await h.host.context();
    // act
    const first = await ctx.categories.file("Cups", ["CUP-1", "CUP-2"]);
    h.wix.rejectedCategoryItems.clear();
    const second = await ctx.categories.file("Cups", ["CUP-1", "CUP-2"]);
    // assess
    expect(first).toMatchObject({ filed: 1, failed: [{ itemCode: "CUP-2", retryable: true }] });
    expect(first.failed[0]?.reason).toContain("INTERNAL");
    const log = await ctx.log.since("products", new Date(Date.now() - 60_000));
    expect(
      log.some((e) => e.key === "CUP-2" && e.outcome === "failed" && e.reason?.includes("category Cups")),
    ).toBe(true);
    expect(second).toEqual({ filed: 1, failed: [] });
    expect(h.wix.categoriesOf(productId("CUP-1"))).toEqual(["Cups"]);
    expect(h.wix.categoriesOf(productId("CUP-2"))).toEqual(["Cups"]);
  });
});
