import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createItem, type Harness, productsWithSku, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.host.stop();
});

const priceOf = (code: string) =>
  [...(h.erpnext.docs.get("Item Price")?.values() ?? [])].find((p) => p.item_code === code)?.name as string;
const variantPrice = (sku: string) =>
  productsWithSku(h.wix, sku)[0]?.variantsInfo.variants.find((v) => v.sku === sku)?.price.actualPrice.amount;
async function reasonLogged(code: string) {
  const ctx = await h.host.context();
  const entries = await ctx.log.since("products", new Date(Date.now() - 120_000));
  return entries.filter((e) => e.key === code).map((e) => `${e.outcome}: ${e.reason ?? ""}`);
}

describe("a price that is missing, not a number or 0 never sells the product at 0.00", () => {
  test.each([
    ["ZERO-1", 0, /price 0 \(set ALLOW_FREE_ITEMS=true/],
    ["NAN-1", "NaN", /expected a number, got "NaN"/],
    ["ABC-1", "abc", /expected a number, got "abc"/],
  ] as const)(
    "%s: a published item whose price becomes %p is hidden with the reason",
    async (code, bad, reason) => {
      createItem(h.erpnext, code, 7.5);
      await h.host.drain();
      expect(productsWithSku(h.wix, code)[0]).toMatchObject({ visible: true });
      expect(variantPrice(code)).toBe("7.50");

      h.erpnext.update("Item Price", priceOf(code), { price_list_rate: bad });
      await h.host.drain();
      expect(productsWithSku(h.wix, code)[0]?.visible).toBe(false);
      expect(variantPrice(code)).toBe("7.50"); // not re-priced to 0.00
      expect(await reasonLogged(code)).toContainEqual(
        expect.stringMatching(new RegExp(`^hidden: .*${reason.source}`)),
      );
    },
  );

  test('a new item priced 0 or "abc" is not published, and the sync log says why', async () => {
    createItem(h.erpnext, "NEW-ZERO", 0);
    createItem(h.erpnext, "NEW-ABC", "abc" as unknown as number);
    await h.host.drain();
    expect(productsWithSku(h.wix, "NEW-ZERO")).toEqual([]);
    expect(productsWithSku(h.wix, "NEW-ABC")).toEqual([]);
    expect(await reasonLogged("NEW-ZERO")).toContainEqual(expect.stringMatching(/^skipped: .*price 0/));
    expect(await reasonLogged("NEW-ABC")).toContainEqual(expect.stringMatching(/^skipped: .*"abc"/));
    // Waiting for a price is not a message for a person: nothing parked.
    expect(h.host.dlq("products").filter((m) => JSON.stringify(m.body).includes("NEW-"))).toEqual([]);
  });

  test("an item created before its price waits without a DLQ message, then is published", async () => {
    // prepare: the desk saves the Item first; its webhook finds no price yet
    h.erpnext.insert("Item", {
      item_code: "LATE-PRICE",
      item_name: "Late",
      item_group: "Products",
      stock_uom: "Nos",
    });
    await h.host.drain();
    expect(productsWithSku(h.wix, "LATE-PRICE")).toEqual([]);
    // act: the price follows
    h.erpnext.insert("Item Price", {
      item_code: "LATE-PRICE",
      price_list: "Standard Selling",
      price_list_rate: 4.2,
      uom: "Nos",
    });
    await h.host.drain();
    // assess
    expect(variantPrice("LATE-PRICE")).toBe("4.20");
    expect(h.host.dlq("products").filter((m) => JSON.stringify(m.body).includes("LATE-PRICE"))).toEqual([]);
  });
});
