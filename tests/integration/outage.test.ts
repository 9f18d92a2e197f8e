import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createItem, type Harness, productsWithSku, startHarness } from "./harness";

/**
 * Outages longer than the whole retry budget: nothing is lost and no person is needed. The retry
 * schedule is shortened (RETRY_BASE_SECONDS=0) so the five receives pass in seconds; the rules
 * are the ones AWS runs (shared/queue/policy.ts).
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ RETRY_BASE_SECONDS: "0" });
});
afterAll(async () => {
  await h.host.stop();
});

const priceOf = (code: string) =>
  productsWithSku(h.wix, code)[0]?.variantsInfo.variants[0]?.price.actualPrice.amount;
const priceDoc = (code: string) =>
  [...(h.erpnext.docs.get("Item Price")?.values() ?? [])].find((p) => p.item_code === code);

describe("outages and poison messages", () => {
  test("a Wix outage longer than the retry budget: the change waits, then converges by itself", async () => {
    // prepare
    createItem(h.erpnext, "OUT-1", 10);
    await h.host.drain();
    expect(priceOf("OUT-1")).toBe("10.00");
    h.wix.faults.add({ status: 503, count: 100_000, match: "/stores/v3/" });
    // act: the change arrives during the outage and outlives every retry
    h.erpnext.update("Item Price", priceDoc("OUT-1")?.name as string, { price_list_rate: 12.34 });
    await h.host.drain();
    await h.host.runJob("product-catchup"); // the safety net moves its watermark past the item
    await h.host.drain();
    const parked = h.host.dlq("products");
    const whileDown = await h.host.runJob("dlq-redrive");
    // assess: parked as retryable, not redriven while Wix is down
    expect(parked.length).toBeGreaterThan(0);
    expect(parked.every((m) => m.parkedAs === "retryable")).toBe(true);
    expect(whileDown.skipped).toMatch(/Wix/);
    expect(h.host.dlq("products").length).toBe(parked.length);
    expect(priceOf("OUT-1")).toBe("10.00");

    // act: Wix is back; the scheduled redrive puts it back without a person
    h.wix.faults.clear();
    const back = await h.host.runJob("dlq-redrive");
    await h.host.drain();
    // assess
    expect(back.queues).toMatchObject({ products: { moved: parked.length, gaveUp: 0 } });
    expect(h.host.dlq("products")).toEqual([]);
    expect(priceOf("OUT-1")).toBe("12.34");
  });

  test("ERPNext refusing our key (being rotated) is an outage, not bad data", async () => {
    // prepare
    createItem(h.erpnext, "AUTH-1", 10);
    await h.host.drain();
    h.erpnext.faults.add({ status: 401, count: 100_000, match: "/api/" });
    // act
    h.erpnext.update("Item Price", priceDoc("AUTH-1")?.name as string, { price_list_rate: 15 });
    await h.host.drain();
    const health = await h.request("GET", "/health");
    // assess: parked as retryable (waiting for the key), and health fails so the alarm fires
    const parked = h.host.dlq("products");
    expect(parked.length).toBeGreaterThan(0);
    expect(parked.every((m) => m.parkedAs === "retryable")).toBe(true);
    expect(health.status).toBe(503);

    // act: the new key works
    h.erpnext.faults.clear();
    await h.host.runJob("dlq-redrive");
    await h.host.drain();
    expect(h.host.dlq("products")).toEqual([]);
    expect(priceOf("AUTH-1")).toBe("15.00");
  });

  test("item codes SQS cannot carry as they are are queued, and never block the catch-up", async () => {
    // prepare: imported without webhooks, an emoji and a noncharacter among ordinary codes
    const codes = ["EMOJI-😀", "NONCHAR-\uFFFF", "PLAIN-AFTER"];
    for (const code of codes) {
      h.erpnext.importDoc("Item", {
        item_code: code,
        item_name: code,
        item_group: "Products",
        stock_uom: "Nos",
      });
      h.erpnext.importDoc("Item Price", {
        item_code: code,
        price_list: "Standard Selling",
        price_list_rate: 3,
        uom: "Nos",
      });
    }
    // act
    const hook = await h.erpnextWebhook({
      doctype: "Item",
      name: "EMOJI-😀",
      modified: "2026-01-01 00:00:00.000000",
    });
    const job = await h.request("POST", "/jobs/product-catchup");
    await h.host.drain();
    // assess: accepted, the job went through, and every code reached a worker with its exact value
    expect(hook.status).toBe(200);
    expect(job.status).toBe(200);
    expect(productsWithSku(h.wix, "PLAIN-AFTER")).toHaveLength(1);
    const log = await h.host
      .context()
      .then((ctx) => ctx.log.since("products", new Date(Date.now() - 60_000)));
    for (const code of codes) expect(log.some((e) => e.key === code)).toBe(true);
  });

  test("an item with such a code that Wix refuses is parked with its reason, not lost", async () => {
    // prepare
    const code = "REFUSED-😀";
    h.wix.rejectedSkus.add(code);
    // act
    createItem(h.erpnext, code, 5);
    await h.host.drain();
    // assess: the worker's own parking (only the refused items) carries the code exactly
    const parked = h.host.dlq("products").filter((m) => JSON.stringify(m.body).includes(code));
    expect(parked.length).toBeGreaterThan(0);
    expect(parked[0]?.body).toMatchObject({ itemCodes: [code] });
    // The reason attribute holds the code \u-escaped (SQS attributes share the body's rules).
    expect(parked[0]?.reason).toMatch(/^REFUSED-\\ud83d\\ude00: INVALID_PRODUCT/);
  });

  test("a failing job shows in /health until it succeeds again", async () => {
    // prepare
    h.erpnext.faults.add({ status: 500, count: 100_000, match: "GET /api/resource/Item\\b" });
    // act
    const failed = await h.request("POST", "/jobs/product-catchup");
    const during = (await h.request("GET", "/health")).body as {
      problems: string[];
      jobs: Record<string, { ok: boolean }>;
    };
    h.erpnext.faults.clear();
    const ok = await h.request("POST", "/jobs/product-catchup");
    const after = (await h.request("GET", "/health")).body as {
      problems: string[];
      jobs: Record<string, { ok: boolean }>;
    };
    // assess
    expect(failed.status).toBe(502);
    expect(during.jobs["product-catchup"]?.ok).toBe(false);
    expect(during.problems.some((p) => p.startsWith("job product-catchup failed"))).toBe(true);
    expect(ok.status).toBe(200);
    expect(after.jobs["product-catchup"]?.ok).toBe(true);
    expect(after.problems.some((p) => p.startsWith("job product-catchup"))).toBe(false);
  });
});
