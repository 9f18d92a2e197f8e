import { allowOnSubmitOf, isSubmittable, mandatoryOf } from "#shared/erpnext/frappe-facts";
import { type Doc, type Doctype, round2, series } from "./doctype";
import { FrappeError } from "./errors";
import { DELIVERY_NOTE_RETURN, makeReturn, submitDeliveryReturn, validateReturn } from "./returns";
import type { ErpnextSite } from "./site";
import { checkWarehouse, ledger, moveBin } from "./stock";

type Row = Record<string, unknown>;

/** The mapper's dotted path (erpnext/selling/doctype/sales_order/sales_order.py). */
export const MAKE_DELIVERY_NOTE = "erpnext.selling.doctype.sales_order.sales_order.make_delivery_note";

/**
 * Delivery Note (erpnext/stock/doctype/delivery_note/delivery_note.py, .json) made against a
 * submitted Sales Order:
 * - rows: positive qty ("For an item {0}, quantity must be positive number"), a warehouse for stock
 *   items (validate_warehouse: "Warehouse required for stock Item {0}"), the SO row they deliver
 *   (`so_detail`, `against_sales_order`) with the same item, customer and company
 *   (validate_with_previous_doc);
 * - submit: not above ordered minus delivered (controllers/status_updater.py validate_qty,
 *   allowance 0: "This document is over limit by {qty} for item {code}. Are you making another
 *   Delivery Note against the same Sales Order Item?", OverAllowanceError); the SO rows'
 *   `delivered_qty`, SO `per_delivered` / `delivery_status`; stock leaves the warehouse (a Stock
 *   Ledger Entry and the Bin's actual and reserved quantities);
 * - cancel: refused while a submitted Sales Invoice has a row with `delivery_note` = this note
 *   (check_next_docstatus: "Sales Invoice {0} has already been submitted"); otherwise reverses all.
 * The transporter fields (`lr_no`, `transporter_name`) are not allow_on_submit; the integration's
 * Custom Fields `wix_*` are (setup creates them with `allow_on_submit: 1`).
 * Returns (`is_return`) follow the return rules of returns.ts (make_sales_return, validate_return).
 */
export const deliveryNote: Doctype = {
  name: "Delivery Note",
  required: mandatoryOf("Delivery Note"),
  links: { customer: "Customer", company: "Company", set_warehouse: "Warehouse" },
  naming: series("MAT-DN-"),
  seriesOnly: true,
  submittable: isSubmittable("Delivery Note"),
  announced: true,
  // The wix_* fields are allow_on_submit through their Custom Fields (site.ts allowedOnSubmit).
  allowOnSubmit: allowOnSubmitOf("Delivery Note"),
  prepare: (input) => ({ posting_date: new Date().toISOString().slice(0, 10), ...input }),
  validate,
  onSubmit(doc, site) {
    if (doc.is_return) return submitDeliveryReturn(doc, site, 1);
    for (const row of doc.items as Row[]) {
      const { order, soRow } = source(site, row);
      const allowed = Number(soRow.qty) - Number(soRow.delivered_qty ?? 0);
      if (Number(row.qty) > allowed + 1e-9)
        throw new FrappeError(
          417,
          "OverAllowanceError",
          `This document is over limit by ${round2(Number(row.qty) - allowed)} Qty for item ${row.item_code}. Are you making another Delivery Note against the same Sales Order Item?`,
        );
      deliver(site, doc, order, soRow, row, 1);
    }
    doc.status = "To Bill";
  },
  onCancel(doc, site) {
    if (site.hasDoctype("Sales Invoice")) {
      const invoice = [...site.table("Sales Invoice").values()].find(
        (si) =>
          si.docstatus === 1 && (si.items as Row[] | undefined)?.some((r) => r.delivery_note === doc.name),
      );
      if (invoice)
        throw new FrappeError(
          417,
          "ValidationError",
          `Sales Invoice ${invoice.name} has already been submitted`,
        );
    }
    if (doc.is_return) return submitDeliveryReturn(doc, site, -1);
    for (const row of doc.items as Row[]) {
      const { order, soRow } = source(site, row);
      deliver(site, doc, order, soRow, row, -1);
    }
    doc.status = "Cancelled";
  },
  methods: { [MAKE_DELIVERY_NOTE]: makeDeliveryNote, [DELIVERY_NOTE_RETURN]: makeReturn("Delivery Note") },
};

function validate(doc: Doc, site: ErpnextSite): void {
  const items = doc.items as Row[];
  doc.status ??= "Draft";
  let net = 0;
  items.forEach((row, i) => {
    const item = site.table("Item").get(String(row.item_code));
    if (!item)
      throw new FrappeError(
        417,
        "LinkValidationError",
        `Row ${i + 1}: Could not find Item: ${row.item_code}`,
      );
    const qty = Number(row.qty);
    if (!doc.is_return && !(qty > 0))
      throw new FrappeError(
        417,
        "ValidationError",
        `For an item ${row.item_code}, quantity must be positive number`,
      );
    row.warehouse ??= doc.set_warehouse;
    if (item.is_stock_item !== 0 && !row.warehouse)
      throw new FrappeError(417, "ValidationError", `Warehouse required for stock Item ${row.item_code}`);
    if (row.warehouse) checkWarehouse(site, String(row.warehouse), doc.company);
    if (!doc.is_return) {
      const { order, soRow } = source(site, row);
      if (order.customer !== doc.customer || order.company !== doc.company)
        throw new FrappeError(
          417,
          "ValidationError",
          `Row ${i + 1}: customer and company must match Sales Order ${order.name}`,
        );
      if (soRow.item_code !== row.item_code)
        throw new FrappeError(
          417,
          "ValidationError",
          `Row ${i + 1}: Item Code must be same as in Sales Order ${order.name}`,
        );
    }
    row.rate = round2(Number(row.rate ?? 0));
    row.amount = round2(qty * Number(row.rate));
    row.idx = i + 1;
    net = round2(net + (row.amount as number));
  });
  doc.net_total = net;
  const taxes = ((doc.taxes as Row[] | undefined) ?? []).reduce(
    (n, t) => round2(n + Number(t.tax_amount ?? 0)),
    0,
  );
  doc.grand_total = round2(net + taxes);
  if (doc.is_return) validateReturn(doc, site, "Delivery Note");
}

/** The submitted Sales Order and its row a Delivery Note row delivers. */
function source(site: ErpnextSite, row: Row): { order: Doc; soRow: Row } {
  const order = site.table("Sales Order").get(String(row.against_sales_order ?? ""));
  if (order?.docstatus !== 1)
    throw new FrappeError(
      417,
      "ValidationError",
      `Sales Order ${row.against_sales_order ?? "(none)"} must be submitted to deliver against it`,
    );
  const soRow = (order.items as Row[]).find((r) => r.name === row.so_detail);
  if (!soRow)
    throw new FrappeError(
      417,
      "ValidationError",
      `Row for Item ${row.item_code}: Sales Order Item ${row.so_detail ?? "(none)"} not found in ${order.name}`,
    );
  return { order, soRow };
}

/** Delivers (or un-delivers) a row: SO delivered quantities and status, stock and reservation. */
function deliver(site: ErpnextSite, note: Doc, order: Doc, soRow: Row, row: Row, sign: 1 | -1): void {
  const qty = Number(row.qty);
  soRow.delivered_qty = Number(soRow.delivered_qty ?? 0) + sign * qty;
  const rows = order.items as Row[];
  const ordered = rows.reduce((n, r) => n + Number(r.qty), 0);
  const delivered = rows.reduce((n, r) => n + Math.min(Number(r.qty), Number(r.delivered_qty ?? 0)), 0);
  order.per_delivered = round2((delivered / ordered) * 100);
  order.delivery_status =
    delivered === 0 ? "Not Delivered" : delivered >= ordered ? "Fully Delivered" : "Partly Delivered";
  if (order.status !== "Closed")
    order.status =
      delivered >= ordered
        ? Number(order.per_billed) >= 100
          ? "Completed"
          : "To Bill"
        : "To Deliver and Bill";
  order.modified = site.now();
  const item = site.table("Item").get(String(row.item_code));
  if (item?.is_stock_item !== 0 && row.warehouse) {
    ledger(site, note, String(row.item_code), String(row.warehouse), -sign * qty);
    // The order's reservation is released as it is delivered.
    moveBin(site, String(row.item_code), String(soRow.warehouse ?? order.set_warehouse ?? row.warehouse), {
      reserved: -sign * qty,
    });
  }
}

/**
 * `make_delivery_note(source_name, target_doc)`: the unsaved Delivery Note of what is left to
 * deliver (rows with delivered_qty < qty, qty = qty - delivered_qty, so_detail, against_sales_order,
 * rate; taxes copied only into an empty table: "add_if_empty"). Refuses a Sales Order that is not
 * submitted, as get_mapped_doc's `validation: {docstatus: ["=", 1]}` does. With `target_doc` (a
 * JSON string from the desk, or the object) the order's rows are appended to that note: how
 * `frappe.model.mapper.map_docs` joins several Sales Orders into one note. `po_no` is then every
 * order's, joined with ", " (set_missing_values -> set_po_nos -> set_pos_for_delivery_note in
 * erpnext/controllers/selling_controller.py: the note's own po_no and its orders', split on ",",
 * stripped, deduplicated; Python's set leaves the order open, here first seen first).
 */
function makeDeliveryNote(args: Record<string, unknown>, site: ErpnextSite): Row {
  const name = args.source_name;
  if (typeof name !== "string" || !name)
    throw new FrappeError(
      417,
      "TypeError",
      "make_delivery_note() missing 1 required positional argument: 'source_name'",
    );
  const order = site.get("Sales Order", name);
  if (order.docstatus !== 1)
    throw new FrappeError(
      417,
      "ValidationError",
      "Cannot map because following condition fails: docstatus=1",
    );
  const target =
    typeof args.target_doc === "string"
      ? (JSON.parse(args.target_doc) as Row)
      : (args.target_doc as Row | undefined | null);
  const before = (target?.items as Row[] | undefined) ?? [];
  const items = (order.items as Row[])
    .filter(
      (r) => Math.abs(Number(r.delivered_qty ?? 0)) < Math.abs(Number(r.qty)) && !r.delivered_by_supplier,
    )
    .map((r, i) => ({
      doctype: "Delivery Note Item",
      idx: before.length + i + 1,
      item_code: r.item_code,
      item_name: r.item_name,
      qty: Number(r.qty) - Number(r.delivered_qty ?? 0),
      rate: r.rate,
      uom: r.uom,
      warehouse: r.warehouse ?? order.set_warehouse,
      so_detail: r.name,
      against_sales_order: order.name,
    }));
  const poNos = [target?.po_no, order.po_no]
    .filter((p): p is string => typeof p === "string" && p !== "")
    .flatMap((p) => p.split(",").map((x) => x.trim()));
  const taxes = (target?.taxes as Row[] | undefined) ?? [];
  return {
    // get_mapped_doc sets the source's non-empty fields on the target (frappe/model/mapper.py map_fields).
    ...target,
    doctype: "Delivery Note",
    docstatus: 0,
    customer: order.customer,
    company: order.company,
    // get_mapped_doc copies the fields both doctypes have: the customer's PO number and date.
    po_date: order.po_date,
    currency: order.currency,
    conversion_rate: order.conversion_rate ?? 1,
    selling_price_list: order.selling_price_list,
    posting_date: new Date().toISOString().slice(0, 10),
    set_warehouse: order.set_warehouse,
    shipping_address_name: order.shipping_address_name,
    customer_address: order.customer_address,
    ...(poNos.length ? { po_no: [...new Set(poNos)].join(", ") } : {}),
    items: [...before, ...items],
    taxes: taxes.length ? taxes : structuredClone((order.taxes as Row[] | undefined) ?? []),
  };
}
