import { type Doc, round2 } from "./doctype";
import { FrappeError } from "./errors";
import type { ErpnextSite } from "./site";
import { ledger } from "./stock";

type Row = Record<string, unknown>;

/**
 * Returns: a Credit Note (Sales Invoice `is_return: 1`) and a Sales Return (Delivery Note
 * `is_return: 1`), with the rules of erpnext/controllers/sales_and_purchase_return.py
 * (`validate_return`, `make_return_doc`). The sandbox keeps the strict rules of every version,
 * even where v15 skips the item and quantity checks of a Sales Invoice return without
 * `update_stock`, as issue 11 asks: a client that would over-return fails here.
 */
export const SALES_INVOICE_RETURN = "erpnext.accounts.doctype.sales_invoice.sales_invoice.make_sales_return";
export const DELIVERY_NOTE_RETURN = "erpnext.stock.doctype.delivery_note.delivery_note.make_sales_return";

/** How a return row names the row of the original it returns (v15 `sales_invoice_item` / `dn_detail`). */
const DETAIL = { "Sales Invoice": "sales_invoice_item", "Delivery Note": "dn_detail" } as const;
type ReturnDoctype = keyof typeof DETAIL;

const refuse = (message: string, exc = "ValidationError") => new FrappeError(417, exc, message);

/** The submitted original a return is made against (validate_return_against). */
function original(site: ErpnextSite, doc: Doc, doctype: ReturnDoctype): Doc {
  const against = site.table(doctype).get(String(doc.return_against ?? ""));
  if (against?.docstatus !== 1 || against.is_return)
    throw refuse(`Invalid Return Against: ${doctype} ${doc.return_against ?? "(none)"} must be submitted`);
  if (against.company !== doc.company || against.customer !== doc.customer)
    throw refuse(`Return Against ${doctype} ${against.name} is of another customer or company`);
  if (String(doc.posting_date ?? "") < String(against.posting_date ?? ""))
    throw refuse(`Posting timestamp must be after ${against.posting_date}`);
  return against;
}

/** Quantity of an original row already returned by submitted returns (other than `except`). */
function returnedBefore(
  site: ErpnextSite,
  doctype: ReturnDoctype,
  against: string,
  row: string,
  except: string,
) {
  let qty = 0;
  for (const other of site.table(doctype).values()) {
    if (
      other.docstatus !== 1 ||
      !other.is_return ||
      other.return_against !== against ||
      other.name === except
    )
      continue;
    for (const r of other.items as Row[]) if (r[DETAIL[doctype]] === row) qty += -Number(r.qty);
  }
  return qty;
}

/** validate_return: negative rows of items of the original, not above what is left, rate not above. */
export function validateReturn(doc: Doc, site: ErpnextSite, doctype: ReturnDoctype): void {
  const against = original(site, doc, doctype);
  if (doc.update_stock && !against.update_stock)
    throw refuse(`'Update Stock' can not be checked because items are not delivered via ${against.name}`);
  const items = (doc.items as Row[] | undefined) ?? [];
  const originals = against.items as Row[];
  items.forEach((row, i) => {
    const qty = Number(row.qty);
    if (!(qty < 0)) throw refuse("Qty must be negative in return document");
    const source = originals.find((r) => r.name === row[DETAIL[doctype]]);
    if (!source || source.item_code !== row.item_code)
      throw refuse(
        `Row # ${i + 1}: Returned Item ${row.item_code} does not exist in ${doctype} ${against.name}`,
      );
    const left =
      Number(source.qty) - returnedBefore(site, doctype, against.name, String(source.name), doc.name);
    if (left <= 0) throw refuse(`Item ${row.item_code} has already been returned`, "StockOverReturnError");
    if (-qty > left + 1e-9)
      throw refuse(
        `Row # ${i + 1}: Cannot return more than ${left} for Item ${row.item_code}`,
        "StockOverReturnError",
      );
    if (Number(row.rate ?? 0) > Number(source.rate ?? 0) + 1e-9)
      throw refuse(`Row # ${i + 1}: Rate cannot be greater than the rate used in ${doctype} ${against.name}`);
  });
  if (!items.some((r) => Number(r.qty) < 0))
    throw refuse("Atleast one item should be entered with negative quantity in return document");
}

/**
 * `make_sales_return(source_name)` (make_return_doc): the unsaved return of what is left of the
 * original: qty x -1 less what was returned, Actual tax rows and the discount x -1, each row
 * pointing at its original (`sales_invoice_item` / `dn_detail`) and keeping `so_detail`. Refuses
 * an original that is not submitted (get_mapped_doc `validation: {docstatus: ["=", 1]}`).
 */
export const makeReturn =
  (doctype: ReturnDoctype) =>
  (args: Record<string, unknown>, site: ErpnextSite): Row => {
    const name = args.source_name;
    if (typeof name !== "string" || !name)
      throw refuse("make_sales_return() missing 1 required positional argument: 'source_name'", "TypeError");
    const source = site.get(doctype, name);
    if (source.docstatus !== 1) throw refuse("Cannot map because following condition fails: docstatus=1");
    const items = (source.items as Row[])
      .map((r) => ({ r, left: Number(r.qty) - returnedBefore(site, doctype, name, String(r.name), "") }))
      .filter(({ left }) => left > 0)
      .map(({ r, left }, i) => {
        const { name: rowName, idx: _idx, amount: _amount, returned_qty: _returned, ...rest } = r;
        return { ...rest, idx: i + 1, qty: -left, [DETAIL[doctype]]: rowName };
      });
    // Totals, status, payments and our ids (no_copy) are the return's own, not the original's.
    const {
      name: _n,
      docstatus: _d,
      modified: _m,
      items: _i,
      taxes,
      discount_amount,
      status: _s,
      outstanding_amount: _o,
      advances: _a,
      total_advance: _t,
      allocate_advances_automatically: _aa,
      per_returned: _p,
      per_billed: _b,
      wix_refund_id: _w,
      wix_fulfillment_id: _f,
      ...head
    } = source;
    return {
      ...head,
      docstatus: 0,
      is_return: 1,
      return_against: name,
      ignore_pricing_rule: 1,
      posting_date: new Date().toISOString().slice(0, 10),
      items,
      taxes: ((taxes as Row[] | undefined) ?? []).map((t) => ({
        ...t,
        tax_amount: -Number(t.tax_amount ?? 0),
      })),
      ...(discount_amount ? { discount_amount: -Number(discount_amount) } : {}),
    };
  };

/**
 * A submitted Sales Return (delivery_note.py with `is_return`): the goods come back into each row's
 * warehouse (a positive Stock Ledger Entry), the original note's rows and the Sales Order's rows
 * count them as returned (`returned_qty`), and the order's `delivered_qty` drops by as much
 * (status_updater: returns carry a negative qty with `so_detail`). Cancelling reverses it.
 */
export function submitDeliveryReturn(doc: Doc, site: ErpnextSite, sign: 1 | -1): void {
  // The stored document (site.get answers a copy).
  const against = site.table("Delivery Note").get(String(doc.return_against)) as Doc;
  for (const row of doc.items as Row[]) {
    const qty = -Number(row.qty) * sign;
    const source = (against.items as Row[]).find((r) => r.name === row.dn_detail) as Row;
    source.returned_qty = Number(source.returned_qty ?? 0) + qty;
    const order = site.table("Sales Order").get(String(source.against_sales_order ?? ""));
    const soRow = (order?.items as Row[] | undefined)?.find((r) => r.name === source.so_detail);
    if (order && soRow) {
      soRow.returned_qty = Number(soRow.returned_qty ?? 0) + qty;
      soRow.delivered_qty = Number(soRow.delivered_qty ?? 0) - qty;
      order.modified = site.now();
    }
    const item = site.table("Item").get(String(row.item_code));
    if (item?.is_stock_item !== 0) {
      if (!row.warehouse) throw refuse("Warehouse is mandatory");
      ledger(site, doc, String(row.item_code), String(row.warehouse), qty);
    }
  }
  const total = (against.items as Row[]).reduce((n, r) => n + Number(r.qty), 0);
  const returned = (against.items as Row[]).reduce((n, r) => n + Number(r.returned_qty ?? 0), 0);
  const perReturned = round2((returned / total) * 100);
  against.per_returned = perReturned;
  if (perReturned >= 100) against.status = "Return Issued";
  against.modified = site.now();
}

/**
 * A submitted Credit Note's outstanding (sales_invoice.py make_gl_entries): with
 * `update_outstanding_for_self` (v15) the note keeps its own negative outstanding, which a payment
 * out settles; without it (and on older versions) it reduces the original invoice's outstanding.
 */
export function creditNoteSubmitted(doc: Doc, site: ErpnextSite, sign: 1 | -1): void {
  if (doc.update_outstanding_for_self) return;
  const against = site.table("Sales Invoice").get(String(doc.return_against)) as Doc;
  against.outstanding_amount = round2(
    Number(against.outstanding_amount ?? 0) + sign * Number(doc.grand_total),
  );
  against.modified = site.now();
  if (sign === 1) doc.outstanding_amount = 0;
}
