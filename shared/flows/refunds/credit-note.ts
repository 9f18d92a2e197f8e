import { PermanentError } from "../../errors";
import { type MappedReturn, type RefundPlan, type SalesOrderDoc, toCreditNote } from "./mapping";
import type { RefundSyncDeps, RefundsOrder } from "./ports";

/** The Sales Invoice return mapper (erpnext/accounts/doctype/sales_invoice/sales_invoice.py). */
export const INVOICE_RETURN = "erpnext.accounts.doctype.sales_invoice.sales_invoice.make_sales_return";

/**
 * The Credit Note: mapped from the invoice by ERPNext, trimmed (toCreditNote), inserted as a
 * draft, checked against the Wix amount to the cent, then submitted. One already made for this
 * refund (`wix_refund_id`, a crash after the insert) is taken instead.
 */
export async function creditNote(
  deps: Pick<RefundSyncDeps, "erpnext">,
  order: RefundsOrder,
  plan: RefundPlan,
  invoice: string,
  salesOrder: string,
): Promise<string> {
  const { erpnext } = deps;
  let note: { name: string; docstatus: number; grand_total: number } | undefined;
  [note] = await erpnext.list<{ name: string; docstatus: number; grand_total: number }>("Sales Invoice", {
    fields: ["name", "docstatus", "grand_total"],
    filters: [
      ["wix_refund_id", "=", plan.refundId],
      ["is_return", "=", 1],
      ["docstatus", "!=", 2],
    ],
    pageLength: 1,
  });
  if (!note) {
    const mapped = await erpnext.call<MappedReturn>(INVOICE_RETURN, { source_name: invoice });
    const so = await erpnext.get<SalesOrderDoc>("Sales Order", salesOrder);
    const { doc } = toCreditNote(plan, order, so.items, mapped);
    const today = new Date().toISOString().slice(0, 10);
    note = await erpnext.insert<{ name: string; docstatus: number; grand_total: number }>("Sales Invoice", {
      ...doc,
      posting_date: today,
      set_posting_time: 1,
      wix_refund_id: plan.refundId,
      // v15: the note keeps its own negative outstanding, which the payment out settles
      // (update_outstanding_for_self, erpnext/accounts/doctype/sales_invoice/sales_invoice.json).
      update_outstanding_for_self: 1,
      remarks: `Wix refund ${plan.refundId} of order ${order.number}${plan.reason ? `: ${plan.reason}` : ""}`,
      docstatus: 0,
    });
  }
  if (note.docstatus === 0) {
    if (Math.round(note.grand_total * 100) !== -plan.amountCents)
      throw new PermanentError(
        `Credit Note ${note.name} total ${note.grand_total} differs from the refunded ${(plan.amountCents / 100).toFixed(2)}: left as a draft`,
      );
    await erpnext.update("Sales Invoice", note.name, { docstatus: 1 });
  }
  return note.name;
}
