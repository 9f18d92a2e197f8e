import { PermanentError } from "../../errors";
import type { WixPayment } from "../wix-orders";
import { cents, type RefundPlan, type WixRefund } from "./mapping";
import type { RefundSyncDeps } from "./ports";

/**
 * The account the refunded money came into: the payment its first transaction names
 * (`RefundTransaction.paymentId`, @wix/auto_sdk_ecom_order-transactions meta.d.ts), else the
 * default. A refund spread over payments of different accounts leaves from the first one's.
 */
export function accountOf(
  settings: RefundSyncDeps["settings"],
  refund: WixRefund,
  payments: WixPayment[],
): string | undefined {
  const paymentId = refund.transactions?.find((t) => t.paymentId)?.paymentId;
  const payment = payments.find((p) => p.id === paymentId);
  return (payment && settings.paymentAccountFor?.(payment)) ?? settings.paymentAccount;
}

/**
 * The money out: a Payment Entry `Pay` to the customer (EN payment_entry.py `get_payment_entry`
 * with `set_payment_type`: a Sales Invoice with outstanding <= 0 is paid, from the bank to the
 * receivable), allocated with a negative amount to whichever of the Credit Note and the invoice
 * carries the negative outstanding (the note with `update_outstanding_for_self`, else the
 * invoice); unallocated when neither does or the shop does not invoice.
 */
export async function payOut(
  deps: Pick<RefundSyncDeps, "erpnext" | "settings">,
  plan: RefundPlan,
  customer: string,
  account: string | undefined,
  creditNote?: string,
  invoice?: string,
): Promise<string> {
  const { erpnext, settings } = deps;
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
