import { randomBytes } from "node:crypto";
import { allowOnSubmitOf, isSubmittable, mandatoryOf } from "#shared/erpnext/frappe-facts";
import { type Doc, type Doctype, round2, series } from "./doctype";
import { FrappeError } from "./errors";
import { refsOf } from "./sales-invoice";
import type { ErpnextSite } from "./site";
import { checkWarehouse, moveBin } from "./stock";

/** The list view's Close / Re-open (whitelisted in sales_order.py). */
export const CLOSE_SALES_ORDERS =
  "erpnext.selling.doctype.sales_order.sales_order.close_or_unclose_sales_orders";

/**
 * Sales Order (erpnext/selling/doctype/sales_order/sales_order.py): rows of sellable, non-template
 * items with a delivery date and a warehouse, Actual tax rows, totals computed by the server, the
 * exchange rate for another currency, and the po_no guard. Submitting reserves stock in the Bins;
 * cancelling releases it (refused while delivered or invoiced; payments are unlinked), and so
 * does closing it.
 */
export const salesOrder: Doctype = {
  name: "Sales Order",
  required: mandatoryOf("Sales Order"),
  links: {
    customer: "Customer",
    company: "Company",
    set_warehouse: "Warehouse",
    customer_address: "Address",
    shipping_address_name: "Address",
  },
  naming: series("SAL-ORD-"),
  seriesOnly: true,
  submittable: isSubmittable("Sales Order"),
  allowOnSubmit: allowOnSubmitOf("Sales Order"),
  validate,
  onSubmit(doc, site) {
    doc.status = "To Deliver and Bill";
    reserve(site, doc, 1);
  },
  onCancel(doc, site) {
    // erpnext/selling/doctype/sales_order/sales_order.py on_cancel.
    if (doc.status === "Closed")
      throw new FrappeError(417, "ValidationError", "Closed order cannot be cancelled. Unclose to cancel.");
    if (Number(doc.per_delivered) > 0) {
      throw new FrappeError(417, "ValidationError", "Cannot cancel: the order is delivered or billed");
    }
    // Frappe's check_no_back_links_exist (frappe/model/delete_doc.py check_if_doc_is_linked): a
    // submitted invoice (or its credit note) whose rows name the order keeps it, whatever per_billed.
    const invoice = [...site.table("Sales Invoice").values()].find(
      (si) =>
        si.docstatus === 1 &&
        (si.items as { sales_order?: string }[] | undefined)?.some((r) => r.sales_order === doc.name),
    );
    if (invoice || Number(doc.per_billed) > 0)
      throw new FrappeError(
        417,
        "LinkExistsError",
        `Cannot delete or cancel because Sales Order ${doc.name} is linked with Sales Invoice ${invoice?.name ?? ""}`.trim(),
      );
    unlinkAdvances(site, doc);
    reserve(site, doc, -1);
    doc.status = "Cancelled";
  },
  methods: { [CLOSE_SALES_ORDERS]: closeOrUnclose },
};

/**
 * `close_or_unclose_sales_orders(names, status)`: a submitted order not fully delivered and billed
 * is Closed, or a Closed one re-opened; update_status then re-counts the Bins' reservations, which
 * leave out Closed orders (get_reserved_qty, erpnext/stock/stock_balance.py). Others are skipped.
 */
function closeOrUnclose(args: Record<string, unknown>, site: ErpnextSite): null {
  const names = (typeof args.names === "string" ? JSON.parse(args.names) : args.names) as string[];
  for (const name of names) {
    const so = site.table("Sales Order").get(String(name));
    if (!so) throw new FrappeError(404, "DoesNotExistError", `Sales Order ${name} not found`);
    if (so.docstatus !== 1) continue;
    if (args.status === "Closed") {
      if (so.status === "Cancelled" || so.status === "Closed") continue;
      if (Number(so.per_delivered) >= 100 && Number(so.per_billed) >= 100) continue;
      reserve(site, so, -1);
      so.status = "Closed";
    } else if (so.status === "Closed") {
      reserve(site, so, 1);
      so.status = "To Deliver and Bill";
    }
    so.modified = site.now();
  }
  return null;
}

/**
 * Payments allocated to the order: with Accounts Settings `unlink_advance_payment_on_cancelation_of_order`
 * (default on, accounts_settings.json) AccountsController.on_cancel removes their reference rows
 * (unlink_ref_doc_from_payment_entries, erpnext/accounts/utils.py) and each payment stays booked,
 * unallocated; with it off Frappe's link check refuses the cancel.
 */
function unlinkAdvances(site: ErpnextSite, doc: Doc): void {
  const payments = [...site.table("Payment Entry").values()].filter(
    (p) => p.docstatus === 1 && refsOf(p).some((r) => r.reference_name === doc.name),
  );
  if (!payments.length) return;
  if (!site.unlinkAdvancePaymentOnCancelationOfOrder)
    throw new FrappeError(
      417,
      "LinkExistsError",
      `Cannot delete or cancel because Sales Order ${doc.name} is linked with Payment Entry ${payments[0]?.name}`,
    );
  for (const pe of payments) {
    const unlinked = refsOf(pe)
      .filter((r) => r.reference_name === doc.name)
      .reduce((n, r) => round2(n + Number(r.allocated_amount ?? 0)), 0);
    pe.references = refsOf(pe).filter((r) => r.reference_name !== doc.name);
    pe.total_allocated_amount = round2(Number(pe.total_allocated_amount ?? unlinked) - unlinked);
    pe.unallocated_amount = round2(Number(pe.unallocated_amount ?? 0) + unlinked);
  }
  doc.advance_paid = 0;
}

/** Reserves (or releases) each row's quantity in its warehouse's Bin. */
function reserve(site: ErpnextSite, doc: Doc, sign: 1 | -1): void {
  for (const row of doc.items as Record<string, unknown>[]) {
    moveBin(site, String(row.item_code), String(row.warehouse ?? doc.set_warehouse), {
      reserved: sign * Number(row.qty),
    });
  }
}

function validate(doc: Doc, site: ErpnextSite): void {
  const items = doc.items as Record<string, unknown>[];
  const txDate = String(doc.transaction_date);
  let net = 0;
  items.forEach((row, i) => {
    if (!row.item_code || !site.table("Item").has(String(row.item_code))) {
      throw new FrappeError(
        417,
        "LinkValidationError",
        `Row ${i + 1}: Could not find Item: ${row.item_code}`,
      );
    }
    const item = site.table("Item").get(String(row.item_code)) as Doc;
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
    if (warehouse) checkWarehouse(site, String(warehouse), doc.company);
    row.rate = round2(Number(row.rate ?? 0));
    row.amount = round2(qty * Number(row.rate));
    row.idx = i + 1;
    // Child rows have their own name (a DN Item's `so_detail` names it) and count deliveries.
    row.name ??= randomBytes(5).toString("hex");
    row.delivered_qty ??= 0;
    net = round2(net + (row.amount as number));
  });
  if (site.addedTaxRow && doc.docstatus !== 1) {
    const rows = (doc.taxes as Record<string, unknown>[] | undefined) ?? [];
    if (!rows.some((r) => r.account_head === site.addedTaxRow?.account_head))
      doc.taxes = [...rows, { charge_type: "Actual", description: "Item Tax Template", ...site.addedTaxRow }];
  }
  let taxes = 0;
  for (const [i, tax] of ((doc.taxes as Record<string, unknown>[] | undefined) ?? []).entries()) {
    if (tax.charge_type !== "Actual")
      throw new FrappeError(417, "ValidationError", "Only Actual tax rows are supported here");
    if (!tax.account_head || !site.table("Account").has(String(tax.account_head))) {
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
  // A draft is always "Draft" (status_map, erpnext/controllers/status_updater.py), also an
  // amendment whose copy carries the cancelled original's "Cancelled".
  if (Number(doc.docstatus ?? 0) === 0) doc.status = "Draft";
  else doc.status ??= "Draft";
  const company = site.table("Company").get(String(doc.company));
  doc.currency ??= company?.default_currency ?? "USD";
  // Another currency needs an exchange rate; this site has no Currency Exchange records, so
  // ERPNext's validate_conversion_rate (erpnext/controllers/accounts_controller.py) refuses it.
  if (doc.currency !== company?.default_currency && !(Number(doc.conversion_rate) > 0))
    throw new FrappeError(
      417,
      "ValidationError",
      `Exchange Rate is mandatory. Maybe Currency Exchange record is not created for ${doc.currency} to ${company?.default_currency}.`,
    );
  if (doc.po_no && doc.docstatus === 0 && !site.allowMultiplePurchaseOrders) {
    for (const other of site.table("Sales Order").values()) {
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
