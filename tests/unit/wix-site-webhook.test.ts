/**
 * The Wix edge with several sites (verifySiteWebhook, shared/wix/webhook.ts): the event's app
 * instance picks the site, and only that site's keys may have signed it.
 */
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, test } from "@jest/globals";
import { importPKCS8, SignJWT } from "jose";
import { verifySiteWebhook, type WixWebhookSite } from "#shared/wix/webhook";

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    pub: publicKey.export({ type: "spki", format: "pem" }).toString(),
    priv: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
};
const usKey = pair();
const euKey = pair();

/** A signed order event of an app instance (envelope and event as in the ecom orders meta.d.ts). */
async function event(instanceId: string | undefined, key: string, orderId = "order-1") {
  const envelope = {
    eventType: "wix.ecom.v1.order_approved",
    instanceId,
    data: JSON.stringify({ id: `evt-${orderId}`, entityId: orderId, actionEvent: { body: {} } }),
  };
  return new SignJWT({ data: JSON.stringify(envelope) })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(await importPKCS8(key, "RS256"));
}

const sites: WixWebhookSite[] = [
  { site: "us", publicKeys: [usKey.pub], instanceId: "instance-us" },
  { site: "eu", publicKeys: [euKey.pub], instanceId: "instance-eu" },
];

describe("verifySiteWebhook", () => {
  test("the event's instance picks its site", async () => {
    expect(await verifySiteWebhook(await event("instance-us", usKey.priv), sites)).toMatchObject({
      status: 200,
      orderId: "order-1",
      site: "us",
    });
    expect(await verifySiteWebhook(await event("instance-eu", euKey.priv, "order-2"), sites)).toMatchObject({
      status: 200,
      orderId: "order-2",
      site: "eu",
    });
  });

  test("an event signed by one site's key naming another site's instance is refused", async () => {
    const verdict = await verifySiteWebhook(await event("instance-eu", usKey.priv), sites);
    expect(verdict.status).toBe(401);
    expect(verdict).not.toHaveProperty("orderId");
  });

  test("an unknown instance, or none, is refused with 401, whatever key signed it", async () => {
    for (const instance of ["instance-other", undefined]) {
      expect(await verifySiteWebhook(await event(instance, usKey.priv), sites)).toEqual({
        status: 401,
        reason: "event of an unknown app instance",
        metric: "WebhooksForeignInstance",
      });
    }
    expect((await verifySiteWebhook("not a jwt", sites)).status).toBe(401);
  });

  test("one site: its rules as before (no instance id = any instance of its app)", async () => {
    const only: WixWebhookSite[] = [{ site: "default", publicKeys: [usKey.pub] }];
    expect(await verifySiteWebhook(await event("whatever", usKey.priv), only)).toMatchObject({
      status: 200,
      site: "default",
    });
    expect((await verifySiteWebhook(await event("whatever", euKey.priv), only)).status).toBe(401);
    // With its instance id set, another instance is refused, as verifyWixWebhook does.
    const pinned: WixWebhookSite[] = [{ site: "default", publicKeys: [usKey.pub], instanceId: "mine" }];
    expect(await verifySiteWebhook(await event("other", usKey.priv), pinned)).toMatchObject({
      status: 401,
      reason: "event of another app instance",
    });
  });
});
