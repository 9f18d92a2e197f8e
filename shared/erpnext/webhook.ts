import { frappeTimeToIso } from "../frappe-time";
import { describeIssues } from "../validation";
import { frappeWebhookSchema } from "./schemas";
import { verifyFrappeSignature } from "./signature";

export type QueuedWork =
  | { queue: "products"; itemCodes: string[]; priceNames?: string[] }
  | { queue: "inventory"; itemCodes: string[]; ledgerEntries?: string[] }
  | { queue: "shipments"; deliveryNotes: string[] };

export type WebhookVerdict =
  | { status: 401 | 400; reason: string }
  | { status: 200; ignored: string }
  | { status: 200; work: QueuedWork; changedAt?: string };

/**
 * Verifies and routes one ERPNext webhook (frappe/integrations/doctype/webhook/webhook.py):
 * signature over the raw bytes first, then the body. Item and Item Price go to the products
 * queue, Stock Ledger Entry to inventory, Delivery Note to shipments; other doctypes are
 * acknowledged and ignored so ERPNext does not retry them.
 */
export function routeFrappeWebhook(
  rawBody: Buffer,
  signature: string | undefined,
  secret: string,
): WebhookVerdict {
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
  const doc = parsed.data;
  const changedAt = frappeTimeToIso(doc.modified);
  switch (doc.doctype) {
    case "Item": {
      const codes = [doc.name];
      // A variant's change also changes its template's product.
      if (typeof doc.variant_of === "string" && doc.variant_of) codes.push(doc.variant_of);
      return { status: 200, work: { queue: "products", itemCodes: codes }, changedAt };
    }
    // A thin body names the document only; the worker then reads it to find the item.
    case "Item Price": {
      const work = doc.item_code ? { itemCodes: [doc.item_code] } : { itemCodes: [], priceNames: [doc.name] };
      return { status: 200, work: { queue: "products", ...work }, changedAt };
    }
    case "Stock Ledger Entry": {
      const work = doc.item_code
        ? { itemCodes: [doc.item_code] }
        : { itemCodes: [], ledgerEntries: [doc.name] };
      return { status: 200, work: { queue: "inventory", ...work }, changedAt };
    }
    // Thin body (on_submit, on_cancel, on_change): the worker reads the note. A Webhook set to
    // on_update_after_submit never fires (run_webhooks, frappe/integrations/doctype/webhook/__init__.py).
    case "Delivery Note":
      return { status: 200, work: { queue: "shipments", deliveryNotes: [doc.name] }, changedAt };
    default:
      return { status: 200, ignored: `doctype ${doc.doctype} is not synced` };
  }
}
