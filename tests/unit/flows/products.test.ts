import { beforeEach, describe, expect, test } from "@jest/globals";
import { PermanentError, RetryableError } from "#shared/errors";
import { HIDDEN_HASH } from "#shared/flows/products/mapping";
import { ProductSync } from "#shared/flows/products/sync";
import { FakeLog, FakeState, FakeWixProducts, ItemsErpnext, PRICE_LIST } from "./product-fakes";

/** The products use-case against in-memory ports: no servers, milliseconds. */
describe("ProductSync with in-memory ports", () => {
  let erpnext: ItemsErpnext;
  let wix: FakeWixProducts;
  let state: FakeState;
  let log: FakeLog;
  let published: string[];
  let sync: ProductSync;

  const build = (opts: { allowFreeItems?: boolean } = {}) =>
    new ProductSync({
      erpnext,
      wix,
      state,
      log,
      erpnextUrl: "https://erp.example.com",
      priceList: PRICE_LIST,
      allowFreeItems: opts.allowFreeItems,
      quantities: async (codes) => new Map(codes.map((c) => [c, 7])),
      onPublished: async (codes) => {
        published.push(...codes);
      },
    });

  beforeEach(() => {
    erpnext = new ItemsErpnext();
    wix = new FakeWixProducts();
    state = new FakeState();
    log = new FakeLog();
    published = [];
    sync = build();
  });

  /** The calls that write to Wix, in order. */
  const writes = () => wix.calls.filter((c) => /create|update/i.test(c));

  test("a new priced item is created with its stock, mapped, logged, and its stock push follows", async () => {
    erpnext.item("MUG", { item_name: "Blue mug", item_group: "Cups" }).price("MUG", 12.5);
    const results = await sync.syncItems(["MUG"]);
    expect(results).toEqual([{ itemCode: "MUG", outcome: "created" }]);
    const product = wix.bySku("MUG");
    expect(product).toMatchObject({ name: "Blue mug", visible: true });
    expect(product?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("12.50");
    expect(state.mappings.get("MUG")).toMatchObject({
      productId: product?.id,
      variantId: product?.variantsInfo.variants[0]?.id,
      revision: "1",
      itemGroup: "Cups",
      hidden: false,
    });
    expect(await state.itemForPrice("PRICE-MUG")).toBe("MUG");
    expect(log.entries).toMatchObject([{ flow: "products", key: "MUG", outcome: "created" }]);
    expect(published).toEqual(["MUG"]);
  });

  test("an existing Wix product with the same SKU is linked and updated, never duplicated", async () => {
    const existing = wix.existing("MUG", "Made by hand");
    erpnext.item("MUG").price("MUG", 5);
    const results = await sync.syncItems(["MUG"]);
    expect(results).toEqual([{ itemCode: "MUG", outcome: "linked" }]);
    expect(wix.products.size).toBe(1);
    expect(wix.calls).not.toContain("bulkCreateProducts");
    expect(wix.products.get(existing.id as string)).toMatchObject({ name: "Item MUG", revision: "2" });
    // Wix's variant id is kept, so its inventory item stays.
    expect(state.mappings.get("MUG")).toMatchObject({
      productId: existing.id,
      variantId: existing.variantsInfo.variants[0]?.id,
    });
    expect(published).toEqual(["MUG"]);
  });

  test("a product created meanwhile (SKU_ALREADY_EXIST_ERROR on create) is linked, not duplicated", async () => {
    erpnext.item("MUG").price("MUG", 5);
    wix.beforeCreate = () => {
      wix.beforeCreate = undefined;
      wix.existing("MUG"); // another worker won the race after our SKU search
    };
    const results = await sync.syncItems(["MUG"]);
    expect(results).toEqual([{ itemCode: "MUG", outcome: "linked" }]);
    expect(wix.products.size).toBe(1);
  });

  test("Wix is written only when the product changed", async () => {
    erpnext.item("MUG").price("MUG", 5);
    await sync.syncItems(["MUG"]);
    wix.calls.length = 0;

    expect(await sync.syncItems(["MUG"])).toEqual([
      { itemCode: "MUG", outcome: "skipped", reason: "unchanged" },
    ]);
    expect(writes()).toEqual([]);

    erpnext.price("MUG", 6);
    expect(await sync.syncItems(["MUG"])).toEqual([{ itemCode: "MUG", outcome: "updated" }]);
    expect(writes()).toEqual(["bulkUpdateProducts"]);
    expect(wix.bySku("MUG")?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("6.00");
    expect(state.mappings.get("MUG")?.revision).toBe("2");
  });

  test("disabled, deleted and unpriced items are hidden once, never left for sale", async () => {
    erpnext.item("OFF").price("OFF", 5).item("GONE").price("GONE", 5).item("UNPRICED").price("UNPRICED", 5);
    await sync.syncItems(["OFF", "GONE", "UNPRICED"]);
    erpnext.item("OFF", { disabled: 1 });
    erpnext.items.delete("GONE");
    erpnext.prices.delete("PRICE-UNPRICED");

    const results = await sync.syncItems(["OFF", "GONE", "UNPRICED"]);
    expect(results).toEqual([
      { itemCode: "OFF", outcome: "hidden" },
      { itemCode: "GONE", outcome: "hidden" },
      { itemCode: "UNPRICED", outcome: "hidden", reason: 'item "UNPRICED" has no valid selling price' },
    ]);
    for (const code of ["OFF", "GONE", "UNPRICED"]) {
      expect(wix.bySku(code)?.visible).toBe(false);
      expect(state.mappings.get(code)).toMatchObject({ hash: HIDDEN_HASH, hidden: true });
    }
    wix.calls.length = 0;
    const again = await sync.syncItems(["OFF", "GONE", "UNPRICED"]);
    expect(again.map((r) => r.outcome)).toEqual(["skipped", "skipped", "skipped"]);
    expect(writes()).toEqual([]);
  });

  test("a new item without a publishable price is skipped with the reason, not failed", async () => {
    erpnext.item("NOPRICE").item("FREE").price("FREE", 0).item("BAD").price("BAD", "abc");
    const results = await sync.syncItems(["NOPRICE", "FREE", "BAD"]);
    expect(results).toEqual([
      {
        itemCode: "NOPRICE",
        outcome: "skipped",
        reason: 'not published: item "NOPRICE" has no valid selling price',
      },
      {
        itemCode: "FREE",
        outcome: "skipped",
        reason: 'not published: item "FREE" has price 0 (set ALLOW_FREE_ITEMS=true to sell it free)',
      },
      {
        itemCode: "BAD",
        outcome: "skipped",
        reason: expect.stringContaining('item "BAD" has an unreadable price'),
      },
    ]);
    expect(writes()).toEqual([]);
    expect(published).toEqual([]);
  });

  test("a sub-cent price is judged and published at ERPNext's currency precision", async () => {
    erpnext.item("TENTH").price("TENTH", 0.001).item("ODD").price("ODD", 19.999);
    expect(await sync.syncItems(["TENTH", "ODD"])).toEqual([
      {
        itemCode: "TENTH",
        outcome: "skipped",
        reason: expect.stringMatching(
          /^not published: .*price 0.001, which is 0 at the currency's 2 decimals/,
        ),
      },
      { itemCode: "ODD", outcome: "created" },
    ]);
    expect(wix.bySku("TENTH")).toBeUndefined();
    expect(wix.bySku("ODD")?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("20.00");
    // A site that books 3 decimals sells it at 0.001.
    erpnext.systemSettings = { currency_precision: "3", number_format: "#,###.##" };
    expect(await build().syncItems(["TENTH"])).toEqual([{ itemCode: "TENTH", outcome: "created" }]);
    expect(wix.bySku("TENTH")?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("0.001");
  });

  test("a published item whose price drops below the currency's precision is hidden with the reason", async () => {
    erpnext.item("DROP").price("DROP", 3);
    await sync.syncItems(["DROP"]);
    erpnext.price("DROP", 0.004);
    expect(await sync.syncItems(["DROP"])).toEqual([
      expect.objectContaining({ itemCode: "DROP", reason: expect.stringMatching(/price 0.004, which is 0/) }),
    ]);
    expect(wix.bySku("DROP")).toMatchObject({ visible: false });
    expect(wix.bySku("DROP")?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("3.00");
  });

  test("free items are published when allowed", async () => {
    erpnext.item("FREE").price("FREE", 0);
    expect(await build({ allowFreeItems: true }).syncItems(["FREE"])).toEqual([
      { itemCode: "FREE", outcome: "created" },
    ]);
  });

  test("an item ERPNext answers unreadably fails without retry; the others sync", async () => {
    erpnext.item("BROKEN", { item_code: 42 }).item("MUG").price("MUG", 5);
    const results = await sync.syncItems(["BROKEN", "MUG"]);
    expect(results).toEqual([
      {
        itemCode: "BROKEN",
        outcome: "failed",
        reason: expect.stringContaining("ERPNext item not readable"),
        retryable: false,
      },
      { itemCode: "MUG", outcome: "created" },
    ]);
  });

  test("a product edited in Wix meanwhile (stale revision) is re-read and updated", async () => {
    erpnext.item("MUG").price("MUG", 5);
    await sync.syncItems(["MUG"]);
    const id = wix.bySku("MUG")?.id as string;
    wix.edit(id, { name: "Edited in Wix" });
    erpnext.price("MUG", 6);

    expect(await sync.syncItems(["MUG"])).toEqual([{ itemCode: "MUG", outcome: "updated" }]);
    expect(writes()).toEqual(["bulkCreateProducts", "bulkUpdateProducts", "updateProduct"]);
    expect(wix.products.get(id)).toMatchObject({ name: "Item MUG", revision: "3" });
    expect(state.mappings.get("MUG")?.revision).toBe("3");
  });

  test("a revision that moves again during the single update is re-read (RevisionConflictError)", async () => {
    erpnext.item("MUG").price("MUG", 5);
    await sync.syncItems(["MUG"]);
    const id = wix.bySku("MUG")?.id as string;
    erpnext.price("MUG", 6);
    let edits = 0;
    wix.beforeWrite = () => {
      if (edits++ < 2) wix.edit(id); // the bulk update and the first single update lose
    };
    expect(await sync.syncItems(["MUG"])).toEqual([{ itemCode: "MUG", outcome: "updated" }]);
    expect(wix.calls.filter((c) => c === "updateProduct")).toHaveLength(2);
  });

  test("a revision that never settles fails retryably after three reads", async () => {
    erpnext.item("MUG").price("MUG", 5);
    await sync.syncItems(["MUG"]);
    const id = wix.bySku("MUG")?.id as string;
    erpnext.price("MUG", 6);
    wix.beforeWrite = () => wix.edit(id);
    expect(await sync.syncItems(["MUG"])).toEqual([
      { itemCode: "MUG", outcome: "failed", reason: "revision kept changing", retryable: true },
    ]);
    expect(wix.calls.filter((c) => c === "getProduct")).toHaveLength(3);
  });

  test("a product deleted in Wix is created again; a hide of it needs nothing", async () => {
    erpnext.item("MUG").price("MUG", 5).item("OLD").price("OLD", 5);
    await sync.syncItems(["MUG", "OLD"]);
    wix.products.delete(wix.bySku("MUG")?.id as string);
    wix.products.delete(wix.bySku("OLD")?.id as string);
    erpnext.price("MUG", 6);
    erpnext.item("OLD", { disabled: 1 });

    const results = await sync.syncItems(["MUG", "OLD"]);
    expect(results).toEqual([
      { itemCode: "MUG", outcome: "created" },
      { itemCode: "OLD", outcome: "hidden", reason: "gone from Wix" },
    ]);
    expect(wix.bySku("MUG")?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("6.00");
    expect(state.mappings.get("MUG")?.productId).toBe(wix.bySku("MUG")?.id);
  });

  test("a Wix outage fails every item of the call retryably; no heartbeat", async () => {
    erpnext.item("A").price("A", 5).item("B").price("B", 5);
    wix.failNextBulk = new RetryableError("Wix unavailable");
    const results = await sync.syncItems(["A", "B"]);
    expect(results).toEqual([
      { itemCode: "A", outcome: "failed", reason: "Wix unavailable", retryable: true },
      { itemCode: "B", outcome: "failed", reason: "Wix unavailable", retryable: true },
    ]);
    expect(state.successes).toEqual([]);
    expect(log.entries.map((e) => e.outcome)).toEqual(["failed", "failed"]);
  });

  test("a product the bulk answer leaves out (undetailed failure) is failed, never dropped", async () => {
    erpnext.item("A").price("A", 5).item("B").price("B", 5);
    wix.dropResults = 1;
    const results = await sync.syncItems(["A", "B"]);
    expect(results).toEqual([
      { itemCode: "A", outcome: "created" },
      {
        itemCode: "B",
        outcome: "failed",
        reason: "Wix gave no result for it (undetailed failure)",
        retryable: false,
      },
    ]);
  });

  test("a template and its variants are one product; each variant is mapped", async () => {
    erpnext
      .item("TEE", { has_variants: 1, attributes: [{ attribute: "Size" }] })
      .price("TEE", 20)
      .item("TEE-S", { variant_of: "TEE", attributes: [{ attribute: "Size", attribute_value: "S" }] })
      .item("TEE-M", { variant_of: "TEE", attributes: [{ attribute: "Size", attribute_value: "M" }] })
      .price("TEE-M", 22);

    // A variant's webhook syncs its whole template.
    expect(await sync.syncItems(["TEE-S"])).toEqual([{ itemCode: "TEE", outcome: "created" }]);
    const product = wix.bySku("TEE-S");
    expect(product?.options?.map((o) => o.name)).toEqual(["Size"]);
    expect(product?.variantsInfo.variants.map((v) => [v.sku, v.price.actualPrice.amount])).toEqual([
      ["TEE-S", "20.00"],
      ["TEE-M", "22.00"],
    ]);
    expect(state.mappings.get("TEE")).toMatchObject({ productId: product?.id, variantId: undefined });
    expect(state.mappings.get("TEE-M")).toMatchObject({
      productId: product?.id,
      variantId: product?.variantsInfo.variants[1]?.id,
      variantOf: "TEE",
    });
    expect(published).toEqual(["TEE-S", "TEE-M"]);
  });

  test("a product created with its stock records that quantity as the one last pushed (the V1 echo skip compares with it)", async () => {
    erpnext
      .item("MUG")
      .price("MUG", 9)
      .item("TEE", { has_variants: 1, attributes: [{ attribute: "Size" }] })
      .price("TEE", 20)
      .item("TEE-S", { variant_of: "TEE", attributes: [{ attribute: "Size", attribute_value: "S" }] });
    await sync.syncItems(["MUG", "TEE"]);
    // Created with 7 each (the quantities port): the mappings say so; the template has no stock.
    expect(state.mappings.get("MUG")?.quantity).toBe(7);
    expect(state.mappings.get("TEE-S")?.quantity).toBe(7);
    expect(state.mappings.get("TEE")?.quantity).toBeUndefined();
  });

  test("an item moved to another group changes its mapping only (no Wix call)", async () => {
    erpnext.item("MUG", { item_group: "Cups" }).price("MUG", 5);
    await sync.syncItems(["MUG"]);
    wix.calls.length = 0;
    erpnext.item("MUG", { item_group: "Kitchen" });
    expect(await sync.syncItems(["MUG"])).toEqual([
      { itemCode: "MUG", outcome: "skipped", reason: "unchanged" },
    ]);
    expect(writes()).toEqual([]);
    expect(state.mappings.get("MUG")?.itemGroup).toBe("Kitchen");
  });

  test("a site without Wix Stores is refused as a whole, before any write", async () => {
    wix.version = "STORES_NOT_INSTALLED";
    erpnext.item("MUG").price("MUG", 5);
    await expect(sync.syncItems(["MUG"])).rejects.toThrow(PermanentError);
    expect(writes()).toEqual([]);
  });

  test("Item Prices named by thin webhooks resolve to items, a deleted one through our records", async () => {
    erpnext.item("MUG").price("MUG", 5).item("CUP").price("CUP", 5);
    await sync.syncItems(["CUP"]);
    erpnext.prices.delete("PRICE-CUP");
    expect(await sync.itemsForPrices(["PRICE-MUG", "PRICE-CUP", "PRICE-UNKNOWN"])).toEqual(["MUG", "CUP"]);
  });
});
