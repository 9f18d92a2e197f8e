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
const salesOrdersOf = (orderNumber: string) =>
  [...(h.erpnext.docs.get("Sales Order")?.values() ?? [])].filter((so) => so.po_no === orderNumber);
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

  test("a sub-cent price (0.001) is 0 at USD's 2 decimals: never published, never sold for 0.00", async () => {
    createItem(h.erpnext, "TENTH-1", 0.001);
    createItem(h.erpnext, "TENTH-2", 7.5);
    await h.host.drain();
    expect(productsWithSku(h.wix, "TENTH-1")).toEqual([]);
    expect(await reasonLogged("TENTH-1")).toContainEqual(
      expect.stringMatching(/^skipped: .*price 0.001, which is 0 at the currency's 2 decimals/),
    );
    // A published item whose price drops to 0.001 is hidden with the reason, not re-priced.
    h.erpnext.update("Item Price", priceOf("TENTH-2"), { price_list_rate: 0.001 });
    await h.host.drain();
    expect(productsWithSku(h.wix, "TENTH-2")[0]?.visible).toBe(false);
    expect(variantPrice("TENTH-2")).toBe("7.50");
    expect(await reasonLogged("TENTH-2")).toContainEqual(
      expect.stringMatching(/^hidden: .*price 0.001, which is 0/),
    );
  });

  test("a price with more decimals than USD's is published rounded: the Sales Order books what Wix charged", async () => {
    createItem(h.erpnext, "ODD-1", 2.499);
    h.erpnext.moveBin("ODD-1", "Stores - SC", { actual: 10 });
    await h.host.drain();
    expect(variantPrice("ODD-1")).toBe("2.50");
    const order = h.wix.placeOrder({ lines: [{ sku: "ODD-1", quantity: 3 }] });
    expect(await h.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
    await h.host.drain();
    expect(order.priceSummary.total.amount).toBe("7.50");
    expect(salesOrdersOf(order.number)).toEqual([expect.objectContaining({ grand_total: 7.5 })]);
  });

  test("an order line priced 0.001 (Wix's Create Order takes 3 decimals) is parked with the reason, not booked at 0", async () => {
    createItem(h.erpnext, "TENTH-3", 4);
    await h.host.drain();
    // Wix's own Create Order (POST /ecom/v1/orders) takes a line price of up to 3 decimals.
    const order = h.wix.createOrder({
      order: {
        currency: "USD",
        buyerInfo: { email: "tenth@example.com" },
        lineItems: [{ quantity: 3, price: { amount: "0.001" }, physicalProperties: { sku: "TENTH-3" } }],
      },
    });
    expect(await h.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
    await h.host.drain();
    expect(salesOrdersOf(order.number)).toEqual([]);
    const parked = h.host.dlq("orders").find((m) => (m.body as { orderId?: string }).orderId === order.id);
    expect(parked?.reason).toMatch(/line "TENTH-3" is priced 0.001, finer than the 2 decimals ERPNext books/);
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
