import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createItem, type Harness, startHarness } from "./harness";

/** A store that books unpaid (PENDING) orders too, and relies on the poll when webhooks are lost. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ ORDER_CREATE_ON: "created" });
  createItem(h.erpnext, "POLL-1", 8);
  h.erpnext.moveBin("POLL-1", "Stores - SC", { actual: 50 });
  await h.host.drain();
});
afterAll(async () => {
  await h.host.stop();
});

describe("order poll with ORDER_CREATE_ON=created", () => {
  test("a PENDING order whose webhooks never came is found by the poll and becomes a Sales Order", async () => {
    h.wix.setWebhookTarget(undefined);
    const order = h.wix.placeOrder({
      lines: [{ sku: "POLL-1", quantity: 2 }],
      status: "PENDING",
      buyer: { email: "pending-poll@example.com" },
    });
    h.wix.setWebhookTarget(`${h.host.url}/webhooks/wix`);
    const poll = await h.request("POST", "/jobs/order-poll");
    expect(poll.status).toBe(200);
    await h.host.drain();
    const salesOrders = [...(h.erpnext.docs.get("Sales Order")?.values() ?? [])].filter(
      (so) => so.po_no === order.number,
    );
    expect(salesOrders).toHaveLength(1);
    expect(salesOrders[0]?.grand_total).toBe(16);
  });

  test("a PENDING order whose payment failed (REJECTED) cancels its Sales Order through the poll", async () => {
    const order = h.wix.placeOrder({
      lines: [{ sku: "POLL-1", quantity: 1 }],
      status: "PENDING",
      buyer: { email: "rejected-poll@example.com" },
    });
    await h.wix.webhooksSettled();
    await h.request("POST", "/jobs/order-poll");
    await h.host.drain();
    const salesOrder = () =>
      [...(h.erpnext.docs.get("Sales Order")?.values() ?? [])].find((so) => so.po_no === order.number);
    expect(salesOrder()?.docstatus).toBe(1);
    h.wix.setWebhookTarget(undefined);
    h.wix.changeOrder(order.id, { status: "REJECTED" });
    h.wix.setWebhookTarget(`${h.host.url}/webhooks/wix`);
    await h.request("POST", "/jobs/order-poll");
    await h.host.drain();
    expect(salesOrder()?.docstatus).toBe(2);
  });
});
