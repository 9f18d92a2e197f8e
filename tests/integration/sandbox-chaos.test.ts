import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { decodeJwt } from "jose";
import { createItem, type Harness, startHarness } from "./harness";

/** The sandbox knobs `npm run chaos` drives over HTTP: fault schedules, late faults, redeliveries. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  createItem(h.erpnext, "CHAOS-1", 10);
  await h.host.drain();
});
afterAll(async () => {
  await h.host.stop();
});

const wixAuth = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };

describe("sandbox faults", () => {
  test("a list of faults is applied in turn, and GET says how many are still to fire", async () => {
    const version = () => h.request("GET", "/sandbox/wix/stores/v3/provision/version", undefined, wixAuth);
    const set = await h.request("POST", "/sandbox/wix/_faults", [
      { count: 1, status: 429, match: "provision" },
      { count: 1, status: 503, match: "provision", after: 1 },
    ]);
    expect(set.status).toBe(200);
    expect((await h.request("GET", "/sandbox/wix/_faults")).body).toEqual({ pending: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await version()).status);
    expect(statuses).toEqual([429, 200, 503, 200]);
    expect((await h.request("GET", "/sandbox/wix/_faults")).body).toEqual({ pending: 0 });
  });

  test("a list with one bad fault sets none of them", async () => {
    const res = await h.request("POST", "/sandbox/erpnext/_faults", [{ count: 1 }, { count: 0 }]);
    expect(res).toEqual({ status: 400, body: { error: expect.stringMatching(/^\[1\]: count/) } });
    expect(h.erpnext.faults.pending).toBe(0);
  });

  test("a late Wix fault keeps the write and loses its answer, as a gateway timeout after the commit", async () => {
    const before = h.wix.orders.size;
    await h.request("POST", "/sandbox/wix/_faults", {
      count: 1,
      status: 504,
      late: true,
      match: "POST /ecom/v1/orders$",
    });
    const res = await h.request(
      "POST",
      "/sandbox/wix/ecom/v1/orders",
      { order: { lineItems: [{ quantity: 1, price: { amount: "5.00" } }] } },
      wixAuth,
    );
    expect(res.status).toBe(504);
    expect(h.wix.orders.size).toBe(before + 1);
  });
});

describe("sandbox checkouts delivered more than once", () => {
  let server: Server;
  const received: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => {
        body += d;
      });
      req.on("end", () => {
        received.push(body);
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    h.wix.setWebhookTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('"copies" delivers each event, signed once, that many times', async () => {
    const res = await h.request("POST", "/sandbox/wix/_orders", {
      lines: [{ sku: "CHAOS-1", quantity: 1 }],
      events: ["wix.ecom.v1.order_created", "wix.ecom.v1.order_approved"],
      copies: 3,
    });
    expect(res.status).toBe(200);
    expect((res.body as { delivered: unknown[] }).delivered).toHaveLength(6);
    const placed = (res.body as { order: { id: string } }).order.id;
    const events = received.flatMap((token) => {
      const envelope = JSON.parse(String(decodeJwt(token).data)) as { eventType: string; data: string };
      const event = JSON.parse(envelope.data) as { id: string; entityId: string };
      return event.entityId === placed ? [`${envelope.eventType} ${event.id}`] : [];
    });
    const counts = [...new Set(events)].map((e) => events.filter((x) => x === e).length);
    expect(counts).toEqual([3, 3]);
    expect(new Set(events.map((e) => e.split(" ")[0])).size).toBe(2);
  });

  test('"copies" out of range is refused with the reason', async () => {
    const res = await h.request("POST", "/sandbox/wix/_orders", {
      lines: [{ sku: "CHAOS-1", quantity: 1 }],
      copies: 0,
    });
    expect(res).toEqual({ status: 400, body: { error: expect.stringContaining("copies") } });
  });
});
