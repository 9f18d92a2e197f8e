import type { WixPayment } from "../../wix/transactions";

/**
 * The keys a payment is looked up by in ERPNEXT_PAYMENT_ACCOUNTS, most specific first
 * (@wix/auto_sdk_ecom_order-transactions meta.d.ts `Payment`, `RegularPaymentDetails`):
 * - a gift card or membership payment: `giftcard`, `membership`;
 * - an offline payment (cash, marked as paid in the dashboard): its predefined kind (`cash`,
 *   `bank_transfer`, `check`) when named, then `offline`;
 * - an online one: its method code lower-cased (`paymentMethod`, e.g. `creditcard`, `paypal`; it is
 *   deprecated but untranslated), `card` for any card, then `paymentMethodName.buyerLanguageName`.
 */
export function paymentMethodKeys(payment: WixPayment): string[] {
  if (payment.giftcardPaymentDetails) return ["giftcard"];
  if (payment.membershipPaymentDetails) return ["membership"];
  const details = payment.regularPaymentDetails;
  const lower = (s: string | null | undefined) => (s ? [s.trim().toLowerCase()] : []);
  if (details?.offlinePayment)
    return [...lower(details.paymentMethodName?.userDefinedName?.predefined), "offline"];
  const method = lower(details?.paymentMethod);
  const card = details?.creditCardDetails || method[0] === "creditcard" ? ["card"] : [];
  return [...method, ...card, ...lower(details?.paymentMethodName?.buyerLanguageName)];
}

/** A short name of the payment's method, for remarks and logs. */
export function paymentMethodLabel(payment: WixPayment): string {
  return paymentMethodKeys(payment)[0] ?? "payment";
}

/** The Bank / Cash account of a payment: its method's account, else the default one. */
export function paymentAccountFor(
  payment: WixPayment,
  settings: { paymentAccounts: Record<string, string>; paymentAccount?: string },
): string | undefined {
  for (const key of paymentMethodKeys(payment)) {
    const account = settings.paymentAccounts[key];
    if (account) return account;
  }
  return settings.paymentAccount;
}
