import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { getContext } from "#infra/local/context";
import type { WixOrder } from "#shared/flows/wix-orders";
import { createItem, createTemplate, type Harness, importItems, startHarness } from "./harness";

/**
 * A Wix site still on Catalog V1 (WIX_SANDBOX_CATALOG=V1): the same catalog, stock and order sync
 * as on V3, through the V1 adapters, and a site Wix converts to V3 between two runs.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ WIX_SANDBOX_CATALOG: "V1" });
  h.erpnext.insert("Item Group", { name: "Cups V1", parent_item_group: "All Item Groups" });
});
afterAll(async () => {
  await h.host.stop();
});

const variantsWithSku = (sku: string) => h.wix.v1Variants().filter((v) => v.sku === sku);
const productOf = (sku: string) => h.wix.v1Product(variantsWithSku(sku)[0]?.productId as string);
const quantityOf = (sku: string) => variantsWithSku(sku)[0]?.stock;
const writes = () => h.wix.calls.writes;

describe("a Catalog V1 site", () => {
  test("items and a template with variants are published as V1 products, priced, stocked and filed into collections", async () => {
    expect(h.wix.catalogVersion).toBe("V1_CATALOG");
    createItem(h.erpnext, "V1-MUG", 12.5, {
      item_name: "V1 Mug",
      item_group: "Cups V1",
      brand: "Acme",
      image: "/files/v1-mug.jpg",
      weight_per_unit: 0.35,
      weight_uom: "Kg",
    });
    createTemplate(h.erpnext, "V1-TEE", [
      { suffix: "S-RED", size: "S", colour: "Red" },
      { suffix: "M-BLUE", size: "M", colour: "Blue", price: 22 },
    ]);
    h.erpnext.insert("Stock Entry", {
      docstatus: 1,
      items: [
        { item_code: "V1-MUG", qty: 7, t_warehouse: "Stores - SC" },
        { item_code: "V1-TEE-S-RED", qty: 3, t_warehouse: "Stores - SC" },
      ],
    });
    await h.host.drain();
    await h.request("POST", "/jobs/category-sync");
    await h.host.drain();

    const mug = productOf("V1-MUG");
    expect(mug).toMatchObject({ name: "V1 Mug", visible: true, brand: "Acme" });
    expect(variantsWithSku("V1-MUG")).toHaveLength(1);
    expect(quantityOf("V1-MUG")).toMatchObject({ trackQuantity: true, quantity: 7 });
    expect(h.wix.v1CollectionsOf(mug.id as string)).toContain("Cups V1");

    const red = variantsWithSku("V1-TEE-S-RED")[0];
    const blue = variantsWithSku("V1-TEE-M-BLUE")[0];
    expect(red?.productId).toBe(blue?.productId);
    expect(red?.choices).toEqual({ Size: "S", Colour: "Red" });
    expect(quantityOf("V1-TEE-S-RED")).toMatchObject({ trackQuantity: true, quantity: 3 });
    expect(quantityOf("V1-TEE-M-BLUE")).toMatchObject({ quantity: 0 });
    const tee = productOf("V1-TEE-M-BLUE");
    const blueVariant = (tee.variants as { id: string; variant: { priceData?: { price?: number } } }[]).find(
      (v) => v.id === blue?.variantId,
    );
    expect(blueVariant?.variant.priceData?.price).toBe(22);
  });

  test("a price change keeps the product's images: Wix's copy of ours and the merchant's own", async () => {
    const mug = h.wix.v1Products.get(productOf("V1-MUG").id as string);
    // Wix answers its own copy of our image, never the URL we sent.
    expect(mug?.media.items.map((m) => m.image?.url)).toEqual([
      expect.stringMatching(/^https:\/\/static\.wixstatic\.com\/media\//),
    ]);
    mug?.media.items.push({
      id: "merchant~mv2.jpg",
      image: { url: "https://static.wixstatic.com/media/merchant~mv2.jpg" },
    });
    const media = structuredClone(mug?.media.items);
    const price = [...(h.erpnext.docs.get("Item Price")?.values() ?? [])].find(
      (p) => p.item_code === "V1-MUG",
    );
    h.erpnext.update("Item Price", price?.name as string, { price_list_rate: 12.75 });
    await h.host.drain();
    expect(h.wix.v1Product(mug?.id as string)).toMatchObject({ priceData: { price: 12.75 } });
    expect(h.wix.v1Products.get(mug?.id as string)?.media.items).toEqual(media);
  });

  test("a product made in the Wix dashboard is linked by SKU, not duplicated", async () => {
    h.wix.createV1({ name: "Hand-made V1 listing", priceData: { price: 1 }, sku: "V1-LINK" });
    createItem(h.erpnext, "V1-LINK", 9);
    await h.host.drain();
    expect(variantsWithSku("V1-LINK")).toHaveLength(1);
    expect(productOf("V1-LINK")).toMatchObject({ name: "Item V1-LINK" });
  });

  test("two workers syncing one new item at once make one product (V1 takes a duplicate SKU)", async () => {
    const [code] = importItems(h.erpnext, "V1-RACE", 1) as [string];
    const { products } = await getContext();
    const results = (await Promise.all([products.syncItems([code]), products.syncItems([code])])).flat();
    expect(results.map((r) => r.outcome).sort()).toEqual(["created", "failed"]);
    expect(results.find((r) => r.outcome === "failed")).toMatchObject({ retryable: true });
    expect(variantsWithSku(code)).toHaveLength(1);
    // The retry finds the mapping.
    expect(await products.syncItems([code])).toEqual([
      { itemCode: code, outcome: "skipped", reason: "unchanged" },
    ]);
    expect(variantsWithSku(code)).toHaveLength(1);
  });

  test("a stock entry reaches the V1 quantity", async () => {
    h.erpnext.insert("Stock Entry", {
      docstatus: 1,
      items: [{ item_code: "V1-MUG", qty: 5, t_warehouse: "Stores - SC" }],
    });
    await h.host.drain();
    expect(quantityOf("V1-MUG")).toMatchObject({ quantity: 12 });
  });

  test("stock goes to the product we mapped, never to another listing with its SKU, read with one call", async () => {
    // A later duplicate of the mug (dashboard "duplicate product", a CSV import) carries its SKU.
    const mapped = productOf("V1-MUG");
    const duplicate = h.wix.createV1({ name: "Copy of V1 Mug", priceData: { price: 1 }, sku: "V1-MUG" });
    const logged = h.wix.callLog.length;
    h.erpnext.insert("Stock Entry", {
      docstatus: 1,
      items: [{ item_code: "V1-MUG", qty: 1, t_warehouse: "Stores - SC" }],
    });
    await h.host.drain();
    const stock = (id: string) => h.wix.v1Variants().find((v) => v.productId === id)?.stock;
    expect(stock(mapped.id as string)).toMatchObject({ quantity: 13 });
    expect(stock(duplicate.id as string)).toMatchObject({ trackQuantity: false });
    // The stock check's Wix calls: one Get Inventory Variants, then the write.
    expect(h.wix.callLog.slice(logged).filter((c) => /inventoryItems|products|variants/i.test(c))).toEqual([
      `POST /stores-reader/v2/inventoryItems/${mapped.inventoryItemId}/getVariants`,
      `PATCH /stores/v2/inventoryItems/product/${mapped.id}`,
    ]);
    // The merchant removes the copy (the conversion below expects one product per SKU).
    h.wix.v1Products.delete(duplicate.id as string);
    h.wix.v1Inventory.delete(duplicate.id as string);
  });

  test("an order of a V1 variant becomes a Sales Order equal to the cent", async () => {
    const order: WixOrder = h.wix.placeOrder({
      lines: [
        { sku: "V1-TEE-S-RED", quantity: 2 },
        { sku: "V1-MUG", quantity: 1 },
      ],
      shipping: "4.95",
      buyer: { email: "ada@example.com", contactId: "c-ada-v1", firstName: "Ada", lastName: "V1" },
    });
    expect(await h.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
    await h.host.drain();
    const [so] = [...(h.erpnext.docs.get("Sales Order")?.values() ?? [])].filter(
      (s) => s.po_no === order.number,
    );
    expect(so?.docstatus).toBe(1);
    expect(so?.grand_total).toBe(Number(order.priceSummary.total.amount));
    expect(
      ((so?.items ?? []) as { item_code: string; qty: number }[]).map((i) => [i.item_code, i.qty]).sort(),
    ).toEqual([
      ["V1-MUG", 1],
      ["V1-TEE-S-RED", 2],
    ]);
  });

  test("a rerun of every job writes nothing to Wix", async () => {
    const jobs = ["product-catchup", "category-sync", "inventory-reconcile"];
    // The linked product of the second test is filed into its collection by this first round.
    for (const job of jobs) {
      await h.request("POST", `/jobs/${job}`);
      await h.host.drain();
    }
    const before = writes();
    const logged = h.wix.callLog.length;
    for (const job of jobs) {
      await h.request("POST", `/jobs/${job}`);
      await h.host.drain();
    }
    expect(h.wix.callLog.slice(logged).filter((c) => !/^GET|query|search|getVariants/.test(c))).toEqual([]);
    expect(writes()).toBe(before);
  });

  test("a site Wix converts to V3 between two runs ends with no duplicate product", async () => {
    const productsBefore = h.wix.v1Variants().length;
    h.wix.migrateToV3();
    expect(h.wix.catalogVersion).toBe("V3_CATALOG");
    // The version is cached for minutes: the first V3-only answer tells the client the site moved.
    h.erpnext.insert("Stock Entry", {
      docstatus: 1,
      items: [{ item_code: "V1-MUG", qty: 1, t_warehouse: "Stores - SC" }],
    });
    const price = [...(h.erpnext.docs.get("Item Price")?.values() ?? [])].find(
      (p) => p.item_code === "V1-MUG",
    );
    h.erpnext.update("Item Price", price?.name as string, { price_list_rate: 13 });
    await h.host.drain();
    await h.request("POST", "/jobs/product-catchup");
    await h.host.drain();
    const products = [...h.wix.products.values()];
    for (const sku of ["V1-MUG", "V1-TEE-S-RED", "V1-TEE-M-BLUE", "V1-LINK"])
      expect(products.filter((p) => p.variantsInfo.variants.some((v) => v.sku === sku))).toHaveLength(1);
    expect(products.length).toBeLessThanOrEqual(productsBefore);
    const mug = products.find((p) => p.variantsInfo.variants.some((v) => v.sku === "V1-MUG"));
    expect(mug?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("13.00");

    // New products after the conversion are filed into the V3 category, never a V1 collection id.
    createItem(h.erpnext, "V3-CUP", 4, { item_group: "Cups V1" });
    await h.host.drain();
    await h.request("POST", "/jobs/category-sync");
    await h.host.drain();
    const cup = [...h.wix.products.values()].find((p) =>
      p.variantsInfo.variants.some((v) => v.sku === "V3-CUP"),
    );
    expect(h.wix.categoriesOf(cup?.id as string)).toContain("Cups V1");
  });
});
