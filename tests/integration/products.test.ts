import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  addVariant,
  createItem,
  createTemplate,
  type Harness,
  handMadeWixProduct,
  importItems,
  productsWithSku,
  startHarness,
} from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.host.stop();
});

describe("ERPNext -> Wix product sync", () => {
  test("a new item reaches Wix through the signed webhook, with every mapped field", async () => {
    // prepare
    createItem(h.erpnext, "MUG-1", 12.5, {
      item_name: "Café Mug",
      brand: "Acme",
      image: "/files/mug.jpg",
      weight_per_unit: 350,
      weight_uom: "Gram",
    });
    // act
    await h.host.drain();
    // assess
    const [product] = productsWithSku(h.wix, "MUG-1");
    expect(product).toMatchObject({
      name: "Café Mug",
      plainDescription: "<p>MUG-1</p>",
      visible: true,
      productType: "PHYSICAL",
      brand: { name: "Acme" },
      media: { itemsInfo: { items: [{ url: `${h.host.url}/sandbox/erpnext/files/mug.jpg` }] } },
    });
    expect(product?.variantsInfo.variants).toEqual([
      expect.objectContaining({
        sku: "MUG-1",
        price: { actualPrice: { amount: "12.50" } },
        physicalProperties: { weight: 0.35 },
      }),
    ]);
    expect(h.erpnext.webhookLog.filter((w) => w.name === "MUG-1")).toEqual([
      { doctype: "Item", name: "MUG-1", status: 200 },
    ]);
  });

  test("a price change updates the product; an unchanged rerun makes no Wix call", async () => {
    createItem(h.erpnext, "PRICE-1", 10);
    await h.host.drain();
    const price = [...(h.erpnext.docs.get("Item Price")?.values() ?? [])].find(
      (p) => p.item_code === "PRICE-1",
    );
    h.erpnext.update("Item Price", price?.name as string, { price_list_rate: 11.99 });
    await h.host.drain();
    expect(productsWithSku(h.wix, "PRICE-1")[0]?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe(
      "11.99",
    );

    const writes = h.wix.calls.writes;
    await h.erpnextWebhook({
      doctype: "Item",
      name: "PRICE-1",
      modified: "2026-01-01 00:00:00.000000",
      docstatus: 0,
    });
    await h.host.drain();
    expect(h.wix.calls.writes).toBe(writes);
  });

  test("an item with a brand and no weight is created, then updated; Wix keeps the brand", async () => {
    // Updates send variants with their options and never a brand by name (BRAND_MISSING_ID).
    createItem(h.erpnext, "BRAND-1", 7, { brand: "Acme" });
    await h.host.drain();
    const [created] = productsWithSku(h.wix, "BRAND-1");
    expect(created?.brand?.name).toBe("Acme");
    expect(created?.variantsInfo.variants[0]?.physicalProperties).toEqual({});
    const price = [...(h.erpnext.docs.get("Item Price")?.values() ?? [])].find(
      (p) => p.item_code === "BRAND-1",
    );
    h.erpnext.update("Item Price", price?.name as string, { price_list_rate: 8.5 });
    await h.host.drain();
    const [updated] = productsWithSku(h.wix, "BRAND-1");
    expect(updated?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("8.50");
    expect(updated?.brand).toEqual(created?.brand);
    expect(Number(updated?.revision)).toBeGreaterThan(Number(created?.revision));
  });

  test("a price with three decimals reaches Wix at the site's currency precision (USD: 2)", async () => {
    // A 3-decimal site (System Settings currency_precision 3) keeps "1.275": tests/unit/flows/products.test.ts.
    createItem(h.erpnext, "KWD-1", 1.275);
    await h.host.drain();
    expect(productsWithSku(h.wix, "KWD-1")[0]?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe(
      "1.28",
    );
  });

  test("duplicate webhooks delivered at once make one product", async () => {
    h.erpnext.importDoc("Item", {
      item_code: "DUP-1",
      item_name: "Dup",
      item_group: "Products",
      stock_uom: "Nos",
    });
    h.erpnext.importDoc("Item Price", {
      item_code: "DUP-1",
      price_list: "Standard Selling",
      price_list_rate: 3,
    });
    const body = { doctype: "Item", name: "DUP-1", modified: "2026-01-01 00:00:00.000000", docstatus: 0 };
    const answers = await Promise.all([1, 2, 3, 4].map(() => h.erpnextWebhook(body)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    await h.host.drain();
    expect(productsWithSku(h.wix, "DUP-1")).toHaveLength(1);
  });

  test("an existing Wix product with the same SKU is linked, not duplicated", async () => {
    const existing = handMadeWixProduct(h.wix, "LINK-1", "Hand-made listing");
    createItem(h.erpnext, "LINK-1", 4.2);
    await h.host.drain();
    const matches = productsWithSku(h.wix, "LINK-1");
    expect(matches).toHaveLength(1);
    expect(matches[0]?.id).toBe(existing.id);
    expect(matches[0]?.variantsInfo.variants[0]?.id).toBe(existing.variantsInfo.variants[0]?.id);
    expect(matches[0]?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("4.20");
    const ctx = await h.host.context();
    expect(await ctx.state.getMapping("LINK-1")).toMatchObject({ productId: existing.id });
  });

  test("a mapping never goes back to an older Wix revision (a slower writer loses)", async () => {
    const ctx = await h.host.context();
    const base = {
      itemCode: "RACE-1",
      productId: "p-race",
      variantId: "v-race",
      createdAt: "t",
      updatedAt: "t",
    };
    await ctx.state.putMappings([{ mapping: { ...base, revision: "7", hash: "newer" } }]);
    await ctx.state.putMappings([{ mapping: { ...base, revision: "6", hash: "older" } }]);
    expect(await ctx.state.getMapping("RACE-1")).toMatchObject({ revision: "7", hash: "newer" });
    await ctx.state.putMappings([{ mapping: { ...base, revision: "8", hash: "newest" } }]);
    expect(await ctx.state.getMapping("RACE-1")).toMatchObject({ revision: "8", hash: "newest" });
  });

  test("Wix 429 and 500 answers are retried until the product converges", async () => {
    h.wix.faults.add({ status: 429, count: 2, match: "bulk/products" });
    h.wix.faults.add({ status: 500, count: 1, match: "bulk/products" });
    createItem(h.erpnext, "FLAKY-1", 7);
    await h.host.drain();
    expect(productsWithSku(h.wix, "FLAKY-1")).toHaveLength(1);
    expect(h.wix.faults.pending).toBe(0); // all three faults really fired
  });

  test("a revision conflict (someone edited the product in Wix) is re-read and succeeds", async () => {
    createItem(h.erpnext, "REV-1", 5);
    await h.host.drain();
    const product = productsWithSku(h.wix, "REV-1")[0];
    h.wix.update(product?.id as string, { revision: product?.revision, name: "Edited in Wix" } as never);
    h.erpnext.update("Item", "REV-1", { item_name: "Renamed in ERPNext" });
    await h.host.drain();
    const after = h.wix.get(product?.id as string);
    expect(after.name).toBe("Renamed in ERPNext");
    expect(Number(after.revision)).toBeGreaterThanOrEqual(3);
  });

  test("a bad signature gets 401 and queues nothing; a bad body gets 400 with a reason", async () => {
    const calls = h.wix.calls.writes + h.wix.calls.reads;
    const forged = await h.erpnextWebhook({ doctype: "Item", name: "MUG-1" }, { signature: "AAAA" });
    expect(forged).toEqual({ status: 401, body: { error: "signature does not match" } });
    const unsigned = await h.request("POST", "/webhooks/erpnext", '{"doctype": "Item", "name": "MUG-1"}');
    expect(unsigned.status).toBe(401);
    const notJson = await h.erpnextWebhook(undefined, { raw: "not json" });
    expect(notJson).toEqual({ status: 400, body: { error: "body is not JSON" } });
    const noName = await h.erpnextWebhook({ doctype: "Item" });
    expect(noName.status).toBe(400);
    expect(JSON.stringify(noName.body)).toContain("name");
    await h.host.drain();
    expect(h.wix.calls.writes + h.wix.calls.reads).toBe(calls);
  });

  test("an item Wix rejects is logged with its reason and parked in the DLQ; the others sync", async () => {
    h.wix.rejectedSkus.add("BAD-2");
    const codes = importItems(h.erpnext, "BAD", 3);
    await h.erpnextWebhook({ doctype: "Item", name: codes[0] });
    for (const code of codes) await h.erpnextWebhook({ doctype: "Item", name: code });
    await h.host.drain();
    expect(productsWithSku(h.wix, "BAD-1")).toHaveLength(1);
    expect(productsWithSku(h.wix, "BAD-3")).toHaveLength(1);
    expect(productsWithSku(h.wix, "BAD-2")).toHaveLength(0);
    const parked = h.host.dlq("products").filter((m) => JSON.stringify(m.body).includes("BAD-2"));
    expect(parked.length).toBeGreaterThanOrEqual(1);
    expect(parked[0]?.reason).toContain("INVALID_PRODUCT");
    const ctx = await h.host.context();
    const log = await ctx.log.since("products", new Date(Date.now() - 60_000));
    expect(log.find((e) => e.key === "BAD-2" && e.outcome === "failed")?.reason).toContain(
      "violates a store rule",
    );
  });

  test("a failure Wix counts without details is still recorded as failed, never dropped", async () => {
    h.wix.rejectedSkus.add("UND-2");
    h.wix.detailedFailureLimit = 0;
    try {
      const codes = importItems(h.erpnext, "UND", 2);
      for (const code of codes) await h.erpnextWebhook({ doctype: "Item", name: code });
      await h.host.drain();
    } finally {
      h.wix.detailedFailureLimit = Number.POSITIVE_INFINITY;
      h.wix.rejectedSkus.delete("UND-2");
    }
    expect(productsWithSku(h.wix, "UND-1")).toHaveLength(1);
    const ctx = await h.host.context();
    const log = await ctx.log.since("products", new Date(Date.now() - 60_000));
    expect(log.find((e) => e.key === "UND-2" && e.outcome === "failed")?.reason).toContain("no result");
  });

  test("once the cause is fixed, the parked item is redriven from the DLQ and syncs", async () => {
    h.wix.rejectedSkus.add("REDRIVE-1");
    createItem(h.erpnext, "REDRIVE-1", 8);
    await h.host.drain();
    const listed = await h.request("GET", "/dlq/products");
    expect(JSON.stringify(listed.body)).toContain("REDRIVE-1");
    h.wix.rejectedSkus.delete("REDRIVE-1");
    h.wix.rejectedSkus.delete("BAD-2");
    const redrive = await h.request("POST", "/dlq/products/redrive");
    expect((redrive.body as { redriven: number }).redriven).toBeGreaterThanOrEqual(1);
    await h.host.drain();
    expect(productsWithSku(h.wix, "REDRIVE-1")).toHaveLength(1);
    expect(h.host.dlq("products")).toEqual([]);
  });

  test("disabled and deleted items are hidden in Wix, never left for sale", async () => {
    createItem(h.erpnext, "GONE-1", 2);
    createItem(h.erpnext, "OFF-1", 2);
    await h.host.drain();
    h.erpnext.update("Item", "OFF-1", { disabled: 1 });
    for (const p of [...(h.erpnext.docs.get("Item Price")?.values() ?? [])].filter(
      (p) => p.item_code === "GONE-1",
    )) {
      h.erpnext.remove("Item Price", p.name);
    }
    h.erpnext.remove("Item", "GONE-1");
    await h.host.drain();
    expect(productsWithSku(h.wix, "OFF-1")[0]?.visible).toBe(false);
    expect(productsWithSku(h.wix, "GONE-1")[0]?.visible).toBe(false);
  });

  test("a thin Item Price webhook (no item_code) is resolved by the worker", async () => {
    h.erpnext.importDoc("Item", {
      item_code: "THIN-1",
      item_name: "Thin",
      item_group: "Products",
      stock_uom: "Nos",
    });
    const price = h.erpnext.importDoc("Item Price", {
      item_code: "THIN-1",
      price_list: "Standard Selling",
      price_list_rate: 9,
    });
    const res = await h.erpnextWebhook({ doctype: "Item Price", name: price.name, modified: price.modified });
    expect(res.status).toBe(200);
    await h.host.drain();
    expect(productsWithSku(h.wix, "THIN-1")).toHaveLength(1);
  });

  test("base64 bodies (API Gateway) and the newer pretty-printed Frappe format both verify", async () => {
    const { handler } = await import("#functions/erpnext-webhook");
    const { signFrappeBody } = await import("#shared/erpnext/signature");
    const { localContext } = await import("#shared/runtime/lambda");
    const raw = '{\n "docstatus": 0,\n "doctype": "Item",\n "name": "MUG-1"\n}';
    const res = await handler(
      {
        headers: { "x-frappe-webhook-signature": signFrappeBody("integration-webhook-secret", raw) },
        body: Buffer.from(raw).toString("base64"),
        isBase64Encoded: true,
      } as never,
      localContext("erpnext-webhook"),
    );
    expect(res.statusCode).toBe(200);
  });

  test("a template and its variants become one Wix product with options; a new variant keeps the others' ids", async () => {
    createTemplate(h.erpnext, "TEE", [
      { suffix: "S-RED", size: "S", colour: "Red" },
      { suffix: "M-RED", size: "M", colour: "Red", price: 22 },
      { suffix: "S-BLU", size: "S", colour: "Blue" },
    ]);
    h.erpnext.moveBin("TEE-M-RED", "Stores - SC", { actual: 4 });
    await h.host.drain();
    const [product] = productsWithSku(h.wix, "TEE-S-RED");
    expect(productsWithSku(h.wix, "TEE-M-RED")).toHaveLength(1);
    expect(product?.name).toBe("Template TEE");
    expect(product?.options?.map((o) => [o.name, o.choicesSettings?.choices.map((c) => c.name)])).toEqual([
      ["Size", ["S", "M"]],
      ["Colour", ["Red", "Blue"]],
    ]);
    const bySku = Object.fromEntries((product?.variantsInfo.variants ?? []).map((v) => [v.sku, v]));
    expect(bySku["TEE-M-RED"]?.price.actualPrice.amount).toBe("22.00");
    expect(bySku["TEE-S-RED"]?.price.actualPrice.amount).toBe("20.00"); // the template's price
    expect(bySku["TEE-S-BLU"]?.choices).toEqual([
      { optionChoiceNames: { optionName: "Size", choiceName: "S", renderType: "TEXT_CHOICES" } },
      { optionChoiceNames: { optionName: "Colour", choiceName: "Blue", renderType: "TEXT_CHOICES" } },
    ]);
    expect(h.wix.inventoryForSku("TEE-M-RED")?.quantity).toBe(4);

    addVariant(h.erpnext, "TEE", { suffix: "M-BLU", size: "M", colour: "Blue" });
    await h.host.drain();
    const after = h.wix.get(product?.id as string);
    expect(after.variantsInfo.variants.map((v) => v.sku).sort()).toEqual([
      "TEE-M-BLU",
      "TEE-M-RED",
      "TEE-S-BLU",
      "TEE-S-RED",
    ]);
    for (const v of after.variantsInfo.variants.filter((x) => x.sku !== "TEE-M-BLU"))
      expect(v.id).toBe(bySku[v.sku as string]?.id);
    expect(productsWithSku(h.wix, "TEE-M-BLU")).toHaveLength(1);
    const ctx = await h.host.context();
    expect(await ctx.state.getMapping("TEE-M-BLU")).toMatchObject({
      productId: product?.id,
      variantOf: "TEE",
    });
  });

  test("the category job files products under their item group's Wix category, in bulk, and moves them", async () => {
    createItem(h.erpnext, "CAT-MUG", 4, { item_group: "Mugs" });
    createItem(h.erpnext, "CAT-TEE", 4, { item_group: "Apparel" });
    createItem(h.erpnext, "CAT-CUP", 4, { item_group: "Mugs" });
    await h.host.drain();
    const writes = h.wix.callLog.filter((c) => c.includes("/add-items")).length;
    const job = await h.request("POST", "/jobs/category-sync");
    expect(job.status).toBe(200);
    await h.host.drain();
    const id = (sku: string) => productsWithSku(h.wix, sku)[0]?.id as string;
    expect(h.wix.categoriesOf(id("CAT-MUG"))).toEqual(["Mugs"]);
    expect(h.wix.categoriesOf(id("CAT-CUP"))).toEqual(["Mugs"]);
    expect(h.wix.categoriesOf(id("CAT-TEE"))).toEqual(["Apparel"]);
    // Two groups, so two bulk calls (earlier tests' items in "Products" add one more).
    expect(h.wix.callLog.filter((c) => c.includes("/add-items")).length - writes).toBeLessThanOrEqual(3);

    h.erpnext.update("Item", "CAT-CUP", { item_group: "Accessories" });
    await h.host.drain();
    await h.request("POST", "/jobs/category-sync");
    await h.host.drain();
    expect(h.wix.categoriesOf(id("CAT-CUP"))).toEqual(["Accessories"]);
    const again = h.wix.callLog.length;
    await h.request("POST", "/jobs/category-sync");
    await h.host.drain();
    expect(h.wix.callLog.length).toBe(again); // nothing left to file: no call
  });

  test("catch-up finds imported items (no webhooks) and pushes them in bulk; the watermark holds", async () => {
    const codes = importItems(h.erpnext, "IMP", 250);
    const before = { ...h.wix.calls };
    const result = await h.request("POST", "/jobs/product-catchup");
    expect(result.status).toBe(200);
    await h.host.drain();
    for (const code of codes) expect(productsWithSku(h.wix, code)).toHaveLength(1);
    // 250 new items: 3 bulk creates; stock pushes follow in bulk too.
    const productWrites = h.wix.calls.writes - before.writes;
    expect(productWrites).toBeLessThanOrEqual(3 + 3 + 3);
    const again = await h.request("POST", "/jobs/product-catchup");
    expect((again.body as { enqueued: number }).enqueued).toBeLessThan(10);
  });
});
