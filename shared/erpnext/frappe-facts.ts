/**
 * The ERPNext facts the project relies on, each with the file of frappe/frappe (FR) or
 * frappe/erpnext (EN) it comes from: which doctypes are submittable, what must be sent, which
 * fields may change after submit, the child tables, the Webhook doctype's rules and
 * frappe.client.bulk_update. ONE table: setup and the contract test read it, and the sandbox
 * ERPNext (infra/sandbox/erpnext) takes its rules from it, so a simulator never drifts from it.
 *
 * Versions: the merchant runs v15 today; v14 and v16 are supported. Where they differ the fact
 * says so (`since`). Only the fields the project touches are listed, but those are checked
 * against the DocType JSONs named in `source`.
 */

export interface DoctypeFacts {
  /** The DocType JSON (FR: frappe/frappe, EN: frappe/erpnext). */
  source: string;
  /** `is_submittable` in the JSON: documents go 0 -> 1 -> 2 (submit, cancel). */
  submittable: boolean;
  /**
   * Fields a request must send: `reqd: 1` in the JSON that the server does not fill in itself
   * (a default, a naming series, the controller's set_missing_values), plus those the
   * controller's validate refuses to do without (noted where so).
   */
  mandatory: string[];
  /** `reqd: 1` fields the server fills when absent (so a request may leave them out). */
  filledByServer?: string[];
  /** The standard fields the project reads or writes (child tables listed in `tables`). */
  fields: string[];
  /** `allow_on_submit: 1`: may change on a submitted document (validate_update_after_submit). */
  allowOnSubmit?: string[];
  /** `no_copy: 1`: the mappers (get_mapped_doc) and duplicates leave them behind. */
  noCopy?: string[];
  /** Table fieldname -> child doctype (`fieldtype: "Table"`, `options`). */
  tables?: Record<string, string>;
  /** Roles the DocType's `permissions` give create/write (what setup checks the API user for). */
  writeRoles?: string[];
  /** Fields that exist only from a version on. */
  since?: Record<string, string>;
}

/** Fields every document and child row has (FR frappe/model/__init__.py default_fields, child_table_fields). */
export const STANDARD_FIELDS = [
  "doctype",
  "name",
  "owner",
  "creation",
  "modified",
  "modified_by",
  "docstatus",
  "idx",
  "parent",
  "parentfield",
  "parenttype",
];

/**
 * Reqd on every selling transaction and filled by set_missing_values from the customer, the
 * company and the price list when absent (EN erpnext/controllers/selling_controller.py).
 */
const PRICE_LIST_FIELDS = [
  "currency",
  "conversion_rate",
  "selling_price_list",
  "price_list_currency",
  "plc_conversion_rate",
];

export const FRAPPE_DOCTYPES: Readonly<Record<string, DoctypeFacts>> = {
  Item: {
    source: "EN erpnext/stock/doctype/item/item.json",
    submittable: false,
    mandatory: ["item_code", "item_group", "stock_uom"],
    fields: ["item_code", "item_name", "item_group", "stock_uom", "description", "disabled", "variant_of"],
    writeRoles: ["Item Manager"],
  },
  "Item Price": {
    source: "EN erpnext/stock/doctype/item_price/item_price.json",
    submittable: false,
    mandatory: ["item_code", "price_list", "price_list_rate"],
    fields: ["item_code", "price_list", "price_list_rate", "uom", "currency"],
  },
  Customer: {
    source: "EN erpnext/selling/doctype/customer/customer.json",
    submittable: false,
    // customer_type is reqd with `default: "Company"` (filled when absent).
    mandatory: ["customer_name", "customer_group", "territory"],
    filledByServer: ["naming_series", "customer_type"],
    // email_id is a Read Only field fetched from customer_primary_contact; on insert
    // create_primary_contact (customer.py after_insert) makes a Contact from it.
    fields: ["customer_name", "customer_type", "customer_group", "territory", "email_id", "mobile_no"],
    noCopy: ["customer_name", "naming_series"],
    writeRoles: ["Sales User", "Sales Master Manager"],
  },
  Address: {
    source: "FR frappe/contacts/doctype/address/address.json",
    submittable: false,
    mandatory: ["address_type", "address_line1", "city", "country"],
    fields: [
      "address_title",
      "address_type",
      "address_line1",
      "address_line2",
      "city",
      "state",
      "country",
      "pincode",
      "email_id",
      "phone",
      "is_primary_address",
      "is_shipping_address",
    ],
    tables: { links: "Dynamic Link" },
    writeRoles: ["Sales User", "Accounts User", "System Manager"],
  },
  "Dynamic Link": {
    source: "FR frappe/core/doctype/dynamic_link/dynamic_link.json",
    submittable: false,
    mandatory: ["link_doctype", "link_name"],
    fields: ["link_doctype", "link_name", "link_title"],
  },
  "Sales Order": {
    source: "EN erpnext/selling/doctype/sales_order/sales_order.json",
    submittable: true,
    mandatory: ["customer", "company", "transaction_date", "items"],
    // naming_series and order_type have defaults; currency, rates and the price list come from
    // set_missing_values (erpnext/controllers/selling_controller.py); status is set by set_status.
    filledByServer: ["naming_series", "order_type", ...PRICE_LIST_FIELDS, "status"],
    fields: [
      "customer",
      "company",
      "transaction_date",
      "delivery_date",
      "po_no",
      "po_date",
      "currency",
      "conversion_rate",
      "customer_address",
      "shipping_address_name",
      "set_warehouse",
      // permlevel 1 in the JSON: kept only for a user with permlevel-1 write (else reset).
      "ignore_pricing_rule",
      "disable_rounded_total",
      "grand_total",
      "rounded_total",
      "advance_paid",
      "status",
      "per_delivered",
      "per_billed",
      "delivery_status",
      "billing_status",
    ],
    allowOnSubmit: [
      "title",
      "delivery_date",
      "po_no",
      "po_date",
      "customer_address",
      "address_display",
      "shipping_address_name",
      "shipping_address",
      "letter_head",
      "select_print_heading",
      "group_same_items",
      "sales_team",
      "from_date",
      "to_date",
    ],
    // disable_rounded_total is NOT no_copy: make_sales_invoice carries it to the invoice.
    noCopy: [
      "naming_series",
      "amended_from",
      "transaction_date",
      "delivery_date",
      "status",
      "per_delivered",
      "per_billed",
      "advance_paid",
      "payment_schedule",
    ],
    tables: { items: "Sales Order Item", taxes: "Sales Taxes and Charges" },
    writeRoles: ["Sales User", "Sales Manager"],
  },
  "Sales Order Item": {
    source: "EN erpnext/selling/doctype/sales_order_item/sales_order_item.json",
    submittable: false,
    // item_name, description, uom and conversion_factor come from the Item (set_missing_item_details).
    mandatory: ["item_code", "qty"],
    filledByServer: ["item_name", "description", "uom", "conversion_factor"],
    fields: [
      "item_code",
      "item_name",
      "description",
      "qty",
      "rate",
      "amount",
      "warehouse",
      "delivery_date",
      "delivered_qty",
      "billed_amt",
    ],
  },
  "Sales Taxes and Charges": {
    source: "EN erpnext/accounts/doctype/sales_taxes_and_charges/sales_taxes_and_charges.json",
    submittable: false,
    mandatory: ["charge_type", "account_head", "description"],
    fields: [
      "charge_type",
      "account_head",
      "description",
      "rate",
      "tax_amount",
      "total",
      "included_in_print_rate",
      "cost_center",
    ],
    allowOnSubmit: ["account_head", "cost_center", "project"],
  },
  "Sales Invoice": {
    source: "EN erpnext/accounts/doctype/sales_invoice/sales_invoice.json",
    submittable: true,
    // customer is not reqd in the JSON but validate refuses an invoice without a party
    // (accounts_controller.py validate_party); debit_to is reqd and filled from the party's
    // receivable when absent (set_missing_values, get_party_account).
    mandatory: ["customer", "company", "items"],
    filledByServer: ["naming_series", "posting_date", "debit_to", ...PRICE_LIST_FIELDS],
    fields: [
      "customer",
      "company",
      "posting_date",
      "set_posting_time",
      "currency",
      "debit_to",
      "is_return",
      "return_against",
      "update_outstanding_for_self",
      "customer_address",
      "shipping_address_name",
      "po_no",
      "po_date",
      "ignore_pricing_rule",
      "disable_rounded_total",
      "allocate_advances_automatically",
      "net_total",
      "total_taxes_and_charges",
      "grand_total",
      "base_grand_total",
      "rounded_total",
      "outstanding_amount",
      "total_advance",
      "status",
      "remarks",
    ],
    allowOnSubmit: ["title", "po_no", "po_date"],
    noCopy: [
      "naming_series",
      "posting_date",
      "posting_time",
      "due_date",
      "amended_from",
      "is_return",
      "return_against",
      "po_no",
    ],
    tables: { items: "Sales Invoice Item", taxes: "Sales Taxes and Charges" },
    // v15.x added update_outstanding_for_self (a credit note books against itself, not the
    // invoice it returns); on v14 Frappe ignores the unknown key and books it against the invoice.
    since: { update_outstanding_for_self: "v15" },
    writeRoles: ["Accounts User", "Accounts Manager"],
  },
  "Sales Invoice Item": {
    source: "EN erpnext/accounts/doctype/sales_invoice_item/sales_invoice_item.json",
    submittable: false,
    // item_code and qty are not reqd here (a row may be a free-text line); the rest of the reqd
    // fields come from the Item and the company (set_missing_item_details, set_missing_values).
    mandatory: ["rate"],
    filledByServer: [
      "item_name",
      "uom",
      "conversion_factor",
      "amount",
      "base_rate",
      "base_amount",
      "income_account",
      "cost_center",
    ],
    fields: [
      "item_code",
      "item_name",
      "description",
      "qty",
      "rate",
      "amount",
      "warehouse",
      "sales_order",
      "so_detail",
      "sales_invoice_item",
      "delivery_note",
      "dn_detail",
    ],
    noCopy: ["sales_order", "so_detail", "delivery_note", "dn_detail"],
    since: { sales_invoice_item: "v14" },
  },
  "Delivery Note": {
    source: "EN erpnext/stock/doctype/delivery_note/delivery_note.json",
    submittable: true,
    mandatory: ["customer", "company", "items"],
    filledByServer: ["naming_series", "posting_date", "posting_time", ...PRICE_LIST_FIELDS],
    fields: [
      "customer",
      "company",
      "posting_date",
      "currency",
      "conversion_rate",
      "is_return",
      "return_against",
      "customer_address",
      "shipping_address_name",
      "set_warehouse",
      "po_no",
      "po_date",
      "ignore_pricing_rule",
      "net_total",
      "grand_total",
      "lr_no",
      "transporter_name",
      "status",
      "per_billed",
      "remarks",
    ],
    // The wix_* tracking fields are Custom Fields with allow_on_submit (shared/setup/custom-fields.ts).
    allowOnSubmit: ["title", "po_no"],
    noCopy: ["naming_series", "posting_date", "amended_from", "is_return", "return_against", "po_no"],
    tables: { items: "Delivery Note Item", taxes: "Sales Taxes and Charges" },
    writeRoles: ["Stock User", "Stock Manager"],
  },
  "Delivery Note Item": {
    source: "EN erpnext/stock/doctype/delivery_note_item/delivery_note_item.json",
    submittable: false,
    mandatory: ["item_code", "qty"],
    filledByServer: ["item_name", "description", "stock_uom", "uom", "conversion_factor"],
    fields: [
      "item_code",
      "item_name",
      "description",
      "qty",
      "rate",
      "amount",
      "warehouse",
      "against_sales_order",
      "so_detail",
      "dn_detail",
    ],
  },
  "Payment Entry": {
    source: "EN erpnext/accounts/doctype/payment_entry/payment_entry.json",
    submittable: true,
    // paid_from/paid_to are reqd; the party's side is found from the party when absent
    // (payment_entry.py set_missing_values), the bank side we always name. validate_reference_no
    // refuses a Bank payment without reference_no and reference_date.
    mandatory: ["payment_type", "party_type", "party", "paid_amount", "received_amount", "paid_to"],
    filledByServer: [
      "naming_series",
      "posting_date",
      "paid_from_account_currency",
      "paid_to_account_currency",
      "source_exchange_rate",
      "target_exchange_rate",
    ],
    fields: [
      "payment_type",
      "company",
      "posting_date",
      "party_type",
      "party",
      "paid_from",
      "paid_to",
      "paid_amount",
      "received_amount",
      "reference_no",
      "reference_date",
      "remarks",
      "mode_of_payment",
    ],
    tables: { references: "Payment Entry Reference" },
    writeRoles: ["Accounts User", "Accounts Manager"],
  },
  "Payment Entry Reference": {
    source: "EN erpnext/accounts/doctype/payment_entry_reference/payment_entry_reference.json",
    submittable: false,
    mandatory: ["reference_doctype", "reference_name"],
    fields: ["reference_doctype", "reference_name", "allocated_amount", "total_amount", "outstanding_amount"],
  },
  "Stock Entry": {
    source: "EN erpnext/stock/doctype/stock_entry/stock_entry.json",
    submittable: true,
    mandatory: ["items"],
    fields: ["stock_entry_type", "purpose", "company", "posting_date"],
  },
  "Stock Ledger Entry": {
    // Not submittable (no is_submittable), yet written with docstatus 1: stock_ledger.py
    // make_entry runs `sle.submit()` on a new document, which inserts it (FR model/document.py).
    source: "EN erpnext/stock/doctype/stock_ledger_entry/stock_ledger_entry.json",
    submittable: false,
    mandatory: ["item_code", "warehouse"],
    fields: [
      "item_code",
      "warehouse",
      "actual_qty",
      "qty_after_transaction",
      "voucher_type",
      "voucher_no",
      "is_cancelled",
    ],
  },
  Bin: {
    source: "EN erpnext/stock/doctype/bin/bin.json",
    submittable: false,
    mandatory: ["item_code", "warehouse"],
    fields: ["item_code", "warehouse", "actual_qty", "reserved_qty", "projected_qty"],
  },
  Webhook: {
    source: "FR frappe/integrations/doctype/webhook/webhook.json",
    submittable: false,
    // request_method and timeout are reqd with defaults (POST, 5).
    mandatory: ["webhook_doctype", "request_url"],
    filledByServer: ["request_method", "timeout"],
    fields: [
      "webhook_doctype",
      "webhook_docevent",
      "enabled",
      "condition",
      "request_url",
      "request_method",
      "request_structure",
      "timeout",
      "webhook_json",
      "enable_security",
      "webhook_secret",
    ],
    tables: { webhook_headers: "Webhook Header", webhook_data: "Webhook Data" },
    writeRoles: ["System Manager"],
  },
  "Webhook Header": {
    source: "FR frappe/integrations/doctype/webhook_header/webhook_header.json",
    submittable: false,
    mandatory: [],
    fields: ["key", "value"],
  },
  "Webhook Data": {
    source: "FR frappe/integrations/doctype/webhook_data/webhook_data.json",
    submittable: false,
    mandatory: ["fieldname", "key"],
    fields: ["fieldname", "key"],
  },
  "Custom Field": {
    source: "FR frappe/custom/doctype/custom_field/custom_field.json",
    submittable: false,
    mandatory: ["dt", "fieldtype"],
    // label is reqd in the JSON, but a fieldname given without one is accepted by set_fieldname.
    fields: [
      "dt",
      "fieldname",
      "label",
      "fieldtype",
      "options",
      "insert_after",
      "read_only",
      "allow_on_submit",
      "no_copy",
      "in_standard_filter",
      "in_list_view",
    ],
    writeRoles: ["System Manager", "Administrator"],
  },
};

/** The facts of a doctype, or undefined for one this table does not know. */
export const frappeDoctype = (doctype: string): DoctypeFacts | undefined => FRAPPE_DOCTYPES[doctype];

export const isSubmittable = (doctype: string): boolean => Boolean(FRAPPE_DOCTYPES[doctype]?.submittable);

/** What a request must send (the sandbox refuses a document without them: MandatoryError). */
export const mandatoryOf = (doctype: string): string[] => [...(FRAPPE_DOCTYPES[doctype]?.mandatory ?? [])];

/** The fields the table knows on a doctype: standard, listed, mandatory or filled by the server. */
export function knownFieldsOf(doctype: string): Set<string> {
  const facts = FRAPPE_DOCTYPES[doctype];
  return new Set([
    ...STANDARD_FIELDS,
    ...(facts?.fields ?? []),
    ...(facts?.mandatory ?? []),
    ...(facts?.filledByServer ?? []),
    ...Object.keys(facts?.tables ?? {}),
  ]);
}

export const allowOnSubmitOf = (doctype: string): string[] => [
  ...(FRAPPE_DOCTYPES[doctype]?.allowOnSubmit ?? []),
];

/**
 * The Webhook doctype (FR frappe/integrations/doctype/webhook/webhook.json, webhook.py,
 * __init__.py): the Doc Event options; validate_docevent refuses the submit-only ones on a
 * doctype that is not submittable, with this message.
 */
export const WEBHOOK_FACTS = {
  docEvents: [
    "after_insert",
    "on_update",
    "on_submit",
    "on_cancel",
    "on_trash",
    "on_update_after_submit",
    "on_change",
  ],
  submittableOnly: ["on_submit", "on_cancel", "on_update_after_submit"],
  notSubmittableMessage: "DocType must be Submittable for the selected Doc Event",
  /**
   * The methods run when a document is inserted with docstatus 1 (Document.insert ->
   * run_method("after_insert"), then run_post_save_methods with _action "submit": on_update,
   * on_submit; on_change is not sent to webhooks while inserting, run_webhooks).
   */
  insertedSubmitted: ["after_insert", "on_update", "on_submit"],
} as const;

/** Whether Frappe accepts a Webhook document for this doctype and event (validate_docevent). */
export function webhookEventAccepted(doctype: string, event: string): boolean {
  if (!(WEBHOOK_FACTS.docEvents as readonly string[]).includes(event)) return false;
  return isSubmittable(doctype) || !(WEBHOOK_FACTS.submittableOnly as readonly string[]).includes(event);
}

/**
 * frappe.client.bulk_update (FR frappe/client.py, whitelisted for POST and PUT): `docs` is a JSON
 * string of `{doctype, docname, ...fields}` (`json.loads(docs)`; `flags` dropped); each is loaded,
 * updated and saved on its own; the answer is `{failed_docs: [{doc, exc}]}` with the traceback.
 */
export const BULK_UPDATE = {
  method: "frappe.client.bulk_update",
  argument: "docs",
  answer: "failed_docs",
} as const;

/** Whitelisted methods the project calls (mappers save nothing; reads are not listed). */
export const WHITELISTED_METHODS: Readonly<Record<string, string>> = {
  "erpnext.selling.doctype.sales_order.sales_order.make_delivery_note":
    "EN erpnext/selling/doctype/sales_order/sales_order.py",
  "erpnext.selling.doctype.sales_order.sales_order.make_sales_invoice":
    "EN erpnext/selling/doctype/sales_order/sales_order.py",
  "erpnext.selling.doctype.sales_order.sales_order.close_or_unclose_sales_orders":
    "EN erpnext/selling/doctype/sales_order/sales_order.py",
  "erpnext.accounts.doctype.sales_invoice.sales_invoice.make_sales_return":
    "EN erpnext/accounts/doctype/sales_invoice/sales_invoice.py",
  "erpnext.stock.doctype.delivery_note.delivery_note.make_sales_return":
    "EN erpnext/stock/doctype/delivery_note/delivery_note.py",
  [BULK_UPDATE.method]: "FR frappe/client.py",
};

/** One write to ERPNext over REST, with the stored document's docstatus before it. */
export interface ErpnextWrite {
  kind: "insert" | "update" | "delete" | "bulk_update" | "method";
  /** The doctype, or the method's dotted path for `method`. */
  doctype: string;
  name?: string;
  body: Record<string, unknown>;
  docstatusBefore?: number;
}

/** A field setup adds with a Custom Field (shared/setup/custom-fields.ts). */
export interface CustomFieldFact {
  dt: string;
  fieldname: string;
  allow_on_submit: 0 | 1;
}

/**
 * What Frappe would refuse or silently drop in this write: a doctype or method it does not have,
 * a field the doctype does not have, a mandatory field missing, a docstatus transition Frappe
 * refuses (check_docstatus_transition: 0->0, 0->1, 1->1 allow_on_submit only, 1->2), a delete of a
 * submitted document. Empty when it is one Frappe accepts.
 */
export function checkWrite(write: ErpnextWrite, customFields: readonly CustomFieldFact[]): string[] {
  if (write.kind === "method")
    return WHITELISTED_METHODS[write.doctype]
      ? []
      : [`method ${write.doctype}: not a method the table knows`];
  const facts = FRAPPE_DOCTYPES[write.doctype];
  if (!facts) return [`${write.kind} ${write.doctype}: not a doctype the table knows`];
  const problems: string[] = [];
  const custom = customFields.filter((f) => f.dt === write.doctype);
  const { docstatus, ...fields } = write.body;
  problems.push(
    ...unknownFields(
      write.doctype,
      fields,
      custom.map((f) => f.fieldname),
    ),
  );
  const next = docstatus === undefined ? undefined : Number(docstatus);
  const before = write.docstatusBefore;
  if (write.kind === "insert") {
    if (next !== undefined && next !== 0 && next !== 1) problems.push(`insert with docstatus ${next}`);
    if (next === 1 && !facts.submittable) problems.push(`${write.doctype} is not submittable`);
    problems.push(...missingMandatory(write.doctype, write.body));
  } else if (write.kind === "delete") {
    if (before !== 0) problems.push(`delete of a document with docstatus ${before}`);
  } else {
    const to = next ?? before;
    const edited = Object.keys(fields).filter((k) => k !== "modified");
    if (before === 2) problems.push("write to a cancelled document");
    else if (before === 1 && to === 0) problems.push("docstatus 1 -> 0");
    else if (before === 0 && to === 2) problems.push("docstatus 0 -> 2");
    else if (to !== before && !facts.submittable) problems.push(`${write.doctype} is not submittable`);
    else if (before === 1 && to === 2 && edited.length)
      problems.push(`cancel that also writes ${edited.join(", ")}`);
    else if (before === 1 && to === 1) {
      const allowed = new Set([
        ...(facts.allowOnSubmit ?? []),
        ...custom.filter((f) => f.allow_on_submit).map((f) => f.fieldname),
      ]);
      const refused = edited.filter((k) => !allowed.has(k));
      if (refused.length) problems.push(`not allow_on_submit: ${refused.join(", ")}`);
    }
  }
  return problems.map((p) => `${write.kind} ${write.doctype}${write.name ? ` ${write.name}` : ""}: ${p}`);
}

function unknownFields(doctype: string, body: Record<string, unknown>, custom: string[]): string[] {
  const facts = FRAPPE_DOCTYPES[doctype];
  if (!facts) return [`${doctype}: not a doctype the table knows`];
  const known = new Set([
    ...STANDARD_FIELDS,
    ...facts.fields,
    ...(facts.filledByServer ?? []),
    ...facts.mandatory,
    ...custom,
  ]);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const child = facts.tables?.[key];
    if (child) {
      for (const row of Array.isArray(value) ? value : [])
        if (row && typeof row === "object")
          problems.push(...unknownFields(child, row as Record<string, unknown>, []));
    } else if (!known.has(key)) problems.push(`${doctype} has no field ${key}`);
  }
  return problems;
}

function missingMandatory(doctype: string, doc: Record<string, unknown>): string[] {
  const facts = FRAPPE_DOCTYPES[doctype];
  const empty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length);
  const problems = (facts?.mandatory ?? [])
    .filter((f) => empty(doc[f]))
    .map((f) => `${doctype} misses mandatory ${f}`);
  for (const [field, child] of Object.entries(facts?.tables ?? {}))
    for (const row of Array.isArray(doc[field]) ? (doc[field] as Record<string, unknown>[]) : [])
      problems.push(...missingMandatory(child, row));
  return problems;
}
