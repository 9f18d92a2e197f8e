import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { seedDemoCatalog } from "#infra/sandbox/demo";
import { type Harness, startHarness } from "./harness";

/**
 * DRY_RUN=true: the local host's whole demo (catch-up, stock, categories, a checkout with its
 * webhooks) reads both sandboxes and writes to neither; the sync log lists what it would write.
 */
describe("test mode (DRY_RUN=true)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ DRY_RUN: "true", RETRY_BASE_SECONDS: "0" });
  });
  afterAll(() => h.host.stop());

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
