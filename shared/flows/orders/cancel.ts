import { errorMessage, NotFoundError, PermanentError, RetryableError } from "../../errors";
import { followAmendments } from "../amendments";
import type { OrderRecord, Outcome } from "../records";
import { orderReference } from "../site-field";
import type { WixOrder } from "../wix-orders";
import type { Customers } from "./customers";
import type { OrderSyncDeps } from "./ports";
import { findSalesOrder } from "./sales-order";

export interface CancelResult {
  outcome: Outcome;
  reason: string;
  salesOrder?: string;
}

/** ERPNext's Close of the list view (whitelisted in erpnext/selling/doctype/sales_order/sales_order.py). */
export const CLOSE_SALES_ORDERS =
  "erpnext.selling.doctype.sales_order.sales_order.close_or_unclose_sales_orders";

interface SalesOrderProgress {
  docstatus: number;
  status?: string;
  customer?: string;
  po_no?: string;
  per_delivered?: number;
  per_billed?: number;
}

/** Money Wix still holds for the order (ORD `PaymentStatusEnumPaymentStatus`): it is refunded first. */
const KEPT = new Set(["PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED"]);

/** What stops a Wix order's cancel in ERPNext: goods delivered, or money the shop kept. */
function whyNotCancel(so: SalesOrderProgress, order: WixOrder): string | undefined {
  if (Number(so.per_delivered) > 0) return "already delivered";
  // Its payments stay booked either way; once all is refunded they are unlinked by the cancel.
  if (KEPT.has(String(order.paymentStatus)))
    return `${order.paymentStatus} in Wix and not refunded (refund it first)`;
  return undefined;
}

/** A Wix order canceled (or rejected): its Sales Order goes too, unless something happened to it. */
export class Cancellation {
  constructor(
    private readonly deps: Pick<OrderSyncDeps, "erpnext" | "state" | "settings">,
    private readonly customers: Customers,
  ) {}

  /** Cancel the Sales Order when nothing was delivered, billed or paid; else record why not. */
  async cancel(order: WixOrder, record: OrderRecord | undefined): Promise<CancelResult> {
    const { erpnext, state } = this.deps;
    // A creator still inside its lease records its own Sales Order (and honours cancelRequested).
    const creating = record?.state === "claimed" && Number(record.leaseUntil ?? 0) > Date.now();
    const adopted = record?.salesOrder || creating ? undefined : await this.unrecordedSalesOrder(order);
    if (adopted) {
      await state.updateOrder(order.id, { salesOrder: adopted });
      record = { ...(record as OrderRecord), salesOrder: adopted };
    }
    if (!record?.salesOrder) {
      // Never created: record it as canceled so a late "approved" delivery creates nothing. That
      // write fails while another delivery is creating it: then leave a request the creator
      // honours, and come back until its Sales Order is there to cancel.
      if (await state.cancelBeforeCreate(order.id, order.number, order.updatedDate)) {
        await state.releasePending(order.id);
        return { outcome: "skipped", reason: "canceled before a Sales Order existed" };
      }
      await state.updateOrder(order.id, { cancelRequested: true });
      record = await state.getOrder(order.id);
      if (!record?.salesOrder)
        throw new RetryableError(`order ${order.number} is being created: its cancellation follows`);
    }
    if (record.canceled)
      return { outcome: "skipped", reason: "already canceled", salesOrder: record.salesOrder };
    // Amended in ERPNext: the live amendment is cancelled (or closed), not the cancelled original.
    const salesOrder = await followAmendments(this.deps, order.id, record.salesOrder);
    // Gone from ERPNext (our delete whose answer was lost, or deleted by hand): nothing to cancel.
    const so = await erpnext.find<SalesOrderProgress>("Sales Order", salesOrder);
    const why = so && whyNotCancel(so, order);
    if (why) return this.notCanceled(order, salesOrder, why);
    let done = "canceled";
    if (so?.docstatus === 1) {
      // A submitted invoice (or its Credit Note) naming the order forbids its cancel (Frappe's
      // link check; its on_cancel ignores only ledger entries): credited in full, it is closed.
      const invoices = await this.invoicesOf(so, order);
      if (invoices.length) {
        const billed = invoices.reduce((n, si) => n + Math.round(Number(si.grand_total) * 100), 0);
        if (billed > 0)
          return this.notCanceled(
            order,
            salesOrder,
            `invoiced by ${invoices[0]?.name}, not credited in full yet`,
          );
        if (so.status !== "Closed")
          await erpnext.call(CLOSE_SALES_ORDERS, { names: JSON.stringify([salesOrder]), status: "Closed" });
        done = "closed: invoiced and credited in full (an invoiced Sales Order cannot be cancelled)";
      } else if (Number(so.per_billed) > 0) {
        return this.notCanceled(order, salesOrder, "invoiced by an invoice we did not make");
      } else {
        await this.cancelSubmitted(salesOrder);
      }
    } else if (so?.docstatus === 0) {
      // A draft is deleted; already gone (a delete whose answer was lost) is as good.
      await erpnext.delete("Sales Order", salesOrder).catch((error) => {
        if (!(error instanceof NotFoundError)) throw error;
      });
    }
    await state.updateOrder(order.id, { canceled: true, cancelNote: done });
    await state.releasePending(order.id);
    return { outcome: "updated", reason: done, salesOrder };
  }

  private async notCanceled(order: WixOrder, salesOrder: string, why: string): Promise<CancelResult> {
    await this.deps.state.updateOrder(order.id, { cancelNote: `not canceled: ${why}` });
    return { outcome: "failed", reason: `Sales Order ${salesOrder} not canceled: ${why}`, salesOrder };
  }

  /** Our submitted invoices and Credit Notes of the order (po_no, copied from the Sales Order). */
  private invoicesOf(so: SalesOrderProgress, order: WixOrder) {
    return this.deps.erpnext.list<{ name: string; grand_total: number }>("Sales Invoice", {
      fields: ["name", "grand_total"],
      filters: [
        ["po_no", "=", so.po_no || this.reference(order)],
        ["customer", "=", so.customer ?? ""],
        ["docstatus", "=", 1],
      ],
      pageLength: 100,
    });
  }

  private reference(order: WixOrder): string {
    return orderReference(order.number, this.deps.settings.site);
  }

  /**
   * Cancels a submitted order; its payments are unlinked by ERPNext and stay booked (Accounts
   * Settings `unlink_advance_payment_on_cancelation_of_order`, AccountsController.on_cancel in
   * erpnext/controllers/accounts_controller.py); with that setting off ERPNext refuses.
   */
  private async cancelSubmitted(salesOrder: string): Promise<void> {
    const { erpnext } = this.deps;
    await erpnext.update("Sales Order", salesOrder, { docstatus: 2 }).catch(async (error) => {
      // A cancel whose answer was lost, repeated, is refused as "already cancelled": fine.
      const now = await erpnext.get<{ docstatus: number }>("Sales Order", salesOrder);
      if (now.docstatus === 2) return;
      if (/LinkExistsError.*Payment Entry/.test(errorMessage(error)))
        throw new PermanentError(
          `Sales Order ${salesOrder} not canceled: ERPNext keeps its payment linked; turn on Accounts Settings "Unlink Advance Payment on Cancellation of Order" and redrive (${errorMessage(error)})`,
        );
      throw error;
    });
  }

  /**
   * A Sales Order of ours for this order that our record does not name: a creator that crashed
   * after its insert committed (its lease has lapsed since).
   */
  private async unrecordedSalesOrder(order: WixOrder): Promise<string | undefined> {
    const customer = await this.customers.known(order);
    if (!customer) return undefined;
    return (await findSalesOrder(this.deps.erpnext, this.reference(order), customer))?.name;
  }
}
