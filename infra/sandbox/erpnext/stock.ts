import { isSubmittable, mandatoryOf, WEBHOOK_FACTS } from "#shared/erpnext/frappe-facts";
import { type Doc, type Doctype, series } from "./doctype";
import { FrappeError } from "./errors";
import type { ErpnextSite } from "./site";

/**
 * Stock: a Stock Entry moves quantities between warehouses on submit (and back on cancel); each
 * movement writes a Stock Ledger Entry (announced by webhook) and updates the item's Bin in that
 * warehouse (never announced: Bins change without webhooks, so only a poll sees them). Rules
 * (mandatory fields, submittable) come from shared/erpnext/frappe-facts.ts.
 */

export const stockEntry: Doctype = {
  name: "Stock Entry",
  required: mandatoryOf("Stock Entry"),
  naming: series("MAT-STE-"),
  submittable: isSubmittable("Stock Entry"),
  onSubmit(doc, site) {
    for (const row of doc.items as Record<string, unknown>[]) {
      const qty = Number(row.qty);
      if (row.s_warehouse) ledger(site, doc, String(row.item_code), String(row.s_warehouse), -qty);
      if (row.t_warehouse) ledger(site, doc, String(row.item_code), String(row.t_warehouse), qty);
    }
  },
  onCancel(doc, site) {
    for (const row of doc.items as Record<string, unknown>[]) {
      const qty = Number(row.qty);
      if (row.s_warehouse) ledger(site, doc, String(row.item_code), String(row.s_warehouse), qty);
      if (row.t_warehouse) ledger(site, doc, String(row.item_code), String(row.t_warehouse), -qty);
    }
  },
};

export const stockLedgerEntry: Doctype = {
  name: "Stock Ledger Entry",
  required: mandatoryOf("Stock Ledger Entry"),
  submittable: isSubmittable("Stock Ledger Entry"),
  naming: series("MAT-SLE-"),
};

export const bin: Doctype = { name: "Bin", required: mandatoryOf("Bin"), naming: series("BIN-") };

/** Moves an item's Bin in a warehouse (made on first use): actual and reserved, projected follows. */
export function moveBin(
  site: ErpnextSite,
  itemCode: string,
  warehouse: string,
  delta: { actual?: number; reserved?: number },
): Doc {
  const bins = site.table("Bin");
  let found = [...bins.values()].find((b) => b.item_code === itemCode && b.warehouse === warehouse);
  if (!found) {
    const made = site.insert(
      "Bin",
      { item_code: itemCode, warehouse, actual_qty: 0, reserved_qty: 0, projected_qty: 0 },
      { silent: true },
    );
    found = bins.get(made.name) as Doc;
  }
  found.actual_qty = Number(found.actual_qty) + (delta.actual ?? 0);
  found.reserved_qty = Math.max(0, Number(found.reserved_qty) + (delta.reserved ?? 0));
  found.projected_qty = Number(found.actual_qty) - Number(found.reserved_qty);
  found.modified = site.now();
  return found;
}

/**
 * A transaction's row warehouse must exist and belong to its company: StockController
 * validate_warehouse (erpnext/controllers/stock_controller.py) calls validate_warehouse_company
 * (erpnext/stock/utils.py), which throws InvalidWarehouseCompany, a ValidationError.
 */
export function checkWarehouse(site: ErpnextSite, warehouse: string, company: unknown): void {
  const found = site.table("Warehouse").get(warehouse);
  if (!found) throw new FrappeError(417, "LinkValidationError", `Could not find Warehouse: ${warehouse}`);
  if (found.company && company && found.company !== company)
    throw new FrappeError(
      417,
      "InvalidWarehouseCompany",
      `Warehouse ${warehouse} does not belong to company ${company}`,
    );
}

/**
 * A stock movement: one Stock Ledger Entry and a Bin update (never announced). The entry is not
 * submittable yet is inserted with docstatus 1 (erpnext/stock/stock_ledger.py make_entry:
 * `sle.submit()` on a new document), so Frappe runs after_insert, on_update and on_submit for it;
 * only after_insert and on_update Webhooks can exist for it (webhook.py validate_docevent).
 */
export function ledger(
  site: ErpnextSite,
  voucher: Doc,
  itemCode: string,
  warehouse: string,
  qty: number,
): void {
  if (!site.table("Warehouse").has(warehouse))
    throw new FrappeError(417, "LinkValidationError", `Could not find Warehouse: ${warehouse}`);
  const moved = moveBin(site, itemCode, warehouse, { actual: qty });
  const sle = site.insert(
    "Stock Ledger Entry",
    {
      item_code: itemCode,
      warehouse,
      actual_qty: qty,
      qty_after_transaction: moved.actual_qty,
      voucher_type: voucher.doctype,
      voucher_no: voucher.name,
    },
    { silent: true },
  );
  const stored = site.table("Stock Ledger Entry").get(sle.name) as Doc;
  stored.docstatus = 1;
  site.announce(stored, [...WEBHOOK_FACTS.insertedSubmitted]);
}
