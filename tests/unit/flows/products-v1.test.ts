import { beforeEach, describe, expect, test } from "@jest/globals";
import { PermanentError } from "#shared/errors";
import { ProductSync, V1_CHUNK, V1_MS_PER_PRODUCT } from "#shared/flows/products/sync";
import type { WixProductUpdate } from "#shared/flows/wix-catalog";
import { FakeLog, FakeState, FakeWixProducts, ItemsErpnext, PRICE_LIST } from "./product-fakes";

/**
 * The products flow on a Catalog V1 site and across Wix's conversion of a site to V3. The fake
 * catalog stands for whichever adapters the site's version picks (shared/wix/catalog.ts): the flow
 * sees the same ports on both.
 */
describe("ProductSync on Catalog V1 sites and across a V1 -> V3 conversion", () => {
  let erpnext: ItemsErpnext;
  let wix: FakeWixProducts;
  let state: FakeState;
  let published: string[];
  let requeued: string[][];
  let sync: ProductSync;
  let clock: number;

  beforeEach(() => {
    erpnext = new ItemsErpnext();
    wix = new FakeWixProducts();
    wix.version = "V1_CATALOG";
    state = new FakeState();
    published = [];
    requeued = [];
    clock = 0;
    sync = new ProductSync({
      erpnext,
      wix,
      state,
      log: new FakeLog(),
      erpnextUrl: "https://erp.example.com",
      priceList: PRICE_LIST,
      site: "eu",
      onPublished: async (codes) => {
        published.push(...codes);
      },
      requeue: async (codes) => {
        requeued.push(codes);
      },
      now: () => clock,
    });
  });

  /** Wix converts the site to V3 and gives every product and variant a new id. */
  const convertToV3 = () => {
    const before = [...wix.products.values()];
    wix.products.clear();
    for (const p of before)
      wix.products.set(`v3-${p.id}`, {
        ...p,
        id: `v3-${p.id}`,
        revision: "1",
        variantsInfo: { variants: p.variantsInfo.variants.map((v) => ({ ...v, id: `v3-${v.id}` })) },
      });
    wix.version = "V3_CATALOG";
  };

  test("a V1 site is synced, not refused: created and linked products are mapped as V1", async () => {
    const existing = wix.existing("CUP");
    erpnext.item("MUG").price("MUG", 5).item("CUP").price("CUP", 3);
    expect(await sync.syncItems(["MUG", "CUP"])).toEqual([
      { itemCode: "MUG", outcome: "created" },
      { itemCode: "CUP", outcome: "linked" },
    ]);
    expect(state.mappings.get("MUG")).toMatchObject({ catalog: "V1", productId: wix.bySku("MUG")?.id });
    expect(state.mappings.get("CUP")).toMatchObject({ catalog: "V1", productId: existing.id });
  });

  test("a site without Wix Stores is refused with a clear message, before any write", async () => {
    wix.version = "STORES_NOT_INSTALLED";
    erpnext.item("MUG").price("MUG", 5);
    const error = await sync.syncItems(["MUG"]).catch((e) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe("Wix Stores is not installed on site eu");
    expect(wix.calls.filter((c) => c !== "catalogVersion")).toEqual([]);
  });

  test("a large V1 sync publishes what fits before its deadline and hands the rest back; the rest is created once", async () => {
    const codes = Array.from({ length: 25 }, (_, i) => `ITEM-${String(i).padStart(2, "0")}`);
    for (const code of codes) erpnext.item(code).price(code, 4);
    // Wix takes V1's pace per product created; the deadline leaves time for one chunk, not two.
    wix.beforeCreate = () => {
      clock += V1_CHUNK * V1_MS_PER_PRODUCT;
    };
    const deadline = V1_CHUNK * V1_MS_PER_PRODUCT + 500;
    const first = await sync.syncItems(codes, { deadline });
    expect(first.filter((r) => r.outcome === "created")).toHaveLength(V1_CHUNK);
    const rest = codes.slice(V1_CHUNK);
    expect(requeued).toEqual([rest]);
    expect(first.filter((r) => r.outcome === "skipped").map((r) => r.itemCode)).toEqual(rest);

    // The handed-back work, then the whole message redelivered: every item once in Wix.
    const second = await sync.syncItems(rest, { deadline: clock + 60_000 });
    expect(second.every((r) => r.outcome === "created")).toBe(true);
    const again = await sync.syncItems(codes, { deadline: clock + 60_000 });
    expect(again.every((r) => r.reason === "unchanged")).toBe(true);
    expect(wix.products.size).toBe(25);
  });

  test("two workers syncing one new item at once on V1 make one product; the other retries and finds it", async () => {
    erpnext.item("RACE-1").price("RACE-1", 5);
    // V1 refuses no duplicate SKU: each worker's SKU search is made before either creates.
    const find = wix.findVariantsBySku.bind(wix);
    wix.findVariantsBySku = async (skus) => {
      const found = await find(skus);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return found;
    };
    const [a, b] = await Promise.all([sync.syncItems(["RACE-1"]), sync.syncItems(["RACE-1"])]);
    const outcomes = [...a, ...b].map((r) => r.outcome).sort();
    expect(outcomes).toEqual(["created", "failed"]);
    expect([...a, ...b].find((r) => r.outcome === "failed")).toMatchObject({ retryable: true });
    const raced = [...wix.products.values()].filter((p) =>
      p.variantsInfo.variants.some((v) => v.sku === "RACE-1"),
    );
    expect(raced).toHaveLength(1);
    // The claim is let go: the retry finds the mapping, nothing more is made.
    expect(state.claims.size).toBe(0);
    expect(await sync.syncItems(["RACE-1"])).toEqual([
      { itemCode: "RACE-1", outcome: "skipped", reason: "unchanged" },
    ]);
    expect(wix.products.size).toBe(1);
  });

  test("two workers updating an item whose V1 product was deleted in Wix make it again once", async () => {
    erpnext.item("GONE").price("GONE", 5);
    await sync.syncItems(["GONE"]);
    // Each worker finds the product gone before either makes it again; the second goes on while
    // the first is making it (30 ms), or (`lateMs`) once the first has made it and let the claim go.
    const create = wix.bulkCreateProducts.bind(wix);
    wix.bulkCreateProducts = async (products) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return create(products);
    };
    const raceOnce = async (lateMs: number) => {
      const get = wix.getProduct.bind(wix);
      const delays = [10, lateMs];
      wix.getProduct = async (id) => {
        const found = await get(id);
        await new Promise((resolve) => setTimeout(resolve, delays.shift() ?? 0));
        return found;
      };
      const results = (await Promise.all([sync.syncItems(["GONE"]), sync.syncItems(["GONE"])])).flat();
      wix.getProduct = get;
      return results;
    };
    for (const [lateMs, reason] of [
      [10, "being published by another worker on this site"],
      [100, "made again by another worker"],
    ] as const) {
      wix.products.clear();
      erpnext.price("GONE", 6 + lateMs);
      const results = await raceOnce(lateMs);
      expect(results.map((r) => r.outcome).sort()).toEqual(["created", "failed"]);
      expect(results.find((r) => r.outcome === "failed")).toEqual({
        itemCode: "GONE",
        outcome: "failed",
        reason,
        retryable: true,
        claimedElsewhere: true,
      });
      expect(wix.products.size).toBe(1);
      expect(state.mappings.get("GONE")?.productId).toBe(wix.bySku("GONE")?.id);
      expect(state.claims.size).toBe(0);
    }
  });

  test("an item another worker holds is retried alone: the rest of the batch is published", async () => {
    erpnext.item("HELD").price("HELD", 5).item("FREE").price("FREE", 4);
    await state.claim("product:HELD", 60);
    const results = await sync.syncItems(["HELD", "FREE"]);
    expect(results).toEqual([
      {
        itemCode: "HELD",
        outcome: "failed",
        reason: "being published by another worker on this site",
        retryable: true,
        claimedElsewhere: true,
      },
      { itemCode: "FREE", outcome: "created" },
    ]);
    expect(wix.bySku("HELD")).toBeUndefined();
  });

  test("items linked by SKU but deferred by the deadline get their stock when a later run links them", async () => {
    const codes = Array.from({ length: 2 * V1_CHUNK }, (_, i) => `OLD-${String(i).padStart(2, "0")}`);
    for (const code of codes) {
      wix.existing(code);
      erpnext.item(code).price(code, 4);
    }
    // Each product write takes V1's pace: the deadline leaves time for one chunk of links.
    wix.beforeWrite = () => {
      clock += V1_MS_PER_PRODUCT;
    };
    const deadline = V1_CHUNK * V1_MS_PER_PRODUCT + 500;
    const first = await sync.syncItems(codes, { deadline });
    expect(first.filter((r) => r.outcome === "linked")).toHaveLength(V1_CHUNK);
    // Still one SKU search for the batch (on V1 each reads the whole store).
    expect(wix.calls.filter((c) => c === "findVariantsBySku")).toHaveLength(1);
    const rest = codes.slice(V1_CHUNK);
    expect(requeued).toEqual([rest]);
    expect(await sync.syncItems(rest, { deadline: clock + 60_000 })).toEqual(
      rest.map((itemCode) => ({ itemCode, outcome: "linked" })),
    );
    // Every linked item's stock is pushed (the linked product keeps Wix's own quantity till then).
    expect(published.sort()).toEqual(codes);
    expect(wix.products.size).toBe(codes.length);
  });

  test("a V3 site has no such limit: one bulk create, whatever the deadline", async () => {
    wix.version = "V3_CATALOG";
    const codes = Array.from({ length: 25 }, (_, i) => `ITEM-${i}`);
    for (const code of codes) erpnext.item(code).price(code, 4);
    const results = await sync.syncItems(codes, { deadline: clock - 1 });
    expect(results.filter((r) => r.outcome === "created")).toHaveLength(25);
    expect(requeued).toEqual([]);
  });

  test("converted to V3: the re-linked mapping keeps our image, so a price change sends no media", async () => {
    erpnext.item("MUG", { image: "/files/mug.jpg" }).price("MUG", 5);
    await sync.syncItems(["MUG"]);
    convertToV3();
    const sent: WixProductUpdate[] = [];
    const update = wix.bulkUpdateProducts.bind(wix);
    wix.bulkUpdateProducts = (updates) => {
      sent.push(...updates);
      return update(updates);
    };
    erpnext.price("MUG", 6);
    expect(await sync.syncItems(["MUG"])).toEqual([{ itemCode: "MUG", outcome: "updated" }]);
    expect(state.mappings.get("MUG")?.image).toBe("https://erp.example.com/files/mug.jpg");
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toHaveProperty("media");
  });

  test("converted to V3 with new ids: V1 mappings are re-linked by SKU, stock follows, no duplicate", async () => {
    erpnext.item("MUG").price("MUG", 5);
    await sync.syncItems(["MUG"]);
    const v1 = state.mappings.get("MUG");
    if (v1) state.mappings.set("MUG", { ...v1, inventoryItemId: "v1-inventory" });
    convertToV3();
    published = [];
    wix.calls.length = 0;

    // Nothing changed in ERPNext: no product write, but the mapping now names V3's ids.
    expect(await sync.syncItems(["MUG"])).toEqual([
      { itemCode: "MUG", outcome: "skipped", reason: "unchanged" },
    ]);
    const product = wix.bySku("MUG");
    const mapping = state.mappings.get("MUG");
    expect(mapping).toMatchObject({
      productId: product?.id,
      variantId: product?.variantsInfo.variants[0]?.id,
    });
    expect(mapping?.catalog).toBeUndefined();
    expect(mapping?.inventoryItemId).toBeUndefined();
    expect(published).toEqual(["MUG"]);

    // A later change updates the V3 product in place.
    erpnext.price("MUG", 6);
    expect(await sync.syncItems(["MUG"])).toEqual([{ itemCode: "MUG", outcome: "updated" }]);
    expect(wix.calls).not.toContain("bulkCreateProducts");
    expect(wix.products.size).toBe(1);
  });

  test("a V1 template and its variants are re-linked on V3 to the converted product's ids", async () => {
    erpnext
      .item("TEE", { has_variants: 1, attributes: [{ attribute: "Size" }] })
      .price("TEE", 20)
      .item("TEE-S", { variant_of: "TEE", attributes: [{ attribute: "Size", attribute_value: "S" }] })
      .item("TEE-M", { variant_of: "TEE", attributes: [{ attribute: "Size", attribute_value: "M" }] });
    await sync.syncItems(["TEE"]);
    expect(state.mappings.get("TEE-S")?.catalog).toBe("V1");
    convertToV3();
    erpnext.price("TEE", 21);
    expect(await sync.syncItems(["TEE"])).toEqual([{ itemCode: "TEE", outcome: "updated" }]);
    const product = wix.bySku("TEE-S");
    expect(wix.products.size).toBe(1);
    expect(state.mappings.get("TEE")).toMatchObject({ productId: product?.id });
    expect(state.mappings.get("TEE")?.catalog).toBeUndefined();
    expect(state.mappings.get("TEE-M")).toMatchObject({
      productId: product?.id,
      variantId: product?.variantsInfo.variants.find((v) => v.sku === "TEE-M")?.id,
    });
    expect(state.mappings.get("TEE-M")?.catalog).toBeUndefined();
  });
});
