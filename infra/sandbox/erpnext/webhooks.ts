import { frappeJson, signFrappeBody } from "#shared/erpnext/signature";
import { type BeforeDelivery, deliverWebhook, Outbox } from "../kit";
import type { Doc } from "./doctype";
import { evalCondition, renderTemplate } from "./webhook-doctype";

/**
 * The Webhook documents at work (frappe/integrations/doctype/webhook/__init__.py `run_webhooks`,
 * webhook.py `enqueue_webhook`): after a change, every enabled Webhook of the document's doctype
 * whose event ran and whose condition holds sends once, from a background job, to its URL: the
 * rendered JSON template re-serialized by `json.dumps` (v14/v15 byte format), its header rows,
 * and, with security on, `X-Frappe-Webhook-Signature`. Three quick tries, then given up silently
 * (the catch-up job must cover it).
 */
export class ErpnextWebhooks {
  /** Every delivery attempt. */
  readonly log: { doctype: string; name: string; status: number | string }[] = [];
  private readonly outbox = new Outbox();
  beforeDelivery?: BeforeDelivery;
  /** Sends every webhook here instead of its `request_url` (tests that catch them). */
  private target?: string;

  fire(doc: Doc, events: string[], hooks: Doc[]): void {
    for (const hook of hooks) {
      if (!Number(hook.enabled ?? 1) || hook.webhook_doctype !== doc.doctype) continue;
      if (!events.includes(String(hook.webhook_docevent))) continue;
      if (hook.condition && !evalCondition(String(hook.condition), doc)) continue;
      let body: string;
      try {
        const rendered = hook.webhook_json ? renderTemplate(String(hook.webhook_json), doc) : "{}";
        body = frappeJson(JSON.parse(rendered));
      } catch (error) {
        // Frappe logs the failure in the Error Log and sends nothing.
        this.log.push({
          doctype: doc.doctype,
          name: doc.name,
          status: `template: ${(error as Error).message}`,
        });
        continue;
      }
      const headers: Record<string, string> = {};
      for (const row of (hook.webhook_headers as { key?: string; value?: string }[] | undefined) ?? [])
        if (row.key && row.value) headers[row.key] = row.value;
      if (Number(hook.enable_security) && hook.webhook_secret)
        headers["X-Frappe-Webhook-Signature"] = signFrappeBody(String(hook.webhook_secret), body);
      const url = this.target ?? String(hook.request_url);
      this.outbox.send(() => {
        this.beforeDelivery?.();
        return deliverWebhook(url, { headers, body }, (status) =>
          this.log.push({ doctype: doc.doctype, name: doc.name, status }),
        );
      });
    }
  }

  /** Resolves when every webhook sent so far has been delivered or given up. */
  settled(): Promise<void> {
    return this.outbox.settled();
  }

  setTarget(url: string | undefined): void {
    this.target = url;
  }
}
