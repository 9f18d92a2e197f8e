import type { WixPayment } from "../wix-orders";

/**
 * The keys a payment is looked up by in ERPNEXT_PAYMENT_ACCOUNTS, most specific first, read from
 * fields Wix keeps (@wix/auto_sdk_ecom_order-transactions meta.d.ts `Payment`,
 * `RegularPaymentDetails`, `PaymentMethodName`). Never `regularPaymentDetails.paymentMethod`: it
 * is deprecated with `@targetRemovalDate 2026-07-01` (`@replacedBy payment_method_name`).
 * - a gift card or membership payment: `giftcard`, `membership`;
 * - then the method's names, lower-cased: the merchant's own (`userDefinedName`, which "takes
 *   precedence": its `predefined` kind `cash` / `bank_transfer` / `check`, or its `custom` name),
 *   the site-language name (the same for every buyer, e.g. `paypal`, `klarna`), the
 *   buyer-language name;
 * - an offline payment (cash, marked as paid in the dashboard): then `offline`;
 * - a card (`creditCardDetails`, the card-only branch of `paymentMethodDetails`): then
 *   `creditcard`, `card`.
 */
export function paymentMethodKeys(payment: WixPayment): string[] {
  if (payment.giftcardPaymentDetails) return ["giftcard"];
  if (payment.membershipPaymentDetails) return ["membership"];
  const details = payment.regularPaymentDetails;
  const name = details?.paymentMethodName;
  const named = [
    name?.userDefinedName?.predefined,
    name?.userDefinedName?.custom,
    name?.siteLanguageName,
    name?.buyerLanguageName,
  ].flatMap((s) => (s?.trim() ? [s.trim().toLowerCase()] : []));
  const kind = details?.offlinePayment
    ? ["offline"]
    : details?.creditCardDetails
      ? ["creditcard", "card"]
      : [];
  return [...new Set([...named, ...kind])];
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
