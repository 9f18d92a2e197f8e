import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  createItem,
  type Harness,
  handMadeWixProduct,
  importItems,
  productsWithSku,
  startHarness,
} from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ ERPNEXT_WAREHOUSES: "Stores - SC,Backroom - SC" });
});
afterAll(async () => {
  await h.host.stop();
});

const wixQty = (sku: string) => h.wix.inventoryForSku(sku)?.quantity;
const inventoryWrites = () => h.wix.callLog.filter((c) => c.includes("/bulk/inventory-items/")).length;

describe("stock ERPNext -> Wix", () => {
  test("a submitted Stock Entry reaches the Wix quantity (sellable = actual - reserved over the chosen warehouses)", async () => {
    createItem(h.erpnext, "STOCK-1", 10);
    await h.host.drain();
    expect(wixQty("STOCK-1")).toBe(0);
    h.erpnext.insert("Stock Entry", {
      docstatus: 1,
      items: [
        { item_code: "STOCK-1", qty: 8, t_warehouse: "Stores - SC" },
        { item_code: "STOCK-1", qty: 5, t_warehouse: "Backroom - SC" },
        { item_code: "STOCK-1", qty: 100, t_warehouse: "Finished Goods - SC" }, // not a sales warehouse
      ],
    });
    h.erpnext.moveBin("STOCK-1", "Stores - SC", { reserved: 2 });
    await h.host.drain();
    expect(wixQty("STOCK-1")).toBe(8 + 5 - 2);
  });

  test("a new product is created with its stock in the same call: no separate stock write", async () => {
    h.erpnext.importDoc("Item", {
      item_code: "OPEN-1",
      item_name: "Opening stock",
      item_group: "Products",
      stock_uom: "Nos",
    });
    h.erpnext.importDoc("Item Price", {
      item_code: "OPEN-1",
      price_list: "Standard Selling",
      price_list_rate: 3,
    });
    h.erpnext.moveBin("OPEN-1", "Stores - SC", { actual: 17, reserved: 2 });
    const before = inventoryWrites();
    await h.erpnextWebhook({ doctype: "Item", name: "OPEN-1" });
    await h.host.drain();
    expect(wixQty("OPEN-1")).toBe(15);
    expect(inventoryWrites()).toBe(before);
  });

  test("a missing inventory item is created for a linked product", async () => {
    handMadeWixProduct(h.wix, "NOINV-1", "Made in Wix");
    expect(h.wix.inventoryForSku("NOINV-1")).toBeUndefined();
    h.erpnext.moveBin("NOINV-1", "Stores - SC", { actual: 6 });
    createItem(h.erpnext, "NOINV-1", 2);
    await h.host.drain();
    expect(wixQty("NOINV-1")).toBe(6);
  });

  test("2,500 changed items go out in 3 bulk calls; unchanged stock makes no call", async () => {
    const codes = importItems(h.erpnext, "BULK", 2500);
    await h.request("POST", "/jobs/product-catchup");
    await h.host.drain(120_000);
    await h.request("POST", "/jobs/inventory-delta");
    await h.host.drain();
    for (const code of codes) h.erpnext.moveBin(code, "Stores - SC", { actual: 3 });
    const before = inventoryWrites();
    const job = await h.request("POST", "/jobs/inventory-delta");
    expect(job.status).toBe(200);
    await h.host.drain();
    expect(inventoryWrites() - before).toBe(3);
    expect(codes.every((c) => wixQty(c) === 3)).toBe(true);

    const again = inventoryWrites();
    await h.request("POST", "/jobs/inventory-delta");
    await h.host.drain();
    expect(inventoryWrites()).toBe(again);
  }, 180_000);

  test("drift made in Wix is fixed by the reconcile and counted", async () => {
    createItem(h.erpnext, "DRIFT-1", 4);
    h.erpnext.moveBin("DRIFT-1", "Stores - SC", { actual: 9 });
    await h.host.drain();
    await h.request("POST", "/jobs/inventory-delta");
    await h.host.drain();
    expect(wixQty("DRIFT-1")).toBe(9);
    const inv = h.wix.inventory.get(h.wix.inventoryForSku("DRIFT-1")?.id as string);
    if (inv) inv.quantity = 42; // someone edited stock in the Wix dashboard
    const res = await h.request("POST", "/jobs/inventory-reconcile");
    expect((res.body as { enqueued: number }).enqueued).toBeGreaterThan(0);
    await h.host.drain();
    expect(wixQty("DRIFT-1")).toBe(9);
    const ctx = await h.host.context();
    const entries = await ctx.log.since("inventory", new Date(Date.now() - 60_000));
    const reconcile = entries.filter((e) => e.key === "reconcile").at(-1);
    expect(reconcile?.details).toMatchObject({ drift: 1, driftUnits: 33 });
  });

  test("oversell guard: an order placed in Wix between two pushes is not re-inflated", async () => {
    createItem(h.erpnext, "HOT-1", 15);
    h.erpnext.moveBin("HOT-1", "Stores - SC", { actual: 10 });
    await h.host.drain();
    await h.request("POST", "/jobs/inventory-delta");
    await h.host.drain();
    expect(wixQty("HOT-1")).toBe(10);
    // A customer buys 3; Wix decrements to 7. Its webhook has not reached us yet.
    h.wix.setWebhookTarget(undefined);
    h.wix.placeOrder({ lines: [{ sku: "HOT-1", quantity: 3 }] });
    expect(wixQty("HOT-1")).toBe(7);
    // Then 5 arrive in ERPNext: ERPNext alone would say 15, but 3 of them are sold.
    h.erpnext.insert("Stock Entry", {
      docstatus: 1,
      items: [{ item_code: "HOT-1", qty: 5, t_warehouse: "Stores - SC" }],
    });
    await h.host.drain();
    expect(wixQty("HOT-1")).toBe(12);
    // Once the order is a submitted Sales Order, ERPNext reserves it and the answer is the same.
    h.wix.setWebhookTarget(`${h.host.url}/webhooks/wix`);
    await h.request("POST", "/jobs/order-poll");
    await h.host.drain();
    await h.request("POST", "/jobs/inventory-reconcile");
    await h.host.drain();
    expect(wixQty("HOT-1")).toBe(12);
  });

  test("oversell guard: a PENDING order (awaiting payment, no webhook yet) counts as sold", async () => {
    createItem(h.erpnext, "HOT-3", 15);
    h.erpnext.moveBin("HOT-3", "Stores - SC", { actual: 10 });
    await h.host.drain();
    expect(wixQty("HOT-3")).toBe(10);
    // Wix takes the stock at checkout while the payment is pending; Search Orders returns such
    // orders only when the filter names `status`.
    h.wix.setWebhookTarget(undefined);
    h.wix.placeOrder({ lines: [{ sku: "HOT-3", quantity: 3 }], status: "PENDING" });
    h.wix.setWebhookTarget(`${h.host.url}/webhooks/wix`);
    expect(wixQty("HOT-3")).toBe(7);
    h.erpnext.insert("Stock Entry", {
      docstatus: 1,
      items: [{ item_code: "HOT-3", qty: 5, t_warehouse: "Stores - SC" }],
    });
    await h.host.drain();
    expect(wixQty("HOT-3")).toBe(12);
  });

  test("oversell guard: an order ERPNext refused (parked) still holds its stock, even past the search window", async () => {
    createItem(h.erpnext, "HOT-2", 15);
    h.erpnext.moveBin("HOT-2", "Stores - SC", { actual: 10 });
    await h.host.drain();
    expect(wixQty("HOT-2")).toBe(10);
    h.erpnext.faults.add({ status: 417, count: 1, match: "POST /api/resource/Sales Order" });
    const order = h.wix.placeOrder({
      lines: [{ sku: "HOT-2", quantity: 4 }],
      buyer: { email: "parked-stock@example.com" },
    });
    await h.wix.sendEvent("wix.ecom.v1.order_approved", order);
    await h.host.drain();
    expect(h.erpnext.faults.pending).toBe(0);
    expect(h.host.dlq("orders").some((m) => (m.body as { orderId: string }).orderId === order.id)).toBe(true);
    // The order poll has passed it long ago: only the hold remembers it.
    const ctx = await h.host.context();
    await ctx.state.setWatermark("order-poll", new Date(Date.now() + 3600_000).toISOString());
    h.erpnext.insert("Stock Entry", {
      docstatus: 1,
      items: [{ item_code: "HOT-2", qty: 2, t_warehouse: "Stores - SC" }],
    });
    await h.host.drain();
    expect(wixQty("HOT-2")).toBe(12 - 4);
  });

  test("a job that fails half-way resumes from its watermark without losing items", async () => {
    const codes = importItems(h.erpnext, "HALF", 700);
    // The second page of Items fails (past every retry): the job stops after the first page.
    h.erpnext.faults.add({ status: 500, count: 4, match: "GET /api/resource/Item\\?.*limit_start=500" });
    const first = await h.request("POST", "/jobs/product-catchup");
    expect(first.status).toBe(502);
    await h.host.drain();
    const second = await h.request("POST", "/jobs/product-catchup");
    expect(second.status).toBe(200);
    // The first page (500 rows) is not read again: only the rest of the Items, about 200.
    expect((second.body as { byDoctype: Record<string, number> }).byDoctype.Item).toBeLessThan(300);

    await h.host.drain(120_000);
    expect(codes.filter((c) => productsWithSku(h.wix, c).length !== 1)).toEqual([]);
  }, 120_000);
});

describe("stock on a site with several Wix locations and no WIX_LOCATION_ID", () => {
  test("a SKU stocked at two locations is refused with the reason; neither location is overwritten", async () => {
    // prepare: the merchant stocks MULTI-1 at a second location too
    createItem(h.erpnext, "MULTI-1", 10);
    await h.host.drain();
    const shop = "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a";
    h.wix.addLocation(shop);
    const ctx = await h.host.context();
    const variant = h.wix.inventoryForSku("MULTI-1");
    await ctx.wix.bulkCreateInventory([
      {
        productId: variant?.productId as string,
        variantId: variant?.variantId as string,
        quantity: 50,
        locationId: shop,
      },
    ]);
    h.erpnext.moveBin("MULTI-1", "Stores - SC", { actual: 7 });
    // act
    const result = await ctx.inventory.syncItems(["MULTI-1", "STOCK-1"]);
    // assess
    expect(result.failed).toEqual([
      { itemCode: "MULTI-1", reason: expect.stringContaining("set WIX_LOCATION_ID") },
    ]);
    expect(wixQty("MULTI-1")).toBe(0);
    const atShop = h.wix.inventoryForSku("MULTI-1", shop);
    expect(atShop?.quantity).toBe(50);
    h.wix.inventory.delete(atShop?.id as string); // back to one location for the tests below
  });
});

describe("health", () => {
  test("ok with everything up, degraded with a stale flow, failing (503) with Wix down; never shows a credential", async () => {
    const ok = await h.request("GET", "/health");
    expect([200]).toContain(ok.status);
    const ctx = await h.host.context();
    await ctx.state.markSuccess("inventory", new Date(Date.now() - 3 * 86400_000));
    const degraded = await h.request("GET", "/health");
    expect(degraded).toMatchObject({ status: 200, body: { status: "degraded" } });
    expect(JSON.stringify(degraded.body)).toContain("inventory: last success");
    // A quiet store is not a stale flow: the safety-net job running is proof of life.
    await h.request("POST", "/jobs/inventory-delta");
    expect(await h.request("GET", "/health")).toMatchObject({
      status: 200,
      body: { flows: { inventory: { stale: false } } },
    });

    await ctx.state.markSuccess("inventory", new Date(Date.now() - 3 * 86400_000));

    h.wix.faults.add({ status: 503, count: 5 });
    const failing = await h.request("GET", "/health");
    expect(failing).toMatchObject({ status: 503, body: { status: "failing", wix: { reachable: false } } });
    h.wix.faults.clear();
    const text = JSON.stringify(failing.body);
    for (const secret of [
      h.host.env.ERPNEXT_API_KEY,
      h.host.env.ERPNEXT_API_SECRET,
      h.host.env.WIX_API_KEY,
      h.host.env.ERPNEXT_WEBHOOK_SECRET,
    ]) {
      expect(text).not.toContain(secret);
    }
    await ctx.state.markSuccess("inventory");
  });
});

describe("weekly report", () => {
  test("counts per flow and outcome, drift fixed, p95 latency, DLQ contents; stored", async () => {
    h.wix.rejectedSkus.add("REPORT-1");
    createItem(h.erpnext, "REPORT-1", 3);
    await h.host.drain();
    const res = await h.request("POST", "/jobs/weekly-report");
    expect(res.status).toBe(200);
    const report = res.body as {
      flows: Record<string, { outcomes: Record<string, number>; p95LatencyMs?: number }>;
      topErrors: { reason: string }[];
      drift: { runs: number; itemsOff: number; unitsOff: number };
      dlq: Record<string, { parked: number; reasons: { reason: string; count: number }[] }>;
    };
    expect(report.flows.products?.outcomes.created).toBeGreaterThan(0);
    expect(report.flows.inventory?.p95LatencyMs).toEqual(expect.any(Number));
    expect(report.drift.itemsOff).toBeGreaterThanOrEqual(1); // the drift test above
    expect(report.topErrors.some((e) => e.reason.includes("violates a store rule"))).toBe(true);
    expect(report.dlq.products?.parked).toBeGreaterThanOrEqual(1);
    expect(report.dlq.products?.reasons[0]?.reason).toContain("INVALID_PRODUCT");
  });
});
