import { generateKeyPairSync } from "node:crypto";
import { describe, expect, test } from "@jest/globals";
import { importPKCS8, SignJWT } from "jose";
import { wixEventQueues } from "#shared/runtime/webhook-routing";
import { verifyWixWebhook } from "#shared/wix/webhook";

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    pub: publicKey.export({ type: "spki", format: "pem" }).toString(),
    priv: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
};
const app = pair();
const other = pair();

async function token(envelope: unknown, key = app.priv, exp = "5m") {
  return new SignJWT({ data: typeof envelope === "string" ? envelope : JSON.stringify(envelope) })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(await importPKCS8(key, "RS256"));
}
const event = (inner: unknown, eventType = "wix.ecom.v1.order_approved") => ({
  eventType,
  instanceId: "i",
  data: JSON.stringify(inner),
  identity: "{}",
});

describe("Wix webhook JWT", () => {
  test("unwraps the three layers (body object form)", async () => {
    const jwt = await token(
      event({
        id: "evt-1",
        entityId: "order-1",
        entityEventSequence: "7",
        actionEvent: { body: { order: { id: "order-1" } } },
      }),
    );
    expect(await verifyWixWebhook(jwt, [app.pub])).toEqual({
      status: 200,
      orderId: "order-1",
      eventType: "wix.ecom.v1.order_approved",
      eventId: "evt-1",
      sequence: 7,
      eventTime: undefined,
    });
  });

  test("refund events go to the refunds queue; the payment status to orders, billing and refunds (TX index.typings.d.ts)", async () => {
    const tx = (eventType: string, body: unknown) =>
      token(
        event(
          { id: "evt-9", entityFqdn: "wix.ecom.v1.order_transactions", actionEvent: { body } },
          eventType,
        ),
      );
    const completed = await tx("wix.ecom.v1.order_transactions_refund_completed", {
      orderId: "order-3",
      refund: { id: "refund-1" },
    });
    expect(await verifyWixWebhook(completed, [app.pub])).toMatchObject({ status: 200, orderId: "order-3" });
    expect(wixEventQueues("wix.ecom.v1.order_transactions_refund_completed")).toEqual(["refunds"]);
    const details = await tx("wix.ecom.v1.order_transactions_details_updated", {
      orderTransactions: { orderId: "order-4" },
      refundIds: ["refund-2"],
    });
    expect(await verifyWixWebhook(details, [app.pub])).toMatchObject({ status: 200, orderId: "order-4" });
    expect(wixEventQueues("wix.ecom.v1.order_transactions_details_updated")).toEqual(["billing", "refunds"]);
    const status = await token(
      event(
        { id: "evt-10", entityId: "order-5", actionEvent: { body: { order: { id: "order-5" } } } },
        "wix.ecom.v1.order_payment_status_updated",
      ),
    );
    expect(await verifyWixWebhook(status, [app.pub])).toMatchObject({ status: 200, orderId: "order-5" });
    expect(wixEventQueues("wix.ecom.v1.order_payment_status_updated")).toEqual([
      "orders",
      "billing",
      "refunds",
    ]);
  });

  test("accepts the legacy ...AsJson strings and tries every configured key", async () => {
    const jwt = await token(
      event(
        { id: "e", createdEvent: { entityAsJson: JSON.stringify({ id: "order-2" }) } },
        "wix.ecom.v1.order_created",
      ),
    );
    expect(await verifyWixWebhook(jwt, [other.pub, app.pub])).toMatchObject({
      status: 200,
      orderId: "order-2",
    });
  });

  test("forged, expired, malformed and keyless tokens are 401; bad envelopes 400; unknown events ignored", async () => {
    const inner = { id: "e", entityId: "o" };
    expect(await verifyWixWebhook(await token(event(inner), other.priv), [app.pub])).toMatchObject({
      status: 401,
    });
    expect(await verifyWixWebhook(await token(event(inner), app.priv, "-1m"), [app.pub])).toEqual({
      status: 401,
      reason: "token expired",
    });
    expect(await verifyWixWebhook("not-a-jwt", [app.pub])).toMatchObject({ status: 401 });
    expect(await verifyWixWebhook(await token(event(inner)), [])).toMatchObject({ status: 401 });
    expect(await verifyWixWebhook(await token("{oops"), [app.pub])).toMatchObject({ status: 400 });
    expect(
      await verifyWixWebhook(await token({ eventType: "wix.ecom.v1.order_approved", data: "[]" }), [app.pub]),
    ).toMatchObject({ status: 400 });
    expect(
      await verifyWixWebhook(await token(event(inner, "wix.contacts.v4.contact_created")), [app.pub]),
    ).toMatchObject({ status: 200, ignored: expect.any(String) });
  });
});
