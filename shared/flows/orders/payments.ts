import { PermanentError, RetryableError } from "../../errors";
import type { OrderRecord } from "../../store/state";
import type { WixOrder } from "../../wix/types";
import type { OrderSyncDeps } from "./ports";

interface PayableSalesOrder {
  name: string;
  grand_total: number;
  advance_paid?: number;
  customer: string;
  docstatus: number;
}

/** A paid order gets one Payment Entry against its submitted Sales Order. */
export class Payments {
  constructor(private readonly deps: Pick<OrderSyncDeps, "erpnext" | "state" | "settings">) {}

  /** The Payment Entry recorded now, or undefined when there was nothing to record. */
  async record(order: WixOrder, record: OrderRecord): Promise<string | undefined> {
    const { erpnext, state, settings } = this.deps;
    if (order.paymentStatus !== "PAID" || record.paymentEntry || !record.salesOrder || !settings.submit)
      return undefined;
    if (!settings.paymentAccount)
      throw new PermanentError("order is paid but ERPNEXT_PAYMENT_ACCOUNT is not set");
    const so = await erpnext.get<PayableSalesOrder>("Sales Order", record.salesOrder);
    if (so.docstatus !== 1) return undefined;
    // Two deliveries of one paid order at once must not both pay it: each would find no payment
    // and insert one (ERPNext refuses the second allocation, or books both if they validate
    // together). A lease on the order's payment, as for customers and addresses.
    const lock = `payment:${order.id}`;
    if (!(await state.claim(lock, 60)))
      throw new RetryableError(`the payment of order ${order.number} is being recorded`);
    try {
      return await this.insert(order, record, so);
    } finally {
      await state.release(lock);
    }
  }

  /** The order's Payment Entry, looked up by reference before one is inserted (under the lease). */
  private async insert(
    order: WixOrder,
    record: OrderRecord,
    so: PayableSalesOrder,
  ): Promise<string | undefined> {
    const { erpnext, state, settings } = this.deps;
    const existing = await erpnext.list<{ name: string }>("Payment Entry", {
      fields: ["name"],
      filters: [
        ["reference_no", "=", order.number],
        ["party", "=", so.customer],
        ["docstatus", "!=", 2],
      ],
      pageLength: 1,
    });
    let name = existing[0]?.name;
    // ERPNext refuses to allocate more than is outstanding: grand_total (rounded_total is 0, rounding
    // being disabled) less what was paid already (validate_allocated_amount,
    // erpnext/accounts/doctype/payment_entry/payment_entry.py). Paid in full by hand: nothing to add.
    const outstanding = Math.round((so.grand_total - Number(so.advance_paid ?? 0)) * 100) / 100;
    if (!name && outstanding <= 0) return undefined;
    if (!name) {
      const today = new Date().toISOString().slice(0, 10);
      const pe = await erpnext.insert<{ name: string }>("Payment Entry", {
        payment_type: "Receive",
        party_type: "Customer",
        party: so.customer,
        company: settings.company,
        posting_date: today,
        paid_amount: outstanding,
        received_amount: outstanding,
        paid_to: settings.paymentAccount,
        reference_no: order.number,
        reference_date: today,
        references: [
          { reference_doctype: "Sales Order", reference_name: so.name, allocated_amount: outstanding },
        ],
        docstatus: 1,
      });
      name = pe.name;
    }
    await state.updateOrder(order.id, { paymentEntry: name });
    record.paymentEntry = name;
    return name;
  }
}
