import { RetryableError } from "../../errors";
import { orderSkus } from "../order-holds";
import type { Outcome } from "../records";
import { parkReason } from "../records";
import type { WixOrder } from "../wix-orders";
import { Addresses } from "./addresses";
import { Cancellation } from "./cancel";
import { Customers } from "./customers";
import type { OrderSyncDeps } from "./ports";
import { SalesOrders } from "./sales-order";

export type { OrderSyncDeps } from "./ports";

/**
 * Every Wix order in ERPNext exactly once. The order in Wix is the truth: each message re-reads
 * it and moves ERPNext to match, whatever the event said and in whatever order events came.
 */
export class OrderSync {
  private readonly salesOrders: SalesOrders;
  private readonly cancellation: Cancellation;

  constructor(private readonly deps: OrderSyncDeps) {
    const customers = new Customers(deps);
    this.salesOrders = new SalesOrders(deps, customers, new Addresses(deps));
    this.cancellation = new Cancellation(deps, customers);
  }

  async sync(
    orderId: string,
    trigger: { eventType?: string; changedAt?: string; retryParked?: boolean } = {},
  ): Promise<{ outcome: Outcome; reason?: string; salesOrder?: string }> {
    const { wix, state } = this.deps;
    const order = await wix.getOrder(orderId);
    // Announced but not readable yet (or gone): retry for a while; five tries end in the DLQ.
    if (!order) throw new RetryableError(`Wix order ${orderId} not found`);
    let record = await state.getOrder(orderId);
    let result: { outcome: Outcome; reason?: string; salesOrder?: string };

    // REJECTED: its pending payment failed (OrderStatus in @wix/auto_sdk_ecom_orders); as canceled.
    if (order.status === "CANCELED" || order.status === "REJECTED") {
      result = await this.cancellation.cancel(order, record);
    } else if (!this.shouldCreate(order)) {
      // Wix has taken the stock already: hold it until ERPNext reserves it.
      await state.holdPending(order.id, await orderSkus(order, state));
      result = { outcome: "skipped", reason: `order is ${order.status}, waiting for approval` };
    } else if (record?.state === "parked" && record.parkedFor === order.updatedDate && !trigger.retryParked) {
      // Parked once for this Wix state: more copies of its events (or polls) park nothing more.
      // A person's redrive (retryParked) tries it again after fixing the cause.
      result = { outcome: "skipped", reason: `already parked: ${parkReason(record) ?? "see the DLQ"}` };
    } else {
      const isNew = record?.state !== "created";
      if (isNew || !record) record = await this.salesOrders.create(order);
      if (record.canceled) {
        // Canceled (by a cancel that met this order first): nothing to create or pay.
        result = {
          outcome: "skipped",
          reason: record.salesOrder ? "canceled" : "canceled before a Sales Order existed",
          salesOrder: record.salesOrder,
        };
      } else if (isNew && (await this.canceledMeanwhile(order.id))) {
        // Canceled while we were creating it: a cancel that met our claim left it to us.
        result = await this.cancellation.cancel(order, await state.getOrder(order.id));
      } else {
        result = {
          outcome: isNew ? "created" : "skipped",
          reason: isNew ? undefined : "already in ERPNext",
          salesOrder: record.salesOrder,
        };
        // Invoices and payments are the billing flow's: a new order (INVOICE_ON=order) or one
        // with money on it goes there; it re-reads the payments and books each one once.
        if (record.salesOrder && this.deps.settings.submit && (isNew || hasPayments(order)))
          await this.deps.onBillable?.(order);
      }
    }
    const latencyMs = trigger.changedAt ? Math.max(0, Date.now() - Date.parse(trigger.changedAt)) : undefined;
    await this.deps.log.write({
      flow: "orders",
      key: orderId,
      outcome: result.outcome,
      reason: result.reason,
      latencyMs,
      details: { number: order.number, salesOrder: result.salesOrder },
    });
    return result;
  }

  /**
   * After a create: did a cancel meet our claim while we made it? Our record says so; a cancel
   * not yet delivered (or lost: the order poll re-sends it) finds the recorded Sales Order
   * later, so no second Wix read (the Wix budget is about 200 calls a minute).
   */
  private async canceledMeanwhile(orderId: string): Promise<boolean> {
    return Boolean((await this.deps.state.getOrder(orderId))?.cancelRequested);
  }

  private shouldCreate(order: WixOrder): boolean {
    if (order.status === "APPROVED") return true;
    return this.deps.settings.createOn === "created" && order.status === "PENDING";
  }
}

/** Some money is on the order (ORD `PaymentStatusEnumPaymentStatus`). */
function hasPayments(order: WixOrder): boolean {
  return (
    order.paymentStatus === "PAID" ||
    order.paymentStatus === "PARTIALLY_PAID" ||
    order.paymentStatus === "PARTIALLY_REFUNDED" ||
    order.paymentStatus === "FULLY_REFUNDED"
  );
}
