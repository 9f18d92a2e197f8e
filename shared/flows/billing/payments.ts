import { PermanentError } from "../../errors";
import type { WixOrder, WixOrderTransactions, WixPayment, WixRefund } from "../wix-orders";
import { paymentAccountFor, paymentMethodLabel } from "./accounts";
import { cents, type SalesInvoiceHead } from "./invoice";
import type { BillingDeps, PaymentRecord } from "./ports";

/**
 * Payment statuses whose money reached the merchant (`Payment.status`, @wix/auto_sdk_ecom_order-
 * transactions meta.d.ts). A payment refunded later keeps its Payment Entry (the refund is booked
 * on its own); AUTHORIZED, PENDING and the failed ones are not money yet, or never.
 */
const SETTLED = new Set(["APPROVED", "REFUNDED", "PARTIALLY_REFUNDED"]);

/** The Custom Field on Payment Entry holding the Wix payment id (made by the setup command). */
export const TRANSACTION_FIELD = "wix_transaction_id";

/** The order's payments that are money received, oldest first. */
export function settledPayments(tx: WixOrderTransactions | undefined): (WixPayment & { id: string })[] {
  return (tx?.payments ?? [])
    .filter((p): p is WixPayment & { id: string } => Boolean(p.id) && received(p, tx?.refunds ?? []))
    .filter((p) => cents(p.amount?.amount) > 0)
    .sort((a, b) => String(a.createdDate ?? "").localeCompare(String(b.createdDate ?? "")));
}

/**
 * Whether the payment's money reached the merchant. VOIDED is either: "Gift card and membership
 * payments don't support partial refunds, so a full refund of one is reported as `VOIDED` rather
 * than `REFUNDED`" (`PaymentStatus.VOIDED`, meta.d.ts), money received then given back, which a
 * refund of that payment shows; or a void that released what it held before it was charged (an
 * authorization: Void Authorized Payments takes only AUTHORIZED ones, @wix/auto_sdk_ecom_order-
 * billing meta.d.ts; a gift card or membership rolled back or voided without a refund).
 */
function received(payment: WixPayment, refunds: WixRefund[]): boolean {
  if (SETTLED.has(String(payment.status))) return true;
  if (payment.status !== "VOIDED") return false;
  if (!payment.giftcardPaymentDetails && !payment.membershipPaymentDetails) return false;
  return refunds.some((r) =>
    r.transactions?.some((t) => t.paymentId === payment.id && t.refundStatus !== "FAILED"),
  );
}

interface Outstanding {
  doctype: "Sales Invoice" | "Sales Order";
  name: string;
  customer: string;
  outstanding: number;
  /** The invoice's receivable account (the Payment Entry's `paid_from` must match it). */
  receivable?: string;
  /** Its `po_no`: the order's reference in ERPNext (shared/flows/site-field.ts orderReference). */
  reference?: string;
}

/**
 * One Payment Entry per Wix payment, found again by its id: our record first, then the
 * `wix_transaction_id` Custom Field in ERPNext (an insert whose answer or record was lost). It is
 * allocated to the invoice when there is one, else to the Sales Order, and never above what is
 * outstanding there (validate_allocated_amount_with_latest_data,
 * erpnext/accounts/doctype/payment_entry/payment_entry.py): money already booked by hand is not
 * booked twice. The caller holds the order's billing lease.
 */
export class PaymentBooking {
  constructor(private readonly deps: Pick<BillingDeps, "erpnext" | "state" | "settings">) {}

  /** The payment's record after booking it; `booked` says whether this call made the entry. */
  async book(
    order: WixOrder,
    salesOrder: string,
    payment: WixPayment & { id: string },
    invoice?: SalesInvoiceHead,
  ): Promise<{ record: PaymentRecord; booked: boolean }> {
    const { state } = this.deps;
    const known = await state.billing.getPayment(payment.id);
    if (known) return { record: known, booked: false };
    const amount = cents(payment.amount?.amount) / 100;
    const base = {
      transactionId: payment.id,
      orderId: order.id,
      amount,
      updatedAt: new Date().toISOString(),
    };
    const existing = await this.findEntry(payment.id);
    if (existing) {
      const record = { ...base, paymentEntry: existing };
      await state.billing.recordPayment(record);
      return { record, booked: false };
    }
    const target = await this.outstanding(salesOrder, invoice);
    const allocated = Math.min(cents(payment.amount?.amount), cents(target.outstanding)) / 100;
    if (allocated <= 0) {
      const record = { ...base, skipped: `nothing outstanding on ${target.doctype} ${target.name}` };
      await state.billing.recordPayment(record);
      return { record, booked: false };
    }
    const account = paymentAccountFor(payment, this.deps.settings);
    if (!account)
      throw new PermanentError(
        `no account for ${paymentMethodLabel(payment)} payments: set ERPNEXT_PAYMENT_ACCOUNT or ERPNEXT_PAYMENT_ACCOUNTS`,
      );
    const name = await this.insert(order, payment, target, allocated, account);
    const record = { ...base, paymentEntry: name, account };
    await state.billing.recordPayment(record);
    return { record, booked: true };
  }

  private async insert(
    order: WixOrder,
    payment: WixPayment & { id: string },
    target: Outstanding,
    amount: number,
    account: string,
  ): Promise<string> {
    const today = new Date().toISOString().slice(0, 10);
    const doc: Record<string, unknown> = {
      payment_type: "Receive",
      party_type: "Customer",
      party: target.customer,
      company: this.deps.settings.company,
      posting_date: today,
      paid_amount: amount,
      received_amount: amount,
      paid_to: account,
      // The receivable: the invoice's debit_to (validate_reference_documents); for an order
      // ERPNext takes the party's default.
      ...(target.receivable ? { paid_from: target.receivable } : {}),
      // Mandatory for a Bank account: the order's reference, as on its Sales Order and invoice
      // (`po_no`: the order number, site-prefixed on a site but the default).
      reference_no: target.reference || order.number,
      reference_date: String(payment.createdDate ?? today).slice(0, 10),
      [TRANSACTION_FIELD]: payment.id,
      remarks: `Wix order ${order.number}, ${paymentMethodLabel(payment)} payment ${payment.id}`,
      references: [
        { reference_doctype: target.doctype, reference_name: target.name, allocated_amount: amount },
      ],
      docstatus: 1,
    };
    try {
      return (await this.deps.erpnext.insert<{ name: string }>("Payment Entry", doc)).name;
    } catch (error) {
      // The insert may have committed with its answer lost: if it is there, it is ours.
      const committed = await this.findEntry(payment.id);
      if (!committed) throw error;
      return committed;
    }
  }

  private async findEntry(transactionId: string): Promise<string | undefined> {
    const [found] = await this.deps.erpnext.list<{ name: string }>("Payment Entry", {
      fields: ["name"],
      filters: [
        [TRANSACTION_FIELD, "=", transactionId],
        ["docstatus", "!=", 2],
      ],
      pageLength: 1,
    });
    return found?.name;
  }

  /** Re-read now: an earlier payment of this order moved it. */
  private async outstanding(salesOrder: string, invoice?: SalesInvoiceHead): Promise<Outstanding> {
    const { erpnext } = this.deps;
    if (invoice) {
      const si = await erpnext.get<{
        customer: string;
        outstanding_amount: number;
        debit_to?: string;
        po_no?: string;
      }>("Sales Invoice", invoice.name);
      return {
        doctype: "Sales Invoice",
        name: invoice.name,
        customer: si.customer,
        reference: si.po_no,
        outstanding: Number(si.outstanding_amount),
        receivable: si.debit_to,
      };
    }
    const so = await erpnext.get<{
      customer: string;
      grand_total: number;
      advance_paid?: number;
      po_no?: string;
    }>("Sales Order", salesOrder);
    // grand_total (rounded_total is 0, rounding being disabled) less what was paid already.
    return {
      doctype: "Sales Order",
      name: salesOrder,
      customer: so.customer,
      reference: so.po_no,
      outstanding: (cents(so.grand_total) - cents(so.advance_paid)) / 100,
    };
  }
}
