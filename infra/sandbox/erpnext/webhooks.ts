import { frappeJson, signFrappeBody } from "../../../shared/erpnext/signature";
import { deliverWebhook, Outbox } from "../kit";
import type { Doc } from "./doctype";

/**
 * The Webhook doctype's requests (frappe/integrations/doctype/webhook/webhook.py): sent after the
 * commit from a background job, the body in Frappe's JSON format and signed with the webhook's
 * secret (`X-Frappe-Webhook-Signature`, the v14/v15 byte format); three quick tries, then given up
 * silently (the catch-up job must cover it).
 */
export class ErpnextWebhooks {
  /** Every delivery attempt. */
  readonly log: { doctype: string; name: string; status: number | string }[] = [];
  private readonly outbox = new Outbox();

  constructor(private readonly options: { webhookUrl?: string; webhookSecret?: string }) {}

  announce(doc: Doc, event: string): void {
    const { webhookUrl, webhookSecret } = this.options;
    if (!webhookUrl || !webhookSecret) return;
    const payload: Record<string, unknown> = {
      doctype: doc.doctype,
      name: doc.name,
      modified: doc.modified,
      docstatus: doc.docstatus,
    };
    if (doc.item_code && doc.doctype !== "Item") payload.item_code = doc.item_code;
    if (doc.variant_of) payload.variant_of = doc.variant_of;
    payload.event = event;
    const body = frappeJson(payload);
    const headers = { "X-Frappe-Webhook-Signature": signFrappeBody(webhookSecret, body) };
    this.outbox.send(() =>
      deliverWebhook(webhookUrl, { headers, body }, (status) =>
        this.log.push({ doctype: doc.doctype, name: doc.name, status }),
      ),
    );
  }

  /** Resolves when every webhook sent so far has been delivered or given up. */
  settled(): Promise<void> {
    return this.outbox.settled();
  }

  setTarget(url: string | undefined): void {
    this.options.webhookUrl = url;
  }
}
