import { generateKeyPairSync, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { importPKCS8, SignJWT } from "jose";
import { metrics } from "#shared/runtime/logger";
import { type Harness, startHarness } from "./harness";

const APPROVED = "wix.ecom.v1.order_approved";
const INSTANCE = "our-site-instance";
const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

/** An order event as Wix signs it, for any app instance (signed with the configured app key). */
async function wixEvent(instanceId: string, orderId: string): Promise<string> {
  const event = { id: randomUUID(), entityId: orderId, actionEvent: { body: { order: { id: orderId } } } };
  const envelope = { eventType: APPROVED, instanceId, data: JSON.stringify(event), identity: "{}" };
  const key = await importPKCS8(privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "RS256");
  return new SignJWT({ data: JSON.stringify(envelope) })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(key);
}

describe("Wix webhook edge: instances, replays; the health route", () => {
  let h: Harness;
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const counted = jest.spyOn(metrics, "addMetric");
  const count = (name: string) => counted.mock.calls.filter(([metric]) => metric === name).length;
  beforeAll(async () => {
    h = await startHarness({
      POWERTOOLS_LOG_LEVEL: "INFO",
      LOG_FORMAT: "pretty",
      WIX_INSTANCE_ID: INSTANCE,
      WIX_WEBHOOK_PUBLIC_KEY: publicKey.export({ type: "spki", format: "pem" }).toString(),
      HEALTH_CACHE_SECONDS: "30",
    });
    process.stdout.write = ((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
  });
  afterAll(async () => {
    process.stdout.write = write;
    counted.mockRestore();
    await h.host.stop();
  });

  test("a signed event of another app instance is refused (401) and counted; ours is accepted", async () => {
    const order = h.wix.placeOrder({ lines: [{ sku: "INST-1", quantity: 1 }] });
    const before = count("WebhooksForeignInstance");
    const foreign = await h.request("POST", "/webhooks/wix", await wixEvent("another-site", order.id));
    expect(foreign).toEqual({ status: 401, body: { error: "event of another app instance" } });
    expect(count("WebhooksForeignInstance")).toBe(before + 1);
    expect((await h.request("POST", "/webhooks/wix", await wixEvent(INSTANCE, order.id))).status).toBe(200);
    expect(await h.wix.sendEvent(APPROVED, order)).toBe(200); // the sandbox signs for our instance
    await h.host.drain();
  });

  test("replays of one event are logged and counted as replays, not as new orders", async () => {
    h.erpnext.insert("Item", {
      item_code: "REPLAY-1",
      item_name: "Replay",
      item_group: "Products",
      stock_uom: "Nos",
    });
    const order = h.wix.placeOrder({
      lines: [{ sku: "REPLAY-1", quantity: 1 }],
      buyer: { email: "r@example.com" },
    });
    const token = await h.wix.signEvent(APPROVED, order, { eventId: `evt-${order.id}` });
    const createdBefore = count("orders_created");
    for (let i = 0; i < 5; i++) {
      expect((await h.request("POST", "/webhooks/wix", token)).status).toBe(200);
      await h.host.drain();
    }
    const lines = printed
      .join("")
      .split("\n")
      .filter((l) => l.includes(order.id));
    expect(lines.filter((l) => l.includes(`order created: ${order.id}`))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(`order event replayed: ${order.id}`))).toHaveLength(4);
    expect(count("orders_created") - createdBefore).toBe(1);
    expect(count("orders_replayed")).toBe(4);
  });

  test("/health serves a cached report: a burst of GETs costs one probe of ERPNext and Wix", async () => {
    const first = await h.request("GET", "/health");
    expect(first.status).toBe(200);
    const wixProbes = () => h.wix.callLog.filter((c) => c.includes("/provision/version")).length;
    const [wixBefore, erpBefore] = [wixProbes(), h.erpnext.calls.reads];
    const burst = await Promise.all([1, 2, 3, 4, 5].map(() => h.request("GET", "/health")));
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(burst.map((r) => (r.body as { checkedAt: string }).checkedAt)).toEqual(
      Array(5).fill((first.body as { checkedAt: string }).checkedAt),
    );
    expect(wixProbes()).toBe(wixBefore);
    expect(h.erpnext.calls.reads).toBe(erpBefore);
  });
});
