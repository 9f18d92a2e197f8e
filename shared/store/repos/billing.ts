import { keys } from "../keys";
import type { StateTable } from "../state-table";

/** The Sales Invoice of one Wix order: claimed by one delivery, then created exactly once. */
export interface InvoiceRecord {
  orderId: string;
  state: "claimed" | "created";
  salesInvoice?: string;
  /** Epoch ms until which a claim is held; 0 releases it. */
  leaseUntil: number;
  updatedAt: string;
}

/** What became of one Wix payment transaction: its Payment Entry, or why it needs none. */
export interface PaymentRecord {
  transactionId: string;
  orderId: string;
  paymentEntry?: string;
  /** Booked without a Payment Entry: nothing was outstanding when it came. */
  skipped?: string;
  amount: number;
  account?: string;
  updatedAt: string;
}

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
