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

export type WebhookEvent =
  | "after_insert"
  | "on_update"
  | "on_submit"
  | "on_cancel"
  | "on_trash"
  | "on_change";

export interface WebhookNeed {
  /** The flow whose queue the ERPNext webhook router sends this doctype's hints to. */
  flow: string;
  doctype: string;
  /**
   * `on_update` also fires on insert (frappe/model/document.py: `insert` runs `check_if_latest`,
   * which sets `_action = "save"`, then `run_post_save_methods` runs on_update), so an
   * `after_insert` hook would only send every new document twice.
   */
  events: WebhookEvent[];
  /** Skip the integration user's own writes (status fields, documents it makes). */
  echoFilter: boolean;
  /** Fields the router reads besides doctype, name, modified and docstatus. */
  fields: string[];
}

export const ERPNEXT_WEBHOOKS: readonly WebhookNeed[] = [
  {
    flow: "products",
    doctype: "Item",
    events: ["on_update", "on_trash"],
    echoFilter: true,
    fields: ["variant_of"],
  },
  {
    flow: "products",
    doctype: "Item Price",
    events: ["on_update", "on_trash"],
    echoFilter: true,
    fields: ["item_code"],
  },
  // Stock moved by the integration's own documents (a Delivery Note it submits) still moves Wix
  // stock: no echo filter here. Stock Ledger Entry is not submittable, so Frappe refuses
  // on_submit/on_cancel Webhooks for it (webhook.py validate_docevent); every entry is inserted
  // already submitted (erpnext/stock/stock_ledger.py make_entry: `sle.submit()` on a new
  // document), which runs on_update (frappe/model/document.py run_post_save_methods), and a
  // cancelled voucher inserts reversing entries the same way (set_as_cancel is plain SQL).
  {
    flow: "inventory",
    doctype: "Stock Ledger Entry",
    events: ["on_update"],
    echoFilter: false,
    fields: ["item_code"],
  },
  // Shipments: a Delivery Note submitted or cancelled in the desk, and tracking edited after
  // submit (on_change: see above).
  {
    flow: "shipments",
    doctype: "Delivery Note",
    events: ["on_submit", "on_cancel", "on_change"],
    echoFilter: true,
    fields: [],
  },
];

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
