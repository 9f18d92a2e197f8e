import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { seedDemoCatalog } from "#infra/sandbox/demo";
import { MAKE_DELIVERY_NOTE } from "#shared/flows/shipments/pull";
import type { WixOrder } from "#shared/flows/wix-orders";
import { card } from "./billing-helpers";
import { createItem, type Harness, startHarness } from "./harness";

/**
 * DRY_RUN=true: the local host's whole demo (catch-up, stock, categories, a checkout with its
 * webhooks) reads both sandboxes and writes to neither; the sync log lists what it would write.
 */
let h: Harness;
// One host for the file: the handlers keep process-wide clients, as on Lambda.
beforeAll(async () => {
  h = await startHarness({ DRY_RUN: "true", RETRY_BASE_SECONDS: "0" });
});
afterAll(() => h.host.stop());

describe("test mode (DRY_RUN=true)", () => {
  it("makes no write to either sandbox, logs the writes it would make, and says so in /health", async () => {
    const seeded = seedDemoCatalog(h.erpnext, 6);
    const erpnextBefore = h.erpnext.snapshot();
    const erpnextWrites = h.erpnext.calls.writes;

    await h.host.runJob("product-catchup");
    await h.host.runJob("order-poll");
    await h.host.drain(60_000);
    await h.host.runJob("category-sync");
    await h.host.runJob("inventory-reconcile");
    await h.host.drain(60_000);

    // A customer checks out (that is Wix's own write, before ours would start).
    const order = h.wix.placeOrder({ lines: [{ sku: seeded[0] as string, quantity: 1 }], shipping: "4.95" });
    const wixBefore = h.wix.snapshot();
    for (const event of ["wix.ecom.v1.order_created", "wix.ecom.v1.order_approved"])
      await h.wix.sendEvent(event, order);
    await h.wix.webhooksSettled();
    await h.host.drain(60_000);
    await h.host.runJob("order-poll");
    await h.host.drain(60_000);

    expect(changes(erpnextBefore, h.erpnext.snapshot())).toEqual([]);
    expect(h.erpnext.calls.writes).toBe(erpnextWrites);
    // (`sequence` numbers the webhook events the test itself sent.)
    expect(changes({ ...wixBefore, sequence: 0 }, { ...h.wix.snapshot(), sequence: 0 })).toEqual([]);

    const ctx = await h.host.context();
    const since = new Date(Date.now() - 120_000);
    const products = await ctx.log.since("products", since);
    const orders = await ctx.log.since("orders", since);
    const intended = [...products, ...orders].filter((e) => e.reason?.startsWith("test mode: would"));
    expect(intended.map((e) => e.reason)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("would POST /stores/v3/bulk/products-with-inventory/create (6 products)"),
        expect.stringMatching(/would POST \/api\/resource\/Customer/),
      ]),
    );
    // A withheld write is no failure; nothing is parked or left to retry. (Two events of one order
    // racing for its claim is an ordinary retry, as outside test mode.)
    const failed = [...products, ...orders].filter((e) => e.outcome === "failed");
    expect(failed.filter((e) => !/being created by another delivery/.test(e.reason ?? ""))).toEqual([]);
    expect(h.host.dlq("products")).toEqual([]);
    expect(h.host.dlq("orders")).toEqual([]);

    const health = await h.request("GET", "/health");
    expect(health.body).toMatchObject({ mode: "test" });
    // Watermarks stay: once the writes are made, the catch-up reads these items again.
    expect(await ctx.state.getWatermark("product-catchup")).toBeUndefined();
  });
});

/**
 * Shipments and billing read with POSTs (Wix List Fulfillments / Transactions For Multiple Orders,
 * ERPNext's mappers) before they write: in test mode they go on to report the writes they would
 * make. Their orders were synced before test mode was turned on: Sales Orders in ERPNext, records
 * in the state table.
 */
describe("test mode: shipments and billing read on to their writes", () => {
  let orders: { order: WixOrder; so: Record<string, unknown> & { name: string } }[];
  beforeAll(async () => {
    createItem(h.erpnext, "TM-SHIP", 10);
    h.erpnext.moveBin("TM-SHIP", "Stores - SC", { actual: 50 });
    await h.host.drain(60_000);
    const state = (await h.host.context()).state;
    orders = [];
    for (let i = 0; i < 2; i++) {
      const order = h.wix.placeOrder({ lines: [{ sku: "TM-SHIP", quantity: 2, price: "10.00" }] });
      const customer = h.erpnext.insert("Customer", {
        customer_name: `Test mode ${i}`,
        customer_type: "Individual",
        customer_group: "All Customer Groups",
        territory: "All Territories",
      }).name;
      const so = h.erpnext.insert(
        "Sales Order",
        {
          customer,
          company: "Sandbox Co",
          po_no: order.number,
          transaction_date: "2026-11-26",
          delivery_date: "2026-11-30",
          items: [{ item_code: "TM-SHIP", qty: 2, rate: 10, warehouse: "Stores - SC" }],
          docstatus: 1,
        },
        { silent: true },
      ) as Record<string, unknown> & { name: string };
      await state.orders.update(order.id, {
        orderId: order.id,
        orderNumber: order.number,
        state: "created",
        salesOrder: so.name,
        customer,
        claimedAt: new Date().toISOString(),
      });
      orders.push({ order, so });
    }
  });

  /** The writes a flow withheld and logged since `since`: [key (order or note), what it would send]. */
  async function wouldWrite(flow: "shipments" | "billing", since: Date): Promise<[string, string][]> {
    const entries = await (await h.host.context()).log.since(flow, since);
    return entries.flatMap((e) => (e.reason?.startsWith("test mode: would") ? [[e.key, e.reason]] : []));
  }

  it("a Delivery Note submitted in ERPNext: the shipment reads Wix's fulfillments and would create one", async () => {
    const since = new Date();
    const [{ order, so }] = orders as [(typeof orders)[number]];
    const wixBefore = h.wix.snapshot();
    const wixWrites = h.wix.calls.writes;
    // A user ships in the desk (ERPNext's mapper, submitted); the catch-up finds the note (setup,
    // which makes ERPNext's Webhooks, wrote nothing in test mode).
    const draft = h.erpnext.method(MAKE_DELIVERY_NOTE)?.({ source_name: so.name }, h.erpnext) as Record<
      string,
      unknown
    >;
    h.erpnext.insert("Delivery Note", { ...draft, docstatus: 1 });
    await h.host.runJob("shipment-catchup");
    await h.host.drain(60_000);
    expect((await wouldWrite("shipments", since)).map(([, reason]) => reason)).toEqual([
      expect.stringContaining(`would POST /ecom/v1/fulfillments/orders/${order.id}/create-fulfillment`),
    ]);
    expect(changes({ ...wixBefore, sequence: 0 }, { ...h.wix.snapshot(), sequence: 0 })).toEqual([]);
    expect(h.wix.calls.writes).toBe(wixWrites);
    expect(h.host.dlq("shipments")).toEqual([]);
  });

  it("payments on several orders: each would be invoiced, and the audit reads them all", async () => {
    const since = new Date();
    const erpnextBefore = h.erpnext.snapshot();
    for (const { order } of orders) h.wix.addPayments(order.id, [card("20.00")]);
    await h.wix.webhooksSettled();
    await h.host.drain(60_000);
    // (Each of an order's payment events bills it again: nothing was saved the time before.)
    const invoiced = (await wouldWrite("billing", since)).filter(([, reason]) =>
      /would POST \/api\/resource\/Sales(%20| )Invoice/.test(reason),
    );
    expect([...new Set(invoiced.map(([orderId]) => orderId))].sort()).toEqual(
      orders.map(({ order }) => order.id).sort(),
    );
    expect(changes(erpnextBefore, h.erpnext.snapshot())).toEqual([]);
    expect(h.host.dlq("billing")).toEqual([]);
    // The audit reads the payments and fulfillments of every order of the period in one call each.
    const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
    const audit = await h.request("POST", `/jobs/monthly-audit?from=${day(-1)}&to=${day(1)}`);
    expect({ status: audit.status, error: (audit.body as { error?: string }).error }).toEqual({
      status: 200,
    });
  });
});

/** The top-level parts of a sandbox snapshot that differ (named, so a failure says where). */
function changes(before: unknown, after: unknown, path = ""): string[] {
  // A read makes the sandbox list an empty table: no data changed.
  const empty = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);
  if (JSON.stringify(before) === JSON.stringify(after) || (empty(before) && empty(after))) return [];
  if (
    before &&
    after &&
    typeof before === "object" &&
    typeof after === "object" &&
    path.split(".").length < 3
  )
    return [...new Set([...Object.keys(before), ...Object.keys(after)])].flatMap((k) =>
      changes((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], `${path}.${k}`),
    );
  return [`${path}: ${JSON.stringify(before)?.slice(0, 200)} -> ${JSON.stringify(after)?.slice(0, 200)}`];
}
