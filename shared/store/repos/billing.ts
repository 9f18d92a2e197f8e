import type { InvoiceRecord, PaymentRecord } from "../../flows/billing/ports";
import { keys } from "../keys";
import type { StateTable } from "../state-table";

/** Invoices and payments of Wix orders, each a single-item (conditional) write. */
export class BillingRepository {
  constructor(private readonly table: StateTable) {}

  getInvoice(orderId: string): Promise<InvoiceRecord | undefined> {
    return this.table.get<InvoiceRecord>(keys.invoice(orderId));
  }

  /**
   * Claims the order's invoice for creation; false while another delivery holds a live claim or
   * the invoice is made. A crashed holder's claim is taken over once its lease has run out.
   */
  claimInvoice(orderId: string, leaseSeconds: number): Promise<boolean> {
    const now = Date.now();
    return this.table.putIf(
      keys.invoice(orderId),
      {
        orderId,
        state: "claimed",
        leaseUntil: now + leaseSeconds * 1000,
        updatedAt: new Date(now).toISOString(),
      },
      {
        ConditionExpression: "attribute_not_exists(pk) OR (#s = :claimed AND leaseUntil < :now)",
        ExpressionAttributeNames: { "#s": "state" },
        ExpressionAttributeValues: { ":claimed": "claimed", ":now": now },
      },
    );
  }

  recordInvoice(orderId: string, salesInvoice: string): Promise<void> {
    return this.table.put(keys.invoice(orderId), {
      orderId,
      state: "created",
      salesInvoice,
      leaseUntil: 0,
      updatedAt: new Date().toISOString(),
    });
  }

  /** Gives a claim up (the creation failed): the next delivery may claim it straight away. */
  async releaseInvoice(orderId: string): Promise<void> {
    await this.table.updateIf(keys.invoice(orderId), {
      UpdateExpression: "SET leaseUntil = :zero",
      ConditionExpression: "#s = :claimed",
      ExpressionAttributeNames: { "#s": "state" },
      ExpressionAttributeValues: { ":zero": 0, ":claimed": "claimed" },
    });
  }

  getPayment(transactionId: string): Promise<PaymentRecord | undefined> {
    return this.table.get<PaymentRecord>(keys.payment(transactionId));
  }

  recordPayment(record: PaymentRecord): Promise<void> {
    return this.table.put(keys.payment(record.transactionId), { ...record });
  }
}
