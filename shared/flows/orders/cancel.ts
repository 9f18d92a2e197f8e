import { NotFoundError, RetryableError } from "../../errors";
import type { OrderRecord } from "../../store/state";
import type { Outcome } from "../../store/sync-log";
import type { WixOrder } from "../../wix/types";
import type { Customers } from "./customers";
import type { OrderSyncDeps } from "./ports";
import { findSalesOrder } from "./sales-order";

export interface CancelResult {
  outcome: Outcome;
  reason: string;
  salesOrder?: string;
}

interface SalesOrderProgress {
  docstatus: number;
  per_delivered?: number;
  per_billed?: number;
  advance_paid?: number;
}

/** What stops a Sales Order from being canceled: anything delivered, billed or paid. */
function whyNotCancel(so: SalesOrderProgress, record: OrderRecord): string | undefined {
  if (Number(so.per_delivered) > 0) return "already delivered";
  if (Number(so.per_billed) > 0) return "already invoiced";
  // advance_paid also sees a payment whose worker has not recorded it on our side yet.
  if (record.paymentEntry) return `payment ${record.paymentEntry} recorded (refund it first)`;
  if (Number(so.advance_paid) > 0) return "a payment is recorded in ERPNext (refund it first)";
  return undefined;
}

/** A Wix order canceled (or rejected): its Sales Order goes too, unless something happened to it. */
export class Cancellation {
  constructor(
    private readonly deps: Pick<OrderSyncDeps, "erpnext" | "state">,
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
    const salesOrder = record.salesOrder;
    if (record.canceled) return { outcome: "skipped", reason: "already canceled", salesOrder };
    // Gone from ERPNext (our delete whose answer was lost, or deleted by hand): nothing to cancel.
    const so = await erpnext.find<SalesOrderProgress>("Sales Order", salesOrder);
    const why = so && whyNotCancel(so, record);
    if (why) {
      await state.updateOrder(order.id, { cancelNote: `not canceled: ${why}` });
      return { outcome: "failed", reason: `Sales Order ${salesOrder} not canceled: ${why}`, salesOrder };
    }
    if (so?.docstatus === 1) {
      await erpnext.update("Sales Order", salesOrder, { docstatus: 2 }).catch(async (error) => {
        // A cancel whose answer was lost, repeated, is refused as "already cancelled": fine.
        const now = await erpnext.get<{ docstatus: number }>("Sales Order", salesOrder);
        if (now.docstatus !== 2) throw error;
      });
    } else if (so?.docstatus === 0) {
      // A draft is deleted; already gone (a delete whose answer was lost) is as good.
      await erpnext.delete("Sales Order", salesOrder).catch((error) => {
        if (!(error instanceof NotFoundError)) throw error;
      });
    }
    await state.updateOrder(order.id, { canceled: true, cancelNote: "canceled" });
    await state.releasePending(order.id);
    return { outcome: "updated", reason: "canceled", salesOrder };
  }

  /**
   * A Sales Order of ours for this order that our record does not name: a creator that crashed
   * after its insert committed (its lease has lapsed since).
   */
  private async unrecordedSalesOrder(order: WixOrder): Promise<string | undefined> {
    const customer = await this.customers.known(order);
    if (!customer) return undefined;
    return (await findSalesOrder(this.deps.erpnext, order.number, customer))?.name;
  }
}
