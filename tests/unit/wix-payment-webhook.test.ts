import { generateKeyPairSync } from "node:crypto";
import { describe, expect, test } from "@jest/globals";
import { importPKCS8, SignJWT } from "jose";
import { wixEventQueues } from "#shared/runtime/webhook-routing";
import { verifyWixWebhook } from "#shared/wix/webhook";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pub = publicKey.export({ type: "spki", format: "pem" }).toString();
const priv = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

async function token(eventType: string, inner: unknown) {
  const envelope = { eventType, instanceId: "i", data: JSON.stringify(inner), identity: "{}" };
  return new SignJWT({ data: JSON.stringify(envelope) })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(await importPKCS8(priv, "RS256"));
}

describe("Wix payment events", () => {
  test("order_transactions_details_updated names its order in the body (PaymentDetailsUpdated) and feeds billing", async () => {
    const jwt = await token("wix.ecom.v1.order_transactions_details_updated", {
      id: "evt-9",
      entityFqdn: "wix.ecom.v1.order_transactions",
      entityId: "something-else",
      actionEvent: { body: { orderTransactions: { orderId: "order-7", payments: [] }, paymentIds: ["p1"] } },
    });
    expect(await verifyWixWebhook(jwt, [pub])).toMatchObject({
      status: 200,
      orderId: "order-7",
      eventId: "evt-9",
      eventType: "wix.ecom.v1.order_transactions_details_updated",
    });
    // Refunds re-read the order's refunds on the same event (a refund is a transaction too).
    expect(wixEventQueues("wix.ecom.v1.order_transactions_details_updated")).toEqual(["billing", "refunds"]);
    // The deprecated twin is still sent: accepted the same way.
    expect(wixEventQueues("wix.ecom.v1.order_transactions_updated")).toEqual(["billing", "refunds"]);
  });

  test("a payment status update feeds orders, billing and refunds; other order events only orders", () => {
    expect(wixEventQueues("wix.ecom.v1.order_payment_status_updated")).toEqual([
      "orders",
      "billing",
      "refunds",
    ]);
    expect(wixEventQueues("wix.ecom.v1.order_approved")).toEqual(["orders"]);
  });

  test("a transactions event without an order id is refused with a reason", async () => {
    const jwt = await token("wix.ecom.v1.order_transactions_details_updated", {
      id: "evt-10",
      actionEvent: { body: { paymentIds: [] } },
    });
    expect(await verifyWixWebhook(jwt, [pub])).toMatchObject({ status: 400 });
  });
});
