import { isSubmittable, mandatoryOf } from "#shared/erpnext/frappe-facts";
import { type Doc, type Doctype, round2, series } from "./doctype";
import { FrappeError } from "./errors";
import { refsOf, setStatus } from "./sales-invoice";
import type { ErpnextSite } from "./site";

/**
 * Payment Entry rules of erpnext/accounts/doctype/payment_entry/payment_entry.py:
 * validate_bank_accounts (a Receive goes to a Bank or Cash account, a Pay comes from one),
 * validate_reference_documents (each reference submitted, of the same party and, for an invoice,
 * the same receivable account) and validate_allocated_amount_with_latest_data (no row allocates more
 * than its reference's outstanding amount: for a Sales Order, `rounded_total or grand_total` less
 * `advance_paid`; for a Sales Invoice its `outstanding_amount`, refused outright once fully paid;
 * a negative allocation, paying out a credit note, not below it). Submitting one moves its Sales
 * Orders' `advance_paid` and its invoices' `outstanding_amount`; cancelling moves them back.
 */
export const paymentEntry: Doctype = {
  name: "Payment Entry",
  required: mandatoryOf("Payment Entry"),
  links: { paid_to: "Account" },
  naming: series("ACC-PAY-"),
  submittable: isSubmittable("Payment Entry"),
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
  // The party's receivable: paid_from of a Receive, paid_to of a Pay (party_account).
  const partyField = doc.payment_type === "Pay" ? "paid_to" : "paid_from";
  for (const [i, ref] of refsOf(doc).entries()) {
    const target = site.table(String(ref.reference_doctype)).get(String(ref.reference_name));
    if (!target)
      throw new FrappeError(
        417,
        "LinkValidationError",
        `Could not find ${ref.reference_doctype}: ${ref.reference_name}`,
      );
    // validate_reference_documents: submitted, same party, same receivable account.
    if (target.docstatus !== 1)
      throw new FrappeError(
        417,
        "ValidationError",
        `${ref.reference_doctype} ${ref.reference_name} must be submitted`,
      );
    if (doc.party_type === "Customer" && target.customer && target.customer !== doc.party)
      throw new FrappeError(
        417,
        "ValidationError",
        `${ref.reference_doctype} ${ref.reference_name} is not associated with Customer ${doc.party}`,
      );
    if (target.doctype === "Sales Invoice") {
      doc[partyField] ??= target.debit_to;
      if (doc[partyField] !== target.debit_to)
        throw new FrappeError(
          417,
          "ValidationError",
          `Sales Invoice ${target.name} is associated with ${target.debit_to}, but Party Account is ${doc[partyField]}`,
        );
    }
    const outstanding = outstandingOf(target);
    // validate_allocated_amount_with_latest_data: a row read before another payment is stale.
    if (
      target.doctype === "Sales Invoice" &&
      ref.outstanding_amount !== undefined &&
      round2(Number(ref.outstanding_amount)) !== outstanding
    )
      throw new FrappeError(
        417,
        "ValidationError",
        `${ref.reference_doctype} ${ref.reference_name} has already been partly paid. Please use the 'Get Outstanding Invoice' or the 'Get Outstanding Orders' button to get the latest outstanding amounts.`,
      );
    ref.outstanding_amount = outstanding;
    const allocated = round2(Number(ref.allocated_amount ?? 0));
    if (target.doctype === "Sales Invoice" && allocated > 0 && outstanding <= 0)
      throw new FrappeError(
        417,
        "ValidationError",
        `${ref.reference_doctype} ${ref.reference_name} has already been fully paid.`,
      );
    if ((allocated > 0 && allocated > outstanding) || (allocated < 0 && allocated < outstanding))
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

/** What is still owed on a reference: a Sales Order's total less advances, an invoice's outstanding. */
function outstandingOf(target: Doc): number {
  if (target.doctype === "Sales Invoice") return round2(Number(target.outstanding_amount ?? 0));
  const total = Number(target.rounded_total) || Number(target.grand_total ?? 0);
  return round2(total - Number(target.advance_paid ?? 0));
}

/**
 * A submitted (or cancelled) payment moves its Sales Orders' `advance_paid` and its invoices'
 * `outstanding_amount` (and status).
 */
function advance(site: ErpnextSite, payment: Doc, sign: 1 | -1): void {
  for (const ref of refsOf(payment)) {
    const target = site.table(String(ref.reference_doctype)).get(String(ref.reference_name));
    const allocated = Number(ref.allocated_amount ?? 0);
    if (target?.doctype === "Sales Order")
      target.advance_paid = round2(Number(target.advance_paid ?? 0) + sign * allocated);
    if (target?.doctype === "Sales Invoice") {
      target.outstanding_amount = round2(Number(target.outstanding_amount ?? 0) - sign * allocated);
      setStatus(target);
    }
  }
}
