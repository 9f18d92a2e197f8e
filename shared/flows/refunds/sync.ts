import { waitForLease } from "../../concurrency";
import { errorMessage, isRetryable, PermanentError, RetryableError } from "../../errors";
import { followAmendments } from "../amendments";
import type { Outcome } from "../records";
import type { WixPayment } from "../wix-orders";
import {
  cents,
  type MappedReturn,
  planRefund,
  type RefundPlan,
  refundStatus,
  rowOfLine,
  type SalesOrderRow,
  toCreditNote,
  type WixRefund,
} from "./mapping";
import type { RefundRecord, RefundSyncDeps, RefundsOrder } from "./ports";

export type { RefundSyncDeps } from "./ports";

/** The return mappers (erpnext/accounts/doctype/sales_invoice/sales_invoice.py, stock/doctype/delivery_note/delivery_note.py). */
export const INVOICE_RETURN = "erpnext.accounts.doctype.sales_invoice.sales_invoice.make_sales_return";
export const DELIVERY_RETURN = "erpnext.stock.doctype.delivery_note.delivery_note.make_sales_return";

/** How long one delivery holds an order's refunds while it books them. */
const LEASE_SECONDS = 120;
/** How often, and how long apart, a delivery that meets the lease tries again before it gives up. */
const LEASE_WAITS = 20;
const LEASE_WAIT_MS = 250;

export interface RefundSyncResult {
  outcome: Outcome;
  reason?: string;
  booked: string[];
  restocked: string[];
}

/** The Sales Order and customer the orders flow made for the Wix order, and whether it is canceled. */
interface Origin {
  salesOrder: string;
  customer: string;
  canceled: boolean;
}

interface SalesOrderDoc {
  name: string;
  customer: string;
  docstatus: number;
  items: (SalesOrderRow & { returned_qty?: number; delivered_qty?: number })[];
}

/**
 * Every completed Wix refund of an order in ERPNext exactly once: a Credit Note (a Sales Invoice
 * return trimmed to what was refunded) and a Payment Entry paying it out, and the goods Wix put
 * back in stock returned to the return warehouse (a Delivery Note return). Each message re-reads
 * the order's transactions and books what is missing, so duplicates, late and out-of-order events
 * and the order poll all converge on the same documents.
 */
export class RefundSync {
  constructor(private readonly deps: RefundSyncDeps) {}

  async sync(
    orderId: string,
    trigger: { retryParked?: boolean; changedAt?: string } = {},
  ): Promise<RefundSyncResult> {
    const { state, wix } = this.deps;
    // One delivery at a time per order: two would both find a refund unbooked and both book it.
    const lock = `refunds:${orderId}`;
    if (!(await this.lease(lock)))
      throw new RetryableError(`the refunds of order ${orderId} are being booked`);
    try {
      const order = await wix.getOrder(orderId);
      if (!order) throw new RetryableError(`Wix order ${orderId} not found`);
      const { refunds: listed, payments } = await wix.orderTransactions(orderId);
      const refunds = listed
        .filter((r) => r.id)
        .sort((a, b) => String(a.createdDate ?? "").localeCompare(String(b.createdDate ?? "")));
      const result = await this.reconcile(order, refunds, payments, trigger);
      const latencyMs = trigger.changedAt
        ? Math.max(0, Date.now() - Date.parse(trigger.changedAt))
        : undefined;
      await this.deps.log.write({
        flow: "refunds",
        key: orderId,
        outcome: result.outcome,
        reason: result.reason,
        latencyMs,
        details: { number: order.number, booked: result.booked, restocked: result.restocked },
      });
      // A cancel that met this order invoiced and not credited yet waits for these Credit Notes.
      if (result.booked.length && (order.status === "CANCELED" || order.status === "REJECTED"))
        await this.deps.onCanceledRefunded?.(orderId);
      if (result.outcome === "parked")
        throw new PermanentError(result.reason ?? "refund parked", { orderId });
      await state.markSuccess("refunds");
      return result;
    } finally {
      await state.release(lock);
    }
  }

  /**
   * The order's lease. Events of one refund come in twos and threes at once: a delivery that meets
   * the lease waits a few seconds for it (a booking takes about one) before it gives the message
   * back to the queue for a later try.
   */
  private lease(lock: string): Promise<boolean> {
    return waitForLease(() => this.deps.state.claim(lock, LEASE_SECONDS), {
      waitMs: LEASE_WAITS * LEASE_WAIT_MS,
      pauseMs: LEASE_WAIT_MS,
      pause: this.deps.pause,
    });
  }

  private async reconcile(
    order: RefundsOrder,
    refunds: WixRefund[],
    payments: WixPayment[],
    trigger: { retryParked?: boolean },
  ): Promise<RefundSyncResult> {
    const { state } = this.deps;
    const records = await state.refunds.getMany(refunds.map((r) => r.id as string));
    const booked: string[] = [];
    const parked: string[] = [];
    const waiting: string[] = [];
    let origin: Origin | undefined;
    for (const refund of refunds) {
      const id = refund.id as string;
      const record = records.get(id);
      if (record?.state === "booked" || record?.state === "failed") continue;
      // Parked once for this Wix state: more copies of its events park nothing more.
      if (record?.state === "parked" && record.parkedFor === order.updatedDate && !trigger.retryParked)
        continue;
      const status = refundStatus(refund);
      if (status === "pending") {
        waiting.push(id);
        continue;
      }
      if (status === "failed") {
        await this.mark(id, order.id, record, { state: "failed", reason: "every refund transaction failed" });
        continue;
      }
      try {
        origin ??= await this.origin(order);
        booked.push(await this.book(order, refund, record, origin, payments));
      } catch (error) {
        if (isRetryable(error)) throw error;
        const reason = `refund ${id}: ${errorMessage(error)}`;
        await this.mark(id, order.id, record, { state: "parked", reason, parkedFor: order.updatedDate });
        parked.push(reason);
      }
    }
    const restocked: string[] = [];
    if (order.lineItems.some((l) => (l.restockQuantity ?? 0) > 0)) {
      try {
        origin ??= await this.origin(order);
        restocked.push(...(await this.restock(order, origin, trigger)));
      } catch (error) {
        if (isRetryable(error)) throw error;
        const reason = `restock: ${errorMessage(error)}`;
        await state.refunds.putRestock({ orderId: order.id, reason, parkedFor: order.updatedDate });
        parked.push(reason);
      }
    }
    if (parked.length) return { outcome: "parked", reason: parked.join("; "), booked, restocked };
    if (booked.length || restocked.length)
      return {
        outcome: booked.length ? "created" : "updated",
        reason: [
          booked.length ? `booked ${booked.join(", ")}` : "",
          restocked.length ? `returned ${restocked.join(", ")}` : "",
        ]
          .filter(Boolean)
          .join("; "),
        booked,
        restocked,
      };
    return {
      outcome: "skipped",
      reason: waiting.length ? `waiting for refund(s) ${waiting.join(", ")} to complete` : "nothing to book",
      booked,
      restocked,
    };
  }

  private async mark(
    refundId: string,
    orderId: string,
    record: RefundRecord | undefined,
    patch: Partial<RefundRecord>,
  ): Promise<void> {
    if (!record) await this.deps.state.refunds.start(refundId, orderId);
    await this.deps.state.refunds.update(refundId, patch);
  }

  /** The Sales Order the orders flow made for this Wix order: a refund needs it first. */
  private async origin(order: RefundsOrder): Promise<Origin> {
    const record = await this.deps.state.getOrder(order.id);
    if (!record?.salesOrder || !record.customer)
      throw new RetryableError(`order ${order.number} has no Sales Order yet`);
    // Amended in ERPNext: credited and restocked against the live amendment's rows.
    const salesOrder = await followAmendments(this.deps, order.id, record.salesOrder);
    return { salesOrder, customer: record.customer, canceled: Boolean(record.canceled) };
  }

  /**
   * Invoice-then-credit is for an order that is sold. A canceled one is not invoiced for its
   * refund: the money goes back out unallocated to the customer, beside its payment in, and its
   * Sales Order can still be cancelled (ERPNext refuses to cancel an invoiced one; orders/cancel.ts).
   */
  private sold(order: RefundsOrder, origin: Origin): boolean {
    return !origin.canceled && order.status !== "CANCELED" && order.status !== "REJECTED";
  }

  /** One refund: its Credit Note, then the payment out. Each step is found again before it is made. */
  private async book(
    order: RefundsOrder,
    refund: WixRefund,
    record: RefundRecord | undefined,
    origin: Origin,
    payments: WixPayment[],
  ): Promise<string> {
    const { state } = this.deps;
    const plan = planRefund(refund, order);
    if (!record) await state.refunds.start(plan.refundId, order.id);
    const invoice = await this.deps.invoices.invoiceFor(order.id, { make: this.sold(order, origin) });
    let creditNote = record?.creditNote;
    if (invoice && !creditNote) {
      creditNote = await this.creditNote(order, plan, invoice.name, origin.salesOrder);
      await state.refunds.update(plan.refundId, { creditNote, amount: plan.amountCents / 100 });
    }
    const paymentEntry =
      record?.paymentEntry ??
      (await this.payOut(plan, origin.customer, this.accountOf(refund, payments), creditNote, invoice?.name));
    await state.refunds.update(plan.refundId, {
      state: "booked",
      paymentEntry,
      amount: plan.amountCents / 100,
      reason: creditNote
        ? undefined
        : "no invoice (INVOICE_ON=never, or the order is canceled): paid out unallocated",
    });
    return creditNote ? `${creditNote} + ${paymentEntry}` : paymentEntry;
  }

  /**
   * The Credit Note: mapped from the invoice by ERPNext, trimmed (toCreditNote), inserted as a
   * draft, checked against the Wix amount to the cent, then submitted. One already made for this
   * refund (`wix_refund_id`, a crash after the insert) is taken instead.
   */
  private async creditNote(order: RefundsOrder, plan: RefundPlan, invoice: string, salesOrder: string) {
    const { erpnext } = this.deps;
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

  /**
   * The money out: a Payment Entry `Pay` to the customer (EN payment_entry.py `get_payment_entry`
   * with `set_payment_type`: a Sales Invoice with outstanding <= 0 is paid, from the bank to the
   * receivable), allocated with a negative amount to whichever of the Credit Note and the invoice
   * carries the negative outstanding (the note with `update_outstanding_for_self`, else the
   * invoice); unallocated when neither does or the shop does not invoice.
   */
  /**
   * The account the refunded money came into: the payment its first transaction names
   * (`RefundTransaction.paymentId`, @wix/auto_sdk_ecom_order-transactions meta.d.ts), else the
   * default. A refund spread over payments of different accounts leaves from the first one's.
   */
  private accountOf(refund: WixRefund, payments: WixPayment[]): string | undefined {
    const { settings } = this.deps;
    const paymentId = refund.transactions?.find((t) => t.paymentId)?.paymentId;
    const payment = payments.find((p) => p.id === paymentId);
    return (payment && settings.paymentAccountFor?.(payment)) ?? settings.paymentAccount;
  }

  private async payOut(
    plan: RefundPlan,
    customer: string,
    account: string | undefined,
    creditNote?: string,
    invoice?: string,
  ): Promise<string> {
    const { erpnext, settings } = this.deps;
    const [existing] = await erpnext.list<{ name: string }>("Payment Entry", {
      fields: ["name"],
      filters: [
        ["wix_transaction_id", "=", plan.refundId],
        ["docstatus", "!=", 2],
      ],
      pageLength: 1,
    });
    if (existing) return existing.name;
    if (!account) throw new PermanentError("a refund is paid out but ERPNEXT_PAYMENT_ACCOUNT is not set");
    const amount = plan.amountCents / 100;
    let references: Record<string, unknown>[] = [];
    let receivable: string | undefined;
    for (const name of [creditNote, invoice]) {
      if (!name) continue;
      const doc = await erpnext.get<{ outstanding_amount: number; debit_to: string }>("Sales Invoice", name);
      receivable ??= doc.debit_to;
      const outstanding = cents(doc.outstanding_amount);
      if (outstanding < 0) {
        // Never more negative than the outstanding (validate_allocated_amount_with_latest_data).
        const allocated = Math.max(outstanding, -plan.amountCents) / 100;
        references = [
          { reference_doctype: "Sales Invoice", reference_name: name, allocated_amount: allocated },
        ];
        break;
      }
    }
    const today = new Date().toISOString().slice(0, 10);
    const pe = await erpnext.insert<{ name: string }>("Payment Entry", {
      payment_type: "Pay",
      party_type: "Customer",
      party: customer,
      company: settings.company,
      posting_date: today,
      paid_from: account,
      ...(receivable ? { paid_to: receivable } : {}),
      paid_amount: amount,
      received_amount: amount,
      reference_no: plan.refundId,
      reference_date: today,
      wix_transaction_id: plan.refundId,
      remarks: `Wix refund ${plan.refundId}`,
      references,
      docstatus: 1,
    });
    return pe.name;
  }

  /**
   * Goods back in stock: Wix's `restockQuantity` per line (the truth, re-read each time) against
   * what ERPNext already has back (the Sales Order row's `returned_qty`, which a submitted Delivery
   * Note return raises: erpnext/stock/doctype/delivery_note/delivery_note.py status_updater), so a
   * return is never made twice. Returns need a submitted Delivery Note (spec §3.5): without one
   * the restock is parked with that reason.
   */
  private async restock(
    order: RefundsOrder,
    origin: Origin,
    trigger: { retryParked?: boolean },
  ): Promise<string[]> {
    const { erpnext, state, settings } = this.deps;
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
}
