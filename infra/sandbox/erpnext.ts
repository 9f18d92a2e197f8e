import { frappeJson, signFrappeBody } from "../../shared/erpnext/signature";
import { ERPNEXT_COUNTRIES } from "./countries";
import { FaultInjector, FrappeClock, Router, type SimRequest, type SimResponse, sleep } from "./kit";

/**
 * A strict, in-memory ERPNext (Frappe REST v1) for the local host and the tests (CONTRACTS 1):
 * token auth, `{data}` envelopes, Frappe error bodies with double-encoded `_server_messages`,
 * 401/403/404/409/417/429 as the real server answers them, default page length 20 and default
 * fields `name`, mandatory and link validation, submit/cancel, the po_no guard, stock Bins that
 * change without webhooks, and real signed webhooks (v14/v15 byte format) after each commit.
 */

type Doc = Record<string, unknown> & { name: string; doctype: string; modified: string; docstatus: number };

interface DoctypeSpec {
  required: string[];
  links?: Record<string, string>;
  naming: (doc: Record<string, unknown>, sim: ErpnextSandbox) => string;
  submittable?: boolean;
}

const series = (prefix: string) => (_doc: Record<string, unknown>, sim: ErpnextSandbox) =>
  sim.nextName(prefix);

const DOCTYPES: Record<string, DoctypeSpec> = {
  Item: {
    required: ["item_code", "item_group", "stock_uom"],
    links: { item_group: "Item Group", brand: "Brand" },
    naming: (d) => String(d.item_code),
  },
  "Item Price": {
    required: ["item_code", "price_list", "price_list_rate"],
    links: { item_code: "Item", price_list: "Price List" },
    naming: series("PRICE-"),
  },
  Customer: {
    required: ["customer_name", "customer_type", "customer_group", "territory"],
    links: { customer_group: "Customer Group", territory: "Territory" },
    naming: (d, sim) => sim.uniqueName("Customer", String(d.customer_name)),
  },
  Address: {
    required: ["address_type", "address_line1", "city", "country"],
    links: { country: "Country" },
    naming: (d, sim) => sim.uniqueName("Address", `${d.address_title ?? d.address_line1}-${d.address_type}`),
  },
  "Sales Order": {
    required: ["customer", "company", "transaction_date", "items"],
    links: {
      customer: "Customer",
      company: "Company",
      set_warehouse: "Warehouse",
      customer_address: "Address",
      shipping_address_name: "Address",
    },
    naming: series("SAL-ORD-"),
    submittable: true,
  },
  "Payment Entry": {
    required: ["payment_type", "party_type", "party", "paid_amount", "received_amount", "paid_to"],
    links: { paid_to: "Account" },
    naming: series("ACC-PAY-"),
    submittable: true,
  },
  "Stock Entry": { required: ["items"], naming: series("MAT-STE-"), submittable: true },
  "Stock Ledger Entry": { required: ["item_code", "warehouse"], naming: series("MAT-SLE-") },
  Bin: { required: ["item_code", "warehouse"], naming: series("BIN-") },
  Country: { required: [], naming: (d) => String(d.country_name ?? d.name) },
  "Item Group": { required: [], naming: (d) => String(d.item_group_name ?? d.name) },
  "Customer Group": { required: [], naming: (d) => String(d.customer_group_name ?? d.name) },
  Territory: { required: [], naming: (d) => String(d.territory_name ?? d.name) },
  Warehouse: { required: [], naming: (d) => String(d.name) },
  Company: { required: [], naming: (d) => String(d.company_name ?? d.name) },
  Account: { required: [], naming: (d) => String(d.name) },
  "Price List": { required: [], naming: (d) => String(d.price_list_name ?? d.name) },
  Brand: { required: [], naming: (d) => String(d.brand ?? d.name) },
};

/** Doctypes whose changes this site's Webhook documents announce (Bin never does). */
const WEBHOOK_DOCTYPES = new Set(["Item", "Item Price", "Stock Ledger Entry"]);

export interface ErpnextSandboxOptions {
  apiKey: string;
  apiSecret: string;
  /** Where webhooks go, and the Webhook doctype's secret. */
  webhookUrl?: string;
  webhookSecret?: string;
}

export interface ErpnextSnapshot {
  docs: Record<string, Doc[]>;
  counters: Record<string, number>;
}

class FrappeError extends Error {
  constructor(
    readonly status: number,
    readonly excType: string,
    message: string,
  ) {
    super(message);
  }
}

export class ErpnextSandbox {
  readonly router = new Router();
  readonly faults = new FaultInjector();
  readonly docs = new Map<string, Map<string, Doc>>();
  readonly webhookLog: { doctype: string; name: string; status: number | string }[] = [];
  /** Requests answered, by "METHOD doctype", for benchmarks. */
  readonly calls = { reads: 0, writes: 0 };
  /**
   * Selling Settings `allow_against_multiple_purchase_orders`: a second order with the same po_no
   * then only warns, as every order did on older releases (validate_po,
   * erpnext/selling/doctype/sales_order/sales_order.py). Our claim and po_no lookup must hold alone.
   */
  allowMultiplePurchaseOrders = false;
  /**
   * A tax row ERPNext adds on its own to every Sales Order, standing for the server-side rules
   * that change a total after we computed it (Accounts Settings `add_taxes_from_item_tax_template`
   * appends rows from Item Tax Templates, erpnext/controllers/accounts_controller.py).
   */
  addedTaxRow?: { account_head: string; tax_amount: number };
  private readonly clock = new FrappeClock();
  private counters = new Map<string, number>();
  private pendingWebhooks: Promise<void>[] = [];

  constructor(private readonly options: ErpnextSandboxOptions) {
    this.routes();
    this.seedMasters();
  }

  // --- HTTP surface --------------------------------------------------------------------------

  async handle(req: SimRequest): Promise<SimResponse> {
    const query = req.query.toString();
    const fault = this.faults.take(req.method, query ? `${req.path}?${query}` : req.path);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.status && !fault.late) return this.faultAnswer(fault.status, fault.body);
    const answer = await this.serve(req);
    // A late fault: the work was done and committed, only the answer is lost.
    return fault?.status ? this.faultAnswer(fault.status, fault.body) : answer;
  }

  private faultAnswer(status: number, body: unknown): SimResponse {
    if (status === 429) return { status: 429, body: "Too Many Requests", headers: { "retry-after": "1" } };
    if (body !== undefined) return { status, body };
    return this.error(new FrappeError(status, "InternalError", "injected fault"));
  }

  private async serve(req: SimRequest): Promise<SimResponse> {
    const matched = this.router.match(req.method, req.path);
    if (!matched) return this.error(new FrappeError(404, "PageDoesNotExistError", `no route ${req.path}`));
    const open = req.path === "/api/method/ping";
    if (!open && !this.authorized(req.headers.authorization)) {
      return this.error(new FrappeError(401, "AuthenticationError", "Invalid authentication credentials"));
    }
    if (req.method === "GET") this.calls.reads++;
    else this.calls.writes++;
    try {
      return await matched.route.fn({ ...req, params: matched.params });
    } catch (error) {
      if (error instanceof FrappeError) return this.error(error);
      return this.error(new FrappeError(500, "InternalError", (error as Error).message));
    }
  }

  private authorized(header: string | undefined): boolean {
    const { apiKey, apiSecret } = this.options;
    if (!header) return false;
    if (header === `token ${apiKey}:${apiSecret}`) return true;
    return header === `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString("base64")}`;
  }

  /** Frappe's error envelope: `_server_messages` is a JSON list of JSON strings. */
  private error(e: FrappeError): SimResponse {
    return {
      status: e.status,
      body: {
        exc_type: e.excType,
        exception: `frappe.exceptions.${e.excType}: ${e.message}`,
        _server_messages: JSON.stringify([JSON.stringify({ message: e.message, indicator: "red" })]),
      },
    };
  }

  private routes(): void {
    const r = this.router;
    for (const prefix of ["/api", "/api/v1"]) {
      r.on("GET", `${prefix}/resource/:doctype`, (req) => ({ status: 200, body: { data: this.list(req) } }));
      r.on("GET", `${prefix}/resource/:doctype/:name`, (req) => ({
        status: 200,
        body: { data: this.get(req.params.doctype as string, req.params.name as string) },
      }));
      r.on("POST", `${prefix}/resource/:doctype`, (req) => ({
        status: 200,
        body: { data: this.insert(req.params.doctype as string, this.bodyObject(req)) },
      }));
      r.on("PUT", `${prefix}/resource/:doctype/:name`, (req) => ({
        status: 200,
        body: {
          data: this.update(req.params.doctype as string, req.params.name as string, this.bodyObject(req)),
        },
      }));
      r.on("DELETE", `${prefix}/resource/:doctype/:name`, (req) => {
        this.remove(req.params.doctype as string, req.params.name as string);
        return { status: 202, body: { data: "ok" } };
      });
      r.on("GET", `${prefix}/method/ping`, () => ({ status: 200, body: { message: "pong" } }));
      r.on("GET", `${prefix}/method/frappe.auth.get_logged_user`, () => ({
        status: 200,
        body: { message: "integration@example.com" },
      }));
      r.on("GET", `${prefix}/method/frappe.client.get_count`, (req) => ({
        status: 200,
        body: {
          message: this.filtered(String(req.query.get("doctype")), parseJson(req.query.get("filters")) ?? [])
            .length,
        },
      }));
    }
  }

  private bodyObject(req: SimRequest): Record<string, unknown> {
    if (!req.body || typeof req.body !== "object" || Array.isArray(req.body)) {
      throw new FrappeError(417, "ValidationError", "request body must be a JSON object");
    }
    return req.body as Record<string, unknown>;
  }

  // --- documents -----------------------------------------------------------------------------

  private table(doctype: string): Map<string, Doc> {
    if (!DOCTYPES[doctype]) throw new FrappeError(404, "DoesNotExistError", `DocType ${doctype} not found`);
    let t = this.docs.get(doctype);
    if (!t) {
      t = new Map();
      this.docs.set(doctype, t);
    }
    return t;
  }

  get(doctype: string, name: string): Doc {
    const doc = this.table(doctype).get(name);
    if (!doc) throw new FrappeError(404, "DoesNotExistError", `${doctype} ${name} not found`);
    return structuredClone(doc);
  }

  nextName(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${String(n).padStart(5, "0")}`;
  }

  uniqueName(doctype: string, base: string): string {
    const t = this.table(doctype);
    if (!t.has(base)) return base;
    for (let i = 1; ; i++) if (!t.has(`${base}-${i}`)) return `${base}-${i}`;
  }

  insert(doctype: string, input: Record<string, unknown>, opts: { silent?: boolean } = {}): Doc {
    // Item.autoname strips the code, and the name is the code (erpnext/stock/doctype/item/item.py).
    if (doctype === "Item" && typeof input.item_code === "string")
      input = { ...input, item_code: input.item_code.trim() };
    const spec = DOCTYPES[doctype];
    const table = this.table(doctype);
    if (!spec) throw new FrappeError(404, "DoesNotExistError", `DocType ${doctype} not found`);
    const missing = spec.required.filter(
      (f) =>
        input[f] === undefined ||
        input[f] === null ||
        input[f] === "" ||
        (Array.isArray(input[f]) && !(input[f] as unknown[]).length),
    );
    if (missing.length) {
      throw new FrappeError(417, "MandatoryError", `[${doctype}]: ${missing.join(", ")}`);
    }
    this.checkLinks(spec, input);
    const name = input.name && doctype !== "Sales Order" ? String(input.name) : spec.naming(input, this);
    if (table.has(name))
      throw new FrappeError(409, "DuplicateEntryError", `${doctype} ${name} already exists`);
    const wantSubmit = Number(input.docstatus ?? 0) === 1;
    if (wantSubmit && !spec.submittable)
      throw new FrappeError(417, "ValidationError", `${doctype} is not submittable`);
    const doc = {
      ...structuredClone(input),
      doctype,
      name,
      owner: "integration@example.com",
      creation: this.clock.now(),
      modified: this.clock.now(),
      modified_by: "integration@example.com",
      docstatus: 0,
    } as Doc;
    this.validate(doc);
    table.set(name, doc);
    if (wantSubmit) this.submit(doc);
    if (!opts.silent) this.announce(doc);
    return structuredClone(doc);
  }

  update(doctype: string, name: string, patch: Record<string, unknown>): Doc {
    const current = this.table(doctype).get(name);
    if (!current) throw new FrappeError(404, "DoesNotExistError", `${doctype} ${name} not found`);
    const nextStatus = patch.docstatus === undefined ? current.docstatus : Number(patch.docstatus);
    if (current.docstatus === 2)
      throw new FrappeError(417, "ValidationError", `Cannot edit cancelled ${doctype} ${name}`);
    if (current.docstatus === 1) {
      const other = Object.keys(patch).filter((k) => k !== "docstatus");
      if (nextStatus !== 2 || other.length) {
        throw new FrappeError(
          417,
          "UpdateAfterSubmitError",
          `Not allowed to change ${other.join(", ") || "docstatus"} after submission`,
        );
      }
      this.cancel(current);
      this.announce(current);
      return structuredClone(current);
    }
    if (nextStatus === 2) throw new FrappeError(417, "ValidationError", "Cannot cancel before submitting");
    if (patch.modified && patch.modified !== current.modified) {
      throw new FrappeError(
        417,
        "TimestampMismatchError",
        "Document has been modified after you have opened it",
      );
    }
    const spec = DOCTYPES[doctype] as DoctypeSpec;
    this.checkLinks(spec, patch);
    const { docstatus: _d, name: _n, doctype: _t, ...fields } = patch;
    Object.assign(current, structuredClone(fields), { modified: this.clock.now() });
    this.validate(current);
    if (nextStatus === 1) this.submit(current);
    this.announce(current);
    return structuredClone(current);
  }

  remove(doctype: string, name: string): void {
    const doc = this.table(doctype).get(name);
    if (!doc) throw new FrappeError(404, "DoesNotExistError", `${doctype} ${name} not found`);
    if (doc.docstatus === 1)
      throw new FrappeError(417, "ValidationError", "Submitted documents cannot be deleted");
    this.table(doctype).delete(name);
    this.announce(doc, "on_trash");
  }

  private checkLinks(spec: DoctypeSpec, doc: Record<string, unknown>): void {
    for (const [field, target] of Object.entries(spec.links ?? {})) {
      const value = doc[field];
      if (value && !this.table(target).has(String(value))) {
        throw new FrappeError(417, "LinkValidationError", `Could not find ${target}: ${value}`);
      }
    }
  }

  // --- doctype behaviour ---------------------------------------------------------------------

  private validate(doc: Doc): void {
    if (doc.doctype === "Sales Order") this.validateSalesOrder(doc);
    if (doc.doctype === "Payment Entry") this.validatePayment(doc);
    if (doc.doctype === "Address") {
      for (const link of (doc.links as { link_doctype: string; link_name: string }[] | undefined) ?? []) {
        if (!this.table(link.link_doctype).has(link.link_name)) {
          throw new FrappeError(
            417,
            "LinkValidationError",
            `Could not find ${link.link_doctype}: ${link.link_name}`,
          );
        }
      }
    }
  }

  private validateSalesOrder(doc: Doc): void {
    const items = doc.items as Record<string, unknown>[];
    const txDate = String(doc.transaction_date);
    let net = 0;
    items.forEach((row, i) => {
      if (!row.item_code || !this.table("Item").has(String(row.item_code))) {
        throw new FrappeError(
          417,
          "LinkValidationError",
          `Row ${i + 1}: Could not find Item: ${row.item_code}`,
        );
      }
      const item = this.table("Item").get(String(row.item_code)) as Doc;
      if (item.has_variants)
        throw new FrappeError(417, "ValidationError", `Row ${i + 1}: ${row.item_code} is a template`);
      const qty = Number(row.qty);
      if (!(qty > 0))
        throw new FrappeError(417, "ValidationError", `Row ${i + 1}: Quantity must be greater than 0`);
      const delivery = String(row.delivery_date ?? doc.delivery_date ?? "");
      if (!delivery) throw new FrappeError(417, "MandatoryError", `Row ${i + 1}: Delivery Date is mandatory`);
      if (delivery < txDate)
        throw new FrappeError(
          417,
          "ValidationError",
          `Row ${i + 1}: Delivery Date cannot be before the order date`,
        );
      const warehouse = row.warehouse ?? doc.set_warehouse;
      if (item.is_stock_item !== 0 && !warehouse) {
        throw new FrappeError(
          417,
          "MandatoryError",
          `Row ${i + 1}: Warehouse is mandatory for stock item ${row.item_code}`,
        );
      }
      if (warehouse && !this.table("Warehouse").has(String(warehouse))) {
        throw new FrappeError(417, "LinkValidationError", `Could not find Warehouse: ${warehouse}`);
      }
      row.rate = round2(Number(row.rate ?? 0));
      row.amount = round2(qty * Number(row.rate));
      row.idx = i + 1;
      net = round2(net + (row.amount as number));
    });
    if (this.addedTaxRow && doc.doctype === "Sales Order" && doc.docstatus !== 1) {
      const rows = (doc.taxes as Record<string, unknown>[] | undefined) ?? [];
      if (!rows.some((r) => r.account_head === this.addedTaxRow?.account_head))
        doc.taxes = [
          ...rows,
          { charge_type: "Actual", description: "Item Tax Template", ...this.addedTaxRow },
        ];
    }
    let taxes = 0;
    for (const [i, tax] of ((doc.taxes as Record<string, unknown>[] | undefined) ?? []).entries()) {
      if (tax.charge_type !== "Actual")
        throw new FrappeError(417, "ValidationError", "Only Actual tax rows are supported here");
      if (!tax.account_head || !this.table("Account").has(String(tax.account_head))) {
        throw new FrappeError(
          417,
          "LinkValidationError",
          `Tax row ${i + 1}: Could not find Account: ${tax.account_head}`,
        );
      }
      tax.tax_amount = round2(Number(tax.tax_amount ?? 0));
      taxes = round2(taxes + (tax.tax_amount as number));
      tax.total = round2(net + taxes);
    }
    const discount = round2(Number(doc.discount_amount ?? 0));
    doc.net_total = net;
    doc.total_taxes_and_charges = taxes;
    doc.grand_total = round2(net + taxes - discount);
    // With rounding disabled, rounded_total is 0, not the grand total (set_rounded_total in
    // erpnext/controllers/taxes_and_totals.py): compare grand_total.
    doc.rounded_total = doc.disable_rounded_total ? 0 : Math.round(doc.grand_total as number);
    doc.base_rounded_total = doc.rounded_total;
    doc.per_delivered ??= 0;
    doc.per_billed ??= 0;
    doc.status ??= "Draft";
    const company = this.table("Company").get(String(doc.company));
    doc.currency ??= company?.default_currency ?? "USD";
    // Another currency needs an exchange rate; this site has no Currency Exchange records, so
    // ERPNext's validate_conversion_rate (erpnext/controllers/accounts_controller.py) refuses it.
    if (doc.currency !== company?.default_currency && !(Number(doc.conversion_rate) > 0))
      throw new FrappeError(
        417,
        "ValidationError",
        `Exchange Rate is mandatory. Maybe Currency Exchange record is not created for ${doc.currency} to ${company?.default_currency}.`,
      );
    if (doc.po_no && doc.docstatus === 0 && !this.allowMultiplePurchaseOrders) {
      for (const other of this.table("Sales Order").values()) {
        if (
          other.name !== doc.name &&
          other.docstatus !== 2 &&
          other.customer === doc.customer &&
          other.po_no === doc.po_no
        ) {
          throw new FrappeError(
            417,
            "ValidationError",
            `Sales Order ${other.name} already exists against Customer's Purchase Order ${doc.po_no}`,
          );
        }
      }
    }
  }

  /**
   * Payment Entry rules of erpnext/accounts/doctype/payment_entry/payment_entry.py:
   * validate_bank_accounts (a Receive goes to a Bank or Cash account, a Pay comes from one) and
   * validate_allocated_amount (no row allocates more than its reference's outstanding amount:
   * for a Sales Order, `rounded_total or grand_total` less `advance_paid`).
   */
  private validatePayment(doc: Doc): void {
    const bankOrCash = (field: "paid_to" | "paid_from") => {
      const type = this.table("Account").get(String(doc[field]))?.account_type;
      if (type !== "Bank" && type !== "Cash")
        throw new FrappeError(417, "ValidationError", `Account Type for ${doc[field]} must be Bank or Cash`);
    };
    if (doc.payment_type === "Receive" || doc.payment_type === "Internal Transfer") bankOrCash("paid_to");
    if (doc.payment_type === "Pay" || doc.payment_type === "Internal Transfer") bankOrCash("paid_from");
    for (const [i, ref] of ((doc.references as Record<string, unknown>[] | undefined) ?? []).entries()) {
      const target = this.table(String(ref.reference_doctype)).get(String(ref.reference_name));
      if (!target)
        throw new FrappeError(
          417,
          "LinkValidationError",
          `Could not find ${ref.reference_doctype}: ${ref.reference_name}`,
        );
      if (target.docstatus !== 1)
        throw new FrappeError(417, "ValidationError", `${ref.reference_name} is not submitted`);
      const total = Number(target.rounded_total) || Number(target.grand_total ?? 0);
      ref.outstanding_amount = round2(total - Number(target.advance_paid ?? 0));
      if (round2(Number(ref.allocated_amount ?? 0)) > (ref.outstanding_amount as number))
        throw new FrappeError(
          417,
          "ValidationError",
          `Row #${i + 1}: Allocated Amount cannot be greater than outstanding amount.`,
        );
    }
    const account = this.table("Account").get(String(doc.paid_to));
    if (account?.account_type === "Bank" && (!doc.reference_no || !doc.reference_date)) {
      throw new FrappeError(
        417,
        "MandatoryError",
        "Reference No and Reference Date is mandatory for Bank transaction",
      );
    }
  }

  private submit(doc: Doc): void {
    doc.docstatus = 1;
    doc.modified = this.clock.now();
    if (doc.doctype === "Sales Order") {
      doc.status = "To Deliver and Bill";
      for (const row of doc.items as Record<string, unknown>[]) {
        this.moveBin(String(row.item_code), String(row.warehouse ?? doc.set_warehouse), {
          reserved: Number(row.qty),
        });
      }
    }
    if (doc.doctype === "Payment Entry") this.advance(doc, 1);
    if (doc.doctype === "Stock Entry") {
      for (const row of doc.items as Record<string, unknown>[]) {
        const qty = Number(row.qty);
        if (row.s_warehouse) this.ledger(doc, String(row.item_code), String(row.s_warehouse), -qty);
        if (row.t_warehouse) this.ledger(doc, String(row.item_code), String(row.t_warehouse), qty);
      }
    }
  }

  private cancel(doc: Doc): void {
    if (doc.doctype === "Sales Order") {
      if (Number(doc.per_delivered) > 0 || Number(doc.per_billed) > 0) {
        throw new FrappeError(417, "ValidationError", "Cannot cancel: the order is delivered or billed");
      }
      const payments = [...this.table("Payment Entry").values()].filter(
        (p) =>
          p.docstatus === 1 &&
          (p.references as { reference_name: string }[] | undefined)?.some(
            (r) => r.reference_name === doc.name,
          ),
      );
      if (payments.length) {
        throw new FrappeError(
          417,
          "LinkExistsError",
          `Cannot cancel: Payment Entry ${payments[0]?.name} is linked`,
        );
      }
      for (const row of doc.items as Record<string, unknown>[]) {
        this.moveBin(String(row.item_code), String(row.warehouse ?? doc.set_warehouse), {
          reserved: -Number(row.qty),
        });
      }
      doc.status = "Cancelled";
    }
    if (doc.doctype === "Stock Entry") {
      for (const row of doc.items as Record<string, unknown>[]) {
        const qty = Number(row.qty);
        if (row.s_warehouse) this.ledger(doc, String(row.item_code), String(row.s_warehouse), qty);
        if (row.t_warehouse) this.ledger(doc, String(row.item_code), String(row.t_warehouse), -qty);
      }
    }
    if (doc.doctype === "Payment Entry") this.advance(doc, -1);
    doc.docstatus = 2;
    doc.modified = this.clock.now();
  }

  /** A submitted (or cancelled) payment moves its Sales Orders' `advance_paid`. */
  private advance(payment: Doc, sign: 1 | -1): void {
    for (const ref of (payment.references as Record<string, unknown>[] | undefined) ?? []) {
      const order = this.table(String(ref.reference_doctype)).get(String(ref.reference_name));
      if (order?.doctype === "Sales Order")
        order.advance_paid = round2(
          Number(order.advance_paid ?? 0) + sign * Number(ref.allocated_amount ?? 0),
        );
    }
  }

  /** A stock movement: one Stock Ledger Entry (announced) and a Bin update (never announced). */
  private ledger(voucher: Doc, itemCode: string, warehouse: string, qty: number): void {
    if (!this.table("Warehouse").has(warehouse))
      throw new FrappeError(417, "LinkValidationError", `Could not find Warehouse: ${warehouse}`);
    const bin = this.moveBin(itemCode, warehouse, { actual: qty });
    const sle = this.insert(
      "Stock Ledger Entry",
      {
        item_code: itemCode,
        warehouse,
        actual_qty: qty,
        qty_after_transaction: bin.actual_qty,
        voucher_type: voucher.doctype,
        voucher_no: voucher.name,
      },
      { silent: true },
    );
    const stored = this.table("Stock Ledger Entry").get(sle.name) as Doc;
    stored.docstatus = 1;
    this.announce(stored, "on_submit");
  }

  moveBin(itemCode: string, warehouse: string, delta: { actual?: number; reserved?: number }): Doc {
    const bins = this.table("Bin");
    let bin = [...bins.values()].find((b) => b.item_code === itemCode && b.warehouse === warehouse);
    if (!bin) {
      bin = this.insert(
        "Bin",
        { item_code: itemCode, warehouse, actual_qty: 0, reserved_qty: 0, projected_qty: 0 },
        { silent: true },
      );
      bin = bins.get(bin.name) as Doc;
    }
    bin.actual_qty = Number(bin.actual_qty) + (delta.actual ?? 0);
    bin.reserved_qty = Math.max(0, Number(bin.reserved_qty) + (delta.reserved ?? 0));
    bin.projected_qty = Number(bin.actual_qty) - Number(bin.reserved_qty);
    bin.modified = this.clock.now();
    return bin;
  }

  // --- lists ---------------------------------------------------------------------------------

  private list(req: SimRequest): Record<string, unknown>[] {
    const doctype = req.params.doctype as string;
    const fields = parseJson<string[]>(req.query.get("fields")) ?? ["name"];
    const filters = parseJson<unknown>(req.query.get("filters")) ?? [];
    const start = Number(req.query.get("limit_start") ?? 0);
    const pageLength = Number(req.query.get("limit_page_length") ?? req.query.get("limit") ?? 20);
    const [orderField, orderDir] = (req.query.get("order_by") ?? "modified desc").trim().split(/\s+/);
    const rows = this.filtered(doctype, filters).sort((a, b) => {
      const cmp = compare(a[orderField as string] ?? "", b[orderField as string] ?? "");
      return orderDir?.toLowerCase() === "asc" ? cmp : -cmp;
    });
    const page = pageLength === 0 ? rows.slice(start) : rows.slice(start, start + pageLength);
    const wanted = fields.includes("*") ? undefined : fields;
    return page.map((doc) => {
      if (!wanted) return Object.fromEntries(Object.entries(doc).filter(([, v]) => !Array.isArray(v)));
      return Object.fromEntries(wanted.map((f) => [f, doc[f] ?? null]));
    });
  }

  filtered(doctype: string, filters: unknown): Doc[] {
    const conditions = normalizeFilters(filters).map(([field, op, value]) => {
      // Lists are turned into sets once, not once per row (large catalogs in benchmarks).
      const lower = op.toLowerCase();
      const set = lower === "in" || lower === "not in" ? new Set(asList(value)) : undefined;
      return { field, op: lower, value, set };
    });
    return [...this.table(doctype).values()].filter((doc) =>
      conditions.every(({ field, op, value, set }) =>
        set ? set.has(String(doc[field] ?? "")) === (op === "in") : matches(doc[field], op, value),
      ),
    );
  }

  // --- webhooks ------------------------------------------------------------------------------

  /** Sends the Webhook doctype's request after "commit", as Frappe does from a background job. */
  private announce(doc: Doc, event = "on_update"): void {
    const { webhookUrl, webhookSecret } = this.options;
    if (!webhookUrl || !webhookSecret || !WEBHOOK_DOCTYPES.has(doc.doctype)) return;
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
    const signature = signFrappeBody(webhookSecret, body);
    const delivery = (async () => {
      await sleep(5);
      // v14/v15: three quick tries, then give up silently (the catch-up job must cover it).
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          const res = await fetch(webhookUrl, {
            method: "POST",
            headers: { "X-Frappe-Webhook-Signature": signature },
            body,
            signal: AbortSignal.timeout(5000),
          });
          this.webhookLog.push({ doctype: doc.doctype, name: doc.name, status: res.status });
          if (res.ok) return;
        } catch (error) {
          this.webhookLog.push({ doctype: doc.doctype, name: doc.name, status: (error as Error).message });
        }
        await sleep(200 * attempt);
      }
    })();
    this.pendingWebhooks.push(delivery);
    void delivery.finally(() => {
      this.pendingWebhooks = this.pendingWebhooks.filter((p) => p !== delivery);
    });
  }

  /** Resolves when every webhook sent so far has been delivered or given up. */
  async webhooksSettled(): Promise<void> {
    while (this.pendingWebhooks.length) await Promise.allSettled([...this.pendingWebhooks]);
  }

  setWebhookTarget(url: string | undefined): void {
    this.options.webhookUrl = url;
  }

  // --- seed ----------------------------------------------------------------------------------

  private seedMasters(): void {
    const quiet = { silent: true };
    for (const [name, currency] of [["Sandbox Co", "USD"]] as const) {
      this.insert("Company", { name, company_name: name, abbr: "SC", default_currency: currency }, quiet);
    }
    for (const name of [
      "Stores - SC",
      "Backroom - SC",
      "Finished Goods - SC",
      "Work In Progress - SC",
      "Goods In Transit - SC",
    ])
      this.insert("Warehouse", { name }, quiet);
    for (const name of [
      "All Item Groups",
      "Products",
      "Raw Material",
      "Services",
      "Sub Assemblies",
      "Consumable",
      "Mugs",
      "Apparel",
      "Accessories",
    ]) {
      this.insert(
        "Item Group",
        { name, parent_item_group: name === "All Item Groups" ? "" : "All Item Groups" },
        quiet,
      );
    }
    for (const name of ["All Customer Groups", "Individual", "Commercial", "Non Profit", "Government"])
      this.insert("Customer Group", { name }, quiet);
    for (const name of ["All Territories", "United States", "Rest Of The World"])
      this.insert("Territory", { name }, quiet);
    for (const name of ["Standard Selling", "Standard Buying", "Wholesale"])
      this.insert("Price List", { name }, quiet);
    for (const name of ["Acme", "Nordic Goods", "Café Craft"]) this.insert("Brand", { name }, quiet);
    for (const [name, type] of [
      ["Freight and Forwarding Charges - SC", "Chargeable"],
      ["VAT - SC", "Tax"],
      ["Sales Tax - SC", "Tax"],
      ["Cash - SC", "Cash"],
      ["Wix Payments - SC", "Bank"],
    ] as const) {
      this.insert("Account", { name, account_type: type }, quiet);
    }
    for (const [name, code] of ERPNEXT_COUNTRIES)
      this.insert("Country", { name, country_name: name, code }, quiet);
  }

  /** Everything the site holds, to survive a restart of the local host. */
  snapshot(): ErpnextSnapshot {
    return {
      docs: Object.fromEntries([...this.docs].map(([doctype, t]) => [doctype, [...t.values()]])),
      counters: Object.fromEntries(this.counters),
    };
  }

  restore(snapshot: ErpnextSnapshot): void {
    this.docs.clear();
    for (const [doctype, docs] of Object.entries(snapshot.docs))
      this.docs.set(doctype, new Map(docs.map((d) => [d.name, d])));
    this.counters = new Map(Object.entries(snapshot.counters));
    // Snapshots saved before the sandbox held ERPNext's Country list with codes catch up here.
    const countries = this.table("Country");
    for (const [name, code] of ERPNEXT_COUNTRIES) {
      const known = countries.get(name);
      if (!known) this.insert("Country", { name, country_name: name, code }, { silent: true });
      else known.code ??= code;
    }
  }

  /** Quiet inserts for demo data and tests: no webhook, like Data Import. */
  importDoc(doctype: string, doc: Record<string, unknown>): Doc {
    return this.insert(doctype, doc, { silent: true });
  }
}

function parseJson<T>(text: string | null): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new FrappeError(417, "ValidationError", `could not parse ${text.slice(0, 50)}`);
  }
}

/** Frappe accepts `[[field, op, value]]`, `[[doctype, field, op, value]]` or `{field: value | [op, value]}`. */
function normalizeFilters(filters: unknown): [string, string, unknown][] {
  if (Array.isArray(filters)) {
    return filters.map((f) => {
      if (!Array.isArray(f)) throw new FrappeError(417, "ValidationError", "invalid filter");
      return (f.length === 4 ? f.slice(1) : f) as [string, string, unknown];
    });
  }
  if (filters && typeof filters === "object") {
    return Object.entries(filters).map(([k, v]) =>
      Array.isArray(v) ? [k, String(v[0]), v[1]] : [k, "=", v],
    );
  }
  return [];
}

function matches(actual: unknown, op: string, expected: unknown): boolean {
  const a = actual ?? "";
  switch (op.toLowerCase()) {
    case "=":
      return String(a) === String(expected);
    case "!=":
      return String(a) !== String(expected);
    case ">":
      return compare(a, expected) > 0;
    case ">=":
      return compare(a, expected) >= 0;
    case "<":
      return compare(a, expected) < 0;
    case "<=":
      return compare(a, expected) <= 0;
    case "in":
      return asList(expected).includes(String(a));
    case "not in":
      return !asList(expected).includes(String(a));
    case "like":
      return new RegExp(
        `^${String(expected)
          .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
          .replace(/%/g, ".*")}$`,
        "i",
      ).test(String(a));
    case "is":
      return expected === "set" ? a !== "" : a === "";
    default:
      throw new FrappeError(
        417,
        "ValidationError",
        `Operator must be one of =, !=, >, >=, <, <=, in, not in, like, is: ${op}`,
      );
  }
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" || typeof b === "number") return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0; // like MariaDB on these ASCII timestamps and codes
}

function asList(v: unknown): string[] {
  return (Array.isArray(v) ? v : String(v).split(",")).map((x) => String(x).trim());
}

const round2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;
