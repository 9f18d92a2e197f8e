import { PermanentError } from "../../errors";
import { type MappedReturn, rowOfLine, type SalesOrderDoc } from "./mapping";
import type { RefundSyncDeps, RefundsOrder } from "./ports";

/** The Delivery Note return mapper (erpnext/stock/doctype/delivery_note/delivery_note.py). */
export const DELIVERY_RETURN = "erpnext.stock.doctype.delivery_note.delivery_note.make_sales_return";

/**
 * Goods back in stock: Wix's `restockQuantity` per line (the truth, re-read each time) against
 * what ERPNext already has back (the Sales Order row's `returned_qty`, which a submitted Delivery
 * Note return raises: erpnext/stock/doctype/delivery_note/delivery_note.py status_updater), so a
 * return is never made twice. Returns need a submitted Delivery Note (spec §3.5): without one
 * the restock is parked with that reason.
 */
export async function restock(
  deps: Pick<RefundSyncDeps, "erpnext" | "state" | "settings">,
  order: RefundsOrder,
  origin: { salesOrder: string; customer: string },
  trigger: { retryParked?: boolean },
): Promise<string[]> {
  const { erpnext, state, settings } = deps;
  const parked = await state.refunds.getRestock(order.id);
  if (parked?.reason && parked.parkedFor === order.updatedDate && !trigger.retryParked) return [];
  const so = await erpnext.get<SalesOrderDoc>("Sales Order", origin.salesOrder);
  const due = new Map<string, number>();
  for (const line of order.lineItems) {
    const target = line.restockQuantity ?? 0;
    if (target <= 0) continue;
    const row = rowOfLine(order, so.items, line.id) as SalesOrderDoc["items"][number];
    const open = target - (row.returned_qty ?? 0);
    if (open > 0) due.set(row.name, open);
  }
  if (!due.size) return [];
  if (!settings.returnWarehouse) throw new PermanentError("ERPNEXT_RETURN_WAREHOUSE is not set");
  // The notes by their rows' Sales Order, not po_no: one note may ship several orders (po_no
  // "10018, 10019": erpnext/controllers/selling_controller.py set_pos_for_delivery_note).
  const listed = await erpnext.list<{ name: string }>("Delivery Note", {
    fields: ["name"],
    filters: [
      ["Delivery Note Item", "against_sales_order", "=", origin.salesOrder],
      ["customer", "=", origin.customer],
      ["is_return", "!=", 1],
      ["docstatus", "=", 1],
    ],
    orderBy: "posting_date asc",
    pageLength: 100,
  });
  // A child-table filter lists a note once per matching row.
  const notes = [...new Set(listed.map((n) => n.name))];
  const made: string[] = [];
  for (const name of notes) {
    if (!due.size) break;
    const mapped = await erpnext.call<MappedReturn & { items: { so_detail?: string; qty: number }[] }>(
      DELIVERY_RETURN,
      { source_name: name },
    );
    const items = [];
    for (const row of mapped.items) {
      const open = row.so_detail ? (due.get(row.so_detail) ?? 0) : 0;
      // The mapper offers what is still returnable on this note (qty x -1).
      const qty = Math.min(open, -row.qty);
      if (qty <= 0) continue;
      items.push({ ...row, qty: -qty, warehouse: settings.returnWarehouse });
      if (open - qty > 0) due.set(row.so_detail as string, open - qty);
      else due.delete(row.so_detail as string);
    }
    if (!items.length) continue;
    const ret = await erpnext.insert<{ name: string }>("Delivery Note", {
      ...mapped,
      items,
      taxes: [],
      set_warehouse: settings.returnWarehouse,
      remarks: `Wix restock of order ${order.number}`,
      docstatus: 1,
    });
    made.push(ret.name);
  }
  if (due.size) {
    const rows = so.items.filter((r) => due.has(r.name)).map((r) => `${r.item_code} x ${due.get(r.name)}`);
    throw new PermanentError(
      `restock without a Delivery Note: ${rows.join(", ")} restocked in Wix, not delivered in ERPNext`,
    );
  }
  if (parked?.reason) await state.refunds.putRestock({ orderId: order.id });
  return made;
}
