import { frappeTimeToIso } from "../frappe-time";
import type * as z from "../validation";
import { describeIssues } from "../validation";
import { frappeWebhookSchema } from "./schemas";
import { verifyFrappeSignature } from "./signature";

/** A verified webhook body: refused, or the document it names. */
export type FrappeWebhookVerdict =
  | { status: 401 | 400; reason: string }
  | { status: 200; doc: FrappeWebhookDocument; changedAt?: string };

export type FrappeWebhookDocument = z.infer<typeof frappeWebhookSchema>;

/**
 * Verifies and reads one ERPNext webhook (frappe/integrations/doctype/webhook/webhook.py):
 * signature over the raw bytes first, then the body. Which flow it feeds is the router's
 * (shared/runtime/webhook-routing.ts), from the flows' declarations.
 */
export function readFrappeWebhook(
  rawBody: Buffer,
  signature: string | undefined,
  secret: string,
): FrappeWebhookVerdict {
  if (!verifyFrappeSignature(secret, rawBody, signature)) {
    return {
      status: 401,
      reason: signature ? "signature does not match" : "missing X-Frappe-Webhook-Signature",
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return { status: 400, reason: "body is not JSON" };
  }
  const parsed = frappeWebhookSchema.safeParse(json);
  if (!parsed.success) {
    return {
      status: 400,
      reason: describeIssues(parsed.error.issues),
    };
  }
  return { status: 200, doc: parsed.data, changedAt: frappeTimeToIso(parsed.data.modified) };
}
