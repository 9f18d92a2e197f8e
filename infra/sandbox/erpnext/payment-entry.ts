import { type Doc, type Doctype, round2, series } from "./doctype";
import { FrappeError } from "./errors";
import type { ErpnextSite } from "./site";

/**
 * Payment Entry rules of erpnext/accounts/doctype/payment_entry/payment_entry.py:
 * validate_bank_accounts (a Receive goes to a Bank or Cash account, a Pay comes from one) and
 * validate_allocated_amount (no row allocates more than its reference's outstanding amount:
 * for a Sales Order, `rounded_total or grand_total` less `advance_paid`). Submitting one moves its
 * Sales Orders' `advance_paid`; cancelling moves it back.
 */
export const paymentEntry: Doctype = {
  name: "Payment Entry",
  required: ["payment_type", "party_type", "party", "paid_amount", "received_amount", "paid_to"],
  links: { paid_to: "Account" },
  naming: series("ACC-PAY-"),
  submittable: true,
  validate,
  onSubmit: (doc, site) => advance(site, doc, 1),
  onCancel: (doc, site) => advance(site, doc, -1),
};

function validate(doc: Doc, site: ErpnextSite): void {
  const bankOrCash = (field: "paid_to" | "paid_from") => {
    const type = site.table("Account").get(String(doc[field]))?.account_type;
    if (type !== "Bank" && type !== "Cash")
      throw new FrappeError(417, "ValidationError", `Account Type for ${doc[field]} must be Bank or Cash`);
  };
  if (doc.payment_type === "Receive" || doc.payment_type === "Internal Transfer") bankOrCash("paid_to");
  if (doc.payment_type === "Pay" || doc.payment_type === "Internal Transfer") bankOrCash("paid_from");
  for (const [i, ref] of ((doc.references as Record<string, unknown>[] | undefined) ?? []).entries()) {
    const target = site.table(String(ref.reference_doctype)).get(String(ref.reference_name));
    if (!target)
      throw new FrappeError(
        417,
        "LinkValidationError",
        `Could not find ${ref.reference_doctype}: ${ref.reference_name}`,
      );
    if (target.docstatus !== 1)
      throw new FrappeError(417, "ValidationError", `${ref.reference_name} is not submitted`);
    const total = Number(target.rounded_total) || Number(target.grand_total ?? 0);
    ref.outstanding_amount = round2(total - Number(target.advance_paid ?? 0));
    if (round2(Number(ref.allocated_amount ?? 0)) > (ref.outstanding_amount as number))
      throw new FrappeError(
        417,
        "ValidationError",
        `Row #${i + 1}: Allocated Amount cannot be greater than outstanding amount.`,
      );
  }
  const account = site.table("Account").get(String(doc.paid_to));
  if (account?.account_type === "Bank" && (!doc.reference_no || !doc.reference_date)) {
    throw new FrappeError(
      417,
      "MandatoryError",
      "Reference No and Reference Date is mandatory for Bank transaction",
    );
  }
}

/** A submitted (or cancelled) payment moves its Sales Orders' `advance_paid`. */
function advance(site: ErpnextSite, payment: Doc, sign: 1 | -1): void {
  for (const ref of (payment.references as Record<string, unknown>[] | undefined) ?? []) {
    const order = site.table(String(ref.reference_doctype)).get(String(ref.reference_name));
    if (order?.doctype === "Sales Order")
      order.advance_paid = round2(Number(order.advance_paid ?? 0) + sign * Number(ref.allocated_amount ?? 0));
  }
}
