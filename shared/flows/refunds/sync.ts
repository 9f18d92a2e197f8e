import { waitForLease } from "../../concurrency";
import { errorMessage, isRetryable, PermanentError, RetryableError } from "../../errors";
import { followAmendments } from "../amendments";
import type { Outcome } from "../records";
import type { WixPayment } from "../wix-orders";
import { creditNote as makeCreditNote } from "./credit-note";
import { planRefund, refundStatus, type WixRefund } from "./mapping";
import { accountOf, payOut } from "./payment-out";
import type { RefundRecord, RefundSyncDeps, RefundsOrder } from "./ports";
import { restock } from "./restock";

export type { RefundSyncDeps } from "./ports";

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
        restocked.push(...(await restock(this.deps, order, origin, trigger)));
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
      creditNote = await makeCreditNote(this.deps, order, plan, invoice.name, origin.salesOrder);
      await state.refunds.update(plan.refundId, { creditNote, amount: plan.amountCents / 100 });
    }
    const paymentEntry =
      record?.paymentEntry ??
      (await payOut(
        this.deps,
        plan,
        origin.customer,
        accountOf(this.deps.settings, refund, payments),
        creditNote,
        invoice?.name,
      ));
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
}
