import { describe, expect, test } from "@jest/globals";
import { createItem, startHarness } from "./harness";

describe("a local host started again in the same process", () => {
  test("its webhook edges queue to its own queues, not to the stopped host's", async () => {
    const first = await startHarness();
    // Its edges have queued once (the client is made on the first webhook).
    expect((await first.erpnextWebhook({ doctype: "Item", name: "NONE" })).status).toBe(200);
    await first.host.stop();
    const second = await startHarness();
    try {
      createItem(second.erpnext, "TWICE", 5);
      second.erpnext.moveBin("TWICE", "Stores - SC", { actual: 3 });
      const order = second.wix.placeOrder({ lines: [{ sku: "TWICE", quantity: 1 }] });
      expect(await second.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
      const answer = await second.erpnextWebhook({ doctype: "Item", name: "TWICE" });
      expect(answer.status).toBe(200);
      await second.host.drain();
      const salesOrders = [...(second.erpnext.docs.get("Sales Order")?.values() ?? [])];
      expect(salesOrders.filter((so) => so.po_no === order.number)).toHaveLength(1);
    } finally {
      await second.host.stop();
    }
  });
});
