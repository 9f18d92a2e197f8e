import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createItem, type Harness, startHarness } from "./harness";

/**
 * The chaos run loses Wix webhooks on purpose (`POST /sandbox/wix/_lost-webhooks`), as an app
 * endpoint that is down past Wix's retries loses them: the change is made, its event never arrives.
 */
describe("sandbox Wix: webhooks lost on the way", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    createItem(h.erpnext, "LOST-1", 10);
    h.erpnext.moveBin("LOST-1", "Stores - SC", { actual: 20 });
    await h.host.drain();
  });
  afterAll(() => h.host.stop());
  const wixAuth = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };

  test("the next N matching deliveries are lost, others still arrive; bad input is refused", async () => {
    const order = h.wix.placeOrder({ lines: [{ sku: "LOST-1", quantity: 3 }] });
    const line = order.lineItems[0]?.id;
    const lose = await h.request("POST", "/sandbox/wix/_lost-webhooks", {
      count: 1,
      match: "fulfillments_updated$",
    });
    expect(lose.status).toBe(200);
    expect((await h.request("GET", "/sandbox/wix/_lost-webhooks")).body).toEqual({ pending: 1 });
    const fulfil = () =>
      h.request(
        "POST",
        `/sandbox/wix/ecom/v1/fulfillments/orders/${order.id}/create-fulfillment`,
        { fulfillment: { lineItems: [{ id: line, quantity: 1 }] } },
        wixAuth,
      );
    expect((await fulfil()).status).toBe(200);
    await h.wix.webhooksSettled();
    expect((await fulfil()).status).toBe(200);
    await h.wix.webhooksSettled();
    const fulfilments = h.wix.webhookLog.filter((e) => e.eventType === "wix.ecom.v1.fulfillments_updated");
    expect(fulfilments.map((e) => e.status)).toEqual(["lost", 200]);
    expect((await h.request("GET", "/sandbox/wix/_lost-webhooks")).body).toEqual({ pending: 0 });

    expect((await h.request("POST", "/sandbox/wix/_lost-webhooks", { count: 0, match: "x" })).status).toBe(
      400,
    );
    expect((await h.request("POST", "/sandbox/wix/_lost-webhooks", { count: 1, match: "(" })).status).toBe(
      400,
    );
    await h.request("POST", "/sandbox/wix/_lost-webhooks", { count: 5, match: "order_" });
    expect((await h.request("DELETE", "/sandbox/wix/_lost-webhooks")).status).toBe(200);
    expect((await h.request("GET", "/sandbox/wix/_lost-webhooks")).body).toEqual({ pending: 0 });
  });
});
