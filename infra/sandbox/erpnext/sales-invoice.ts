import { allowOnSubmitOf, isSubmittable, knownFieldsOf, mandatoryOf } from "#shared/erpnext/frappe-facts";
import type { Router } from "../kit";
import { type Doc, type Doctype, round2, series } from "./doctype";
import { FrappeError } from "./errors";
import { creditNoteSubmitted, makeReturn, SALES_INVOICE_RETURN, validateReturn } from "./returns";
import type { ErpnextSite } from "./site";

/** The receivable account the mapper fills in as `debit_to` (the company's default receivable). */
export const RECEIVABLE_ACCOUNT = "Debtors - SC";

type Row = Record<string, unknown>;

/**
 * Sales Invoice (erpnext/accounts/doctype/sales_invoice/sales_invoice.py) as ERPNext makes it from
 * a submitted Sales Order: rows carry `sales_order` / `so_detail`, Actual tax rows and the discount
 * are copied, totals are the server's. With `allocate_advances_automatically`, Payment Entries
 * allocated to its Sales Orders become `advances` (set_advances, controllers/accounts_controller.py)
 * and are reconciled against the invoice on submit. Submitting bills the Sales Order rows
 * (`billed_amt`, `per_billed`) and refuses over-billing (status_updater.py limits_crossed_error, no
 * Over Billing Allowance on this site); `outstanding_amount` is the grand total less advances and
 * payments. Cancelling is refused while a submitted payment or credit note refers to it.
 */
export const salesInvoice: Doctype = {
  name: "Sales Invoice",
  required: mandatoryOf("Sales Invoice"),
  links: { customer: "Customer", company: "Company", debit_to: "Account" },
  naming: series("ACC-SINV-"),
  seriesOnly: true,
  submittable: isSubmittable("Sales Invoice"),
  allowOnSubmit: allowOnSubmitOf("Sales Invoice"),
  validate,
  onSubmit(doc, site) {
    billOrders(site, doc, 1);
    reconcileAdvances(site, doc);
    doc.outstanding_amount = round2(Number(doc.grand_total) - Number(doc.total_advance ?? 0));
    if (doc.is_return) creditNoteSubmitted(doc, site, 1);
    setStatus(doc);
  },
  onCancel(doc, site) {
    const payment = [...site.table("Payment Entry").values()].find(
      (p) => p.docstatus === 1 && refsOf(p).some((r) => r.reference_name === doc.name),
    );
    if (payment)
      throw new FrappeError(
        417,
        "LinkExistsError",
        `Cannot delete or cancel because Sales Invoice ${doc.name} is linked with Payment Entry ${payment.name}`,
      );
    const creditNote = [...site.table("Sales Invoice").values()].find(
      (si) => si.docstatus === 1 && si.is_return && si.return_against === doc.name,
    );
    if (creditNote)
      throw new FrappeError(
        417,
        "LinkExistsError",
        `Cannot delete or cancel because Sales Invoice ${doc.name} is linked with Sales Invoice ${creditNote.name}`,
      );
    billOrders(site, doc, -1);
    if (doc.is_return) creditNoteSubmitted(doc, site, -1);
    doc.status = "Cancelled";
  },
  methods: { [SALES_INVOICE_RETURN]: makeReturn("Sales Invoice") },
};

/**
 * `erpnext.selling.doctype.sales_order.sales_order.make_sales_invoice {source_name}`: an unsaved
 * invoice for what is not billed yet (`amount - billed_amt` per row), answered as `{message}`.
 * Like every mapper it refuses a source that is not submitted (`"validation": {"docstatus": ["=", 1]}`).
 */
const MAKE_SALES_INVOICE = "erpnext.selling.doctype.sales_order.sales_order.make_sales_invoice";

export function salesInvoiceMethods(r: Router, site: ErpnextSite): void {
  for (const prefix of ["/api", "/api/v1"]) {
    const path = `${prefix}/method/${MAKE_SALES_INVOICE}`;
    const handler = (args: Row) => {
      site.noteWrite({ kind: "method", doctype: MAKE_SALES_INVOICE, body: args });
      return { status: 200, body: { message: makeSalesInvoice(site, String(args.source_name ?? "")) } };
    };
    r.on("POST", path, (req) => handler((req.body as Row) ?? {}));
    r.on("GET", path, (req) => handler(Object.fromEntries(req.query.entries())));
  }
}

export function makeSalesInvoice(site: ErpnextSite, source: string): Row {
  const so = site.table("Sales Order").get(source);
  if (!so) throw new FrappeError(404, "DoesNotExistError", `Sales Order ${source} not found`);
  if (so.docstatus !== 1)
    throw new FrappeError(417, "ValidationError", `Sales Order ${source} must be submitted`);
  const items = (so.items as Row[])
    .filter((row) => Math.abs(Number(row.billed_amt ?? 0)) < Math.abs(Number(row.amount)))
    .map((row) => {
      const billed = Number(row.billed_amt ?? 0);
      const amount = round2(Number(row.amount) - billed);
      const qty = billed ? amount / Number(row.rate) : Number(row.qty);
      const {
        name: _n,
        idx: _i,
        parent: _p,
        parenttype: _t,
        billed_amt: _b,
        delivered_qty: _d,
        ...fields
      } = row;
      // get_mapped_doc copies only the fields the target row has (a Sales Order row's
      // delivery_date has no Sales Invoice Item field to go to).
      const target = knownFieldsOf("Sales Invoice Item");
      const mapped = Object.fromEntries(Object.entries(fields).filter(([k]) => target.has(k)));
      return { ...mapped, qty, amount, so_detail: row.name, sales_order: so.name };
    });
  const company = site.table("Company").get(String(so.company));
  return {
    doctype: "Sales Invoice",
    docstatus: 0,
    customer: so.customer,
    company: so.company,
    currency: so.currency,
    conversion_rate: so.conversion_rate,
    selling_price_list: so.selling_price_list,
    customer_address: so.customer_address,
    shipping_address_name: so.shipping_address_name,
    po_no: so.po_no,
    disable_rounded_total: so.disable_rounded_total,
    discount_amount: so.discount_amount,
    debit_to: company?.default_receivable_account ?? RECEIVABLE_ACCOUNT,
    items,
    taxes: ((so.taxes as Row[] | undefined) ?? []).map(
      ({ name: _n, idx: _i, parent: _p, parenttype: _t, ...tax }) => tax,
    ),
  };
}

function validate(doc: Doc, site: ErpnextSite): void {
  // set_missing_values: debit_to is the party's receivable when absent (get_party_account).
  doc.debit_to ??=
    site.table("Company").get(String(doc.company))?.default_receivable_account ?? RECEIVABLE_ACCOUNT;
  const items = doc.items as Row[];
  // A Check field: 0 unless set (frappe/model/base_document.py _set_defaults).
  doc.is_return = doc.is_return ? 1 : 0;
  const returning = Boolean(doc.is_return);
  let net = 0;
  items.forEach((row, i) => {
    if (!row.item_code || !site.table("Item").has(String(row.item_code)))
      throw new FrappeError(
        417,
        "LinkValidationError",
        `Row ${i + 1}: Could not find Item: ${row.item_code}`,
      );
    const qty = Number(row.qty);
    // erpnext/controllers/selling_controller.py validate_qty_is_not_zero and the return rules.
    if (!returning && !(qty > 0))
      throw new FrappeError(417, "ValidationError", `Row ${i + 1}: Quantity must be greater than 0`);
    if (returning && !(qty < 0))
      throw new FrappeError(
        417,
        "ValidationError",
        `For an item ${row.item_code}, quantity must be negative number`,
      );
    if (row.sales_order) {
      const so = site.table("Sales Order").get(String(row.sales_order));
      if (so?.docstatus !== 1)
        throw new FrappeError(417, "ValidationError", `Sales Order ${row.sales_order} must be submitted`);
      if (so.customer !== doc.customer)
        throw new FrappeError(
          417,
          "ValidationError",
          `Customer ${doc.customer} does not match Sales Order ${so.name} (${so.customer})`,
        );
      if (!(so.items as Row[]).some((r) => r.name === row.so_detail))
        throw new FrappeError(
          417,
          "ValidationError",
          `Row ${i + 1}: Sales Order Item ${row.so_detail} not found`,
        );
    }
    row.rate = round2(Number(row.rate ?? 0));
    row.amount = round2(qty * Number(row.rate));
    row.idx = i + 1;
    net = round2(net + (row.amount as number));
  });
  let taxes = 0;
  for (const [i, tax] of ((doc.taxes as Row[] | undefined) ?? []).entries()) {
    if (tax.charge_type !== "Actual")
      throw new FrappeError(417, "ValidationError", "Only Actual tax rows are supported here");
    if (!tax.account_head || !site.table("Account").has(String(tax.account_head)))
      throw new FrappeError(
        417,
        "LinkValidationError",
        `Tax row ${i + 1}: Could not find Account: ${tax.account_head}`,
      );
    tax.tax_amount = round2(Number(tax.tax_amount ?? 0));
    taxes = round2(taxes + (tax.tax_amount as number));
    tax.total = round2(net + taxes);
  }
  doc.net_total = net;
  doc.total_taxes_and_charges = taxes;
  doc.grand_total = round2(net + taxes - round2(Number(doc.discount_amount ?? 0)));
  doc.rounded_total = doc.disable_rounded_total ? 0 : Math.round(doc.grand_total as number);
  doc.base_grand_total = doc.grand_total;
  doc.posting_date ??= new Date().toISOString().slice(0, 10);
  doc.currency ??= site.table("Company").get(String(doc.company))?.default_currency ?? "USD";
  doc.advances =
    doc.allocate_advances_automatically && !returning ? advancesFor(site, doc) : (doc.advances ?? []);
  doc.total_advance = round2(
    (doc.advances as Row[]).reduce((n, a) => n + Number(a.allocated_amount ?? 0), 0),
  );
  doc.outstanding_amount = round2((doc.grand_total as number) - (doc.total_advance as number));
  doc.status = "Draft";
  if (returning) validateReturn(doc, site, "Sales Invoice");
}

/**
 * Unreconciled advances: submitted Receive payments of this customer with a row still allocated
 * to one of the invoice's Sales Orders, up to the grand total (get_advance_payment_entries,
 * erpnext/accounts/utils.py, via set_advances).
 */
function advancesFor(site: ErpnextSite, doc: Doc): Row[] {
  const orders = new Set((doc.items as Row[]).map((r) => r.sales_order).filter(Boolean));
  let left = Number(doc.grand_total);
  const advances: Row[] = [];
  for (const pe of site.table("Payment Entry").values()) {
    if (pe.docstatus !== 1 || pe.payment_type !== "Receive" || pe.party !== doc.customer) continue;
    for (const ref of refsOf(pe)) {
      if (ref.reference_doctype !== "Sales Order" || !orders.has(ref.reference_name) || left <= 0) continue;
      const allocated = round2(Math.min(Number(ref.allocated_amount ?? 0), left));
      if (allocated <= 0) continue;
      advances.push({
        reference_type: "Payment Entry",
        reference_name: pe.name,
        reference_row: ref.name,
        against_order: ref.reference_name,
        advance_amount: Number(ref.allocated_amount),
        allocated_amount: allocated,
      });
      left = round2(left - allocated);
    }
  }
  return advances;
}

/**
 * On submit each advance moves from the Sales Order to the invoice in its Payment Entry: the row
 * is re-pointed, or split when only part of it is used (reconcile_against_document,
 * update_reference_in_payment_entry, erpnext/accounts/utils.py).
 */
function reconcileAdvances(site: ErpnextSite, doc: Doc): void {
  for (const adv of (doc.advances as Row[] | undefined) ?? []) {
    const pe = site.table("Payment Entry").get(String(adv.reference_name));
    const rows = pe ? refsOf(pe) : [];
    const row = rows.find(
      (r) => r.name === adv.reference_row || (!adv.reference_row && r.reference_name === adv.against_order),
    );
    if (!pe || !row) continue;
    const allocated = Number(adv.allocated_amount);
    if (round2(Number(row.allocated_amount) - allocated) <= 0) {
      Object.assign(row, { reference_doctype: "Sales Invoice", reference_name: doc.name });
    } else {
      row.allocated_amount = round2(Number(row.allocated_amount) - allocated);
      rows.push({
        name: `${row.name}-${doc.name}`,
        reference_doctype: "Sales Invoice",
        reference_name: doc.name,
        allocated_amount: allocated,
      });
    }
  }
}

/** The Sales Order rows' `billed_amt` and the orders' `per_billed`; over-billing is refused. */
function billOrders(site: ErpnextSite, doc: Doc, sign: 1 | -1): void {
  const touched = new Set<Doc>();
  for (const row of doc.items as Row[]) {
    if (!row.sales_order) continue;
    const so = site.table("Sales Order").get(String(row.sales_order));
    const soRow = (so?.items as Row[] | undefined)?.find((r) => r.name === row.so_detail);
    if (!so || !soRow) continue;
    const billed = round2(Number(soRow.billed_amt ?? 0) + sign * Number(row.amount));
    const over = round2(billed - Number(soRow.amount));
    if (sign === 1 && over > 0.01)
      throw new FrappeError(
        417,
        "OverAllowanceError",
        `This document is over limit by Amount ${over} for item ${row.item_code}. Are you making another Sales Invoice against the same Sales Order Item?<br><br>To allow over billing, update "Over Billing Allowance" in Accounts Settings or the Item.`,
      );
    soRow.billed_amt = billed;
    touched.add(so);
  }
  for (const so of touched) {
    const rows = so.items as Row[];
    const total = rows.reduce((n, r) => n + Number(r.amount), 0);
    const billed = rows.reduce((n, r) => n + Number(r.billed_amt ?? 0), 0);
    so.per_billed = total ? round2((billed / total) * 100) : 0;
  }
}

/** Unpaid / Partly Paid / Paid / Overdue-less statuses of set_status (sales_invoice.py). */
export function setStatus(doc: Doc): void {
  const outstanding = Number(doc.outstanding_amount);
  if (doc.is_return) doc.status = "Return";
  else if (outstanding <= 0) doc.status = "Paid";
  else if (outstanding < Number(doc.grand_total)) doc.status = "Partly Paid";
  else doc.status = "Unpaid";
}

export function refsOf(doc: Doc): Row[] {
  return (doc.references as Row[] | undefined) ?? [];
}
