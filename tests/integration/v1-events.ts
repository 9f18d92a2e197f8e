/**
 * Catalog V1 events as Wix sends them, for the edge tests: a MessageEnvelope whose `data` is the
 * event body itself, no DomainEvent (`ProductDeletedEnvelope {data: ProductDeleted, metadata}`,
 * @wix/auto_sdk_stores_products index.typings.d.ts), signed with a sandbox Wix's app key.
 */
import { importPKCS8, SignJWT } from "jose";
import type { WixSandbox } from "#infra/sandbox/wix/index";
import type { Harness } from "./harness";

/** A V1 event as a sandbox Wix signs it: no DomainEvent, the body is the envelope's data. */
export async function signV1(
  wix: WixSandbox,
  instanceId: string | undefined,
  eventType: string,
  body: object,
) {
  const envelope = { eventType, instanceId, data: JSON.stringify(body), identity: "{}" };
  return new SignJWT({ data: JSON.stringify(envelope) })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(await importPKCS8(wix.snapshot().keys.privateKeyPem, "RS256"));
}

/** Posts a signed Wix event to the host's Wix edge, as Wix does (text/plain). */
export const postTo = (harness: Harness, token: string) =>
  harness.request("POST", "/webhooks/wix", token, { "content-type": "text/plain" });
