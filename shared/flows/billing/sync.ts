import { waitForLease } from "../../concurrency";
import { RetryableError } from "../../errors";
import { followAmendments } from "../amendments";
import type { Outcome } from "../records";
import type { WixOrder } from "../wix-orders";
import { ensureSalesInvoice, type SalesInvoiceHead } from "./invoice";
import { PaymentBooking, settledPayments } from "./payments";
import type { BillingDeps } from "./ports";

export type { BillingDeps } from "./ports";

/** One order's billing run at a time: longer than an invoice plus a few payments take. */
const ORDER_LEASE_SECONDS = 120;
/**
 * How long a delivery waits for another run of the same order before giving up retryably. Wix
 * sends a payment's events together (details_updated, payment_status_updated, and the orders
 * flow passes it on), so they meet often; a run takes about a second, a retry half a minute.
 */
const LEASE_WAIT_MS = 10_000;
const LEASE_POLL_MS = 200;

export interface BillingResult {
  outcome: Outcome;
  reason?: string;
  salesInvoice?: string;
  /** Payment Entries made by this run. */
  paymentEntries: string[];
}

/**
 * A Wix order's invoice and payments in ERPNext, each exactly once. Every message re-reads the
 * order and its transactions and reconciles the whole list (spec §2.4): each settled payment has
 * its Payment Entry, and the invoice exists once INVOICE_ON says it should. Copies of events, and
 * events out of order, find everything done.
 */
export class BillingSync {
  private readonly payments: PaymentBooking;

  constructor(private readonly deps: BillingDeps) {
    this.payments = new PaymentBooking(deps);
  }

  async sync(orderId: string, trigger: { source?: string; changedAt?: string } = {}): Promise<BillingResult> {
    const result = await this.reconcile(orderId);
    const latencyMs = trigger.changedAt ? Math.max(0, Date.now() - Date.parse(trigger.changedAt)) : undefined;
    await this.deps.log.write({
      flow: "billing",
      key: orderId,
      outcome: result.outcome,
      reason: result.reason,
      latencyMs,
      details: {
        salesInvoice: result.salesInvoice,
        paymentEntries: result.paymentEntries,
        via: trigger.source,
      },
    });
    await this.deps.state.markSuccess("billing");
    return result;
  }

  private async reconcile(orderId: string): Promise<BillingResult> {
    const { state, settings, wix } = this.deps;
    const nothing = (reason: string): BillingResult => ({ outcome: "skipped", reason, paymentEntries: [] });
    if (!settings.submit) return nothing("Sales Orders stay drafts (ORDER_SUBMIT=false): nothing is billed");
    const record = await state.getOrder(orderId);
    // The orders flow sends this order again once its Sales Order exists.
    if (record?.canceled) return nothing("order canceled");
    if (record?.state !== "created" || !record.salesOrder) return nothing("no Sales Order yet");
    // Amended in ERPNext: billed and paid on the live amendment, not the cancelled one.
    const salesOrder = await followAmendments(this.deps, orderId, record.salesOrder);

    // Deliveries of one order run one after another: an invoice being made while a payment is
    // allocated to the order would leave that payment outside the invoice.
    const lease = `billing:${orderId}`;
    if (!(await this.claimOrder(lease)))
      throw new RetryableError(`the billing of order ${orderId} is in progress`);
    try {
      const order = await wix.getOrder(orderId);
      if (!order) throw new RetryableError(`Wix order ${orderId} not found`);
      if (order.status === "CANCELED" || order.status === "REJECTED")
        return nothing(`order is ${order.status}`);
      const tx = (await wix.orderTransactions([orderId])).get(orderId);
      const settled = settledPayments(tx);
      const invoice = await this.invoiceIfDue(order, salesOrder, settled.length > 0);
      const made: string[] = [];
      for (const payment of settled) {
        const { record: paid, booked } = await this.payments.book(order, salesOrder, payment, invoice);
        if (booked && paid.paymentEntry) made.push(paid.paymentEntry);
      }
      const reasons = [
        invoice?.created ? `invoice ${invoice.name}` : undefined,
        made.length ? `payment ${made.join(", ")}` : undefined,
      ].filter(Boolean);
      return {
        outcome: invoice?.created ? "created" : made.length ? "updated" : "skipped",
        reason: reasons.length ? reasons.join("; ") : "nothing new to bill",
        salesInvoice: invoice?.name,
        paymentEntries: made,
      };
    } finally {
      await state.release(lease);
    }
  }

  private claimOrder(lease: string): Promise<boolean> {
    return waitForLease(() => this.deps.state.claim(lease, ORDER_LEASE_SECONDS), {
      waitMs: LEASE_WAIT_MS,
      pauseMs: LEASE_POLL_MS,
    });
  }

  /**
   * The order's invoice: the one made already, or a new one when INVOICE_ON says it is due (on
   * the order, on its first payment, once its Sales Order is fully delivered), else none.
   */
  private async invoiceIfDue(
    order: WixOrder,
    salesOrder: string,
    paid: boolean,
  ): Promise<(SalesInvoiceHead & { created: boolean }) | undefined> {
    const { state, settings, erpnext } = this.deps;
    const known = await state.billing.getInvoice(order.id);
    if (known?.state === "created")
      return { ...(await ensureSalesInvoice(this.deps, { orderId: order.id, order })), created: false };
    let due: boolean;
    switch (settings.invoiceOn) {
      case "order":
        due = true;
        break;
      case "payment":
        due = paid;
        break;
      case "fulfilment": {
        // Fulfilled: every row delivered by submitted Delivery Notes (`per_delivered`, set by
        // erpnext/controllers/status_updater.py).
        const so = await erpnext.get<{ per_delivered?: number }>("Sales Order", salesOrder);
        due = Number(so.per_delivered ?? 0) >= 100;
        break;
      }
      case "never":
        due = false;
        break;
    }
    if (!due) return undefined;
    return { ...(await ensureSalesInvoice(this.deps, { orderId: order.id, order })), created: true };
  }
}
