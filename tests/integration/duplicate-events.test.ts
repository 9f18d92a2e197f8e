import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createItem, type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  // RETRY_BASE_SECONDS=0: a copy that failed would use its five receives at once and be parked.
  h = await startHarness({ RETRY_BASE_SECONDS: "0" });
  createItem(h.erpnext, "KETTLE", 30);
  h.erpnext.moveBin("KETTLE", "Stores - SC", { actual: 50 });
  await h.host.drain();
});
afterAll(async () => {
  await h.host.stop();
});

const APPROVED = "wix.ecom.v1.order_approved";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("copies of one Wix event that meet each other in flight", () => {
  test("wait for the first copy's result: one Sales Order, nothing parked", async () => {
    const order = h.wix.placeOrder({
      lines: [{ sku: "KETTLE", quantity: 1 }],
      buyer: { email: "k@example.com" },
    });
    const token = await h.wix.signEvent(APPROVED, order, { eventId: "evt-in-flight" });
    // The first copy's Sales Order takes 1.5 s to save; the others arrive while it is in progress.
    h.erpnext.faults.add({ latencyMs: 1500, count: 1, match: "POST /api/resource/Sales Order" });
    const send = () => h.request("POST", "/webhooks/wix", token, { "content-type": "text/plain" });
    expect((await send()).status).toBe(200);
    await sleep(400);
    expect((await Promise.all([send(), send()])).map((a) => a.status)).toEqual([200, 200]);
    await h.host.drain();
    h.erpnext.faults.clear();
    const salesOrders = [...(h.erpnext.docs.get("Sales Order")?.values() ?? [])].filter(
      (so) => so.po_no === order.number,
    );
    expect(salesOrders).toHaveLength(1);
    expect(h.host.dlq("orders")).toEqual([]);
  });
});
