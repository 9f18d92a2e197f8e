/**
 * The ERPNext Webhook documents the flows need: ONE list, read by `npm run setup` (which creates
 * them), the sandbox ERPNext's seed (the same code at start) and the README's reference table.
 *
 * Webhook doctype facts (frappe/frappe `integrations/doctype/webhook/webhook.json`, `webhook.py`):
 * one document per (doctype, event); `autoname: "prompt"` so the name travels in the POST body;
 * `webhook_doctype` and `webhook_docevent` are `set_only_once`; `enable_security` signs the body
 * with `webhook_secret` in `X-Frappe-Webhook-Signature`; `on_update_after_submit` never fires
 * (`webhook/__init__.py run_webhooks` lists on_update, after_insert, on_submit, on_cancel,
 * on_trash, and on_change when not inserting), so edits after submit are caught with `on_change`.
 */
import type { ErpnextFeed, WebhookEvent } from "../flows/declaration";
import { FLOW_NAMES, FLOWS } from "../flows/registry";

export type { WebhookEvent };

export interface WebhookNeed
  extends Pick<ErpnextFeed<unknown>, "doctype" | "events" | "echoFilter" | "fields"> {
  /** The flow whose queue the ERPNext webhook router sends this doctype's hints to. */
  flow: string;
}

/** What each flow's declaration asks for (shared/flows/<flow>/flow.ts `erpnext`), in registry order. */
export const ERPNEXT_WEBHOOKS: readonly WebhookNeed[] = FLOW_NAMES.flatMap((flow) =>
  ((FLOWS[flow] as { erpnext?: readonly ErpnextFeed<unknown>[] }).erpnext ?? []).map(
    ({ doctype, events, echoFilter, fields }) => ({ flow, doctype, events, echoFilter, fields }),
  ),
);

/** Every Webhook document made by setup is named with this prefix (stable names: idempotent). */
export const WEBHOOK_NAME_PREFIX = "wix-sync";

export const webhookName = (doctype: string, event: WebhookEvent) =>
  `${WEBHOOK_NAME_PREFIX} ${doctype} ${event}`;

/** The echo condition: a Python expression Frappe evaluates with `doc` (safe_eval). */
export const echoCondition = (apiUser: string) => `doc.modified_by != ${JSON.stringify(apiUser)}`;

/**
 * A thin JSON template (the worker re-reads the document anyway). Values go through Jinja's
 * built-in `tojson` filter so a code with a quote, a tab or an emoji still renders valid JSON
 * (Frappe `json.loads` the rendered template: webhook.py `get_webhook_data`); `modified` is a
 * datetime in Frappe, hence `string` first (json.dumps refuses datetimes).
 */
export function webhookTemplate(need: Pick<WebhookNeed, "fields">): string {
  const parts = [
    `"doctype": {{ doc.doctype | tojson }}`,
    `"name": {{ doc.name | tojson }}`,
    `"modified": {{ doc.modified | string | tojson }}`,
    `"docstatus": {{ doc.docstatus }}`,
    ...need.fields.map((f) => `"${f}": {{ (doc.${f} or '') | tojson }}`),
  ];
  return `{${parts.join(", ")}}`;
}

/** The Webhook document's fields as setup writes them (name included). */
export interface WebhookDoc {
  name: string;
  webhook_doctype: string;
  webhook_docevent: WebhookEvent;
  enabled: 1;
  condition: string;
  request_url: string;
  request_method: "POST";
  request_structure: "JSON";
  timeout: number;
  webhook_json: string;
  webhook_headers: { key: string; value: string }[];
  enable_security: 1;
  webhook_secret: string;
}

/** The documents wanted for this target URL, secret and API user. */
export function wantedWebhooks(target: { url: string; secret: string; apiUser: string }): WebhookDoc[] {
  return ERPNEXT_WEBHOOKS.flatMap((need) =>
    need.events.map(
      (event): WebhookDoc => ({
        name: webhookName(need.doctype, event),
        webhook_doctype: need.doctype,
        webhook_docevent: event,
        enabled: 1,
        condition: need.echoFilter ? echoCondition(target.apiUser) : "",
        request_url: target.url,
        request_method: "POST",
        request_structure: "JSON",
        timeout: 5,
        webhook_json: webhookTemplate(need),
        // Frappe adds no Content-Type of its own over REST-configured webhooks (CONTRACTS 1.1).
        webhook_headers: [{ key: "Content-Type", value: "application/json" }],
        enable_security: 1,
        webhook_secret: target.secret,
      }),
    ),
  );
}
