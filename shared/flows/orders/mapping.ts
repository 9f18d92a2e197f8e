import { PermanentError } from "../../errors";
import type { WixAddress, WixOrder } from "../wix-orders";

/**
 * Wix ISO-3166 alpha-2 codes -> ERPNext Country names (Address.country links to Country by name),
 * built from ERPNext's own Country list: its `code` field holds the lower-case alpha-2 code
 * (frappe/geo/country_info.json, inserted by frappe/geo/doctype/country/country.py).
 */
export type CountryLookup = (iso2: string | undefined) => string;

export function countryLookup(rows: { name: string; code?: string | null }[]): CountryLookup {
  const byCode = new Map<string, string>();
  for (const row of rows) if (row.code?.trim()) byCode.set(row.code.trim().toUpperCase(), row.name);
  return (iso2) => {
    const name = iso2 ? byCode.get(iso2.trim().toUpperCase()) : undefined;
    if (!name) throw new PermanentError(`unknown country code "${iso2}" (no ERPNext Country has that code)`);
    return name;
  };
}

export interface OrderSettings {
  company?: string;
  warehouse?: string;
  shippingAccount?: string;
  feeAccount?: string;
  taxAccount?: string;
  taxAccounts: Record<string, string>;
  submit: boolean;
  deliveryDays: number;
}

/** A Wix amount in integer cents; absent is 0, anything non-numeric is refused (never read as 0). */
const cents = (amount: string | number | undefined | null) => {
  if (amount === undefined || amount === null || amount === "") return 0;
  const value = Number(amount);
  if (!Number.isFinite(value)) throw new PermanentError(`amount "${amount}" is not a number`);
  return Math.round(value * 100);
};
const money = (c: number) => c / 100;

/**
 * The Sales Order for a Wix order, in integer cents so the grand total equals Wix's total to the
 * cent. Lines carry the per-unit price after line discounts; shipping, each additional fee and
 * each tax line become Actual charges; the order-level discount is `discount_amount`. With tax-inclusive prices the
 * line rates are brought to net, and the cents lost to per-unit rounding are booked as a visible
 * rounding row, so the books show the real tax and the total still matches.
 */
export function toSalesOrder(
  order: WixOrder,
  lines: { itemCode: string; qty: number; unitPrice: string; name?: string }[],
  customer: string,
  s: OrderSettings,
  today = new Date(),
) {
  if (!s.company) throw new PermanentError("ERPNEXT_COMPANY is not set");
  const transactionDate = order.createdDate.slice(0, 10);
  const earliest = new Date(
    Math.max(today.getTime(), Date.parse(order.createdDate)) + s.deliveryDays * 86400_000,
  )
    .toISOString()
    .slice(0, 10);
  // ERPNext refuses a delivery date before the order date (ISO date strings compare as text).
  // biome-ignore lint/complexity/useMathMinMax: strings, not numbers
  const delivery = earliest < transactionDate ? transactionDate : earliest;

  const taxes: { charge_type: "Actual"; account_head: string; description: string; tax_amount: number }[] =
    [];
  const shippingCents = cents(order.priceSummary.shipping?.amount);
  if (shippingCents) {
    if (!s.shippingAccount)
      throw new PermanentError("order has shipping but ERPNEXT_SHIPPING_ACCOUNT is not set");
    taxes.push({
      charge_type: "Actual",
      account_head: s.shippingAccount,
      description: "Shipping",
      tax_amount: money(shippingCents),
    });
  }
  // Additional fees (before tax; their tax is in the tax lines) are charges like shipping.
  const fees = additionalFees(order);
  const feeCents = fees.reduce((n, f) => n + f.cents, 0);
  for (const fee of fees) {
    if (!s.feeAccount)
      throw new PermanentError("order has additional fees but ERPNEXT_FEE_ACCOUNT is not set");
    taxes.push({
      charge_type: "Actual",
      account_head: s.feeAccount,
      description: fee.name,
      tax_amount: money(fee.cents),
    });
  }
  const breakdown = (order.taxInfo?.taxBreakdown ?? []).filter((t) => cents(t.aggregatedTaxAmount?.amount));
  let taxCents = 0;
  for (const t of breakdown) {
    const name = t.taxName ?? "Tax";
    const account = s.taxAccounts[name] ?? s.taxAccount;
    if (!account)
      throw new PermanentError(
        `no ERPNext account for Wix tax "${name}" (set ERPNEXT_TAX_ACCOUNTS or ERPNEXT_TAX_ACCOUNT)`,
      );
    const amount = cents(t.aggregatedTaxAmount?.amount);
    taxCents += amount;
    taxes.push({
      charge_type: "Actual",
      account_head: account,
      description: `${name}${t.rate ? ` (${Number(t.rate) * 100}%)` : ""}`,
      tax_amount: money(amount),
    });
  }
  // Orders with tax but no breakdown: one row for the summary's tax.
  const summaryTax = cents(order.priceSummary.tax?.amount ?? order.taxInfo?.totalTax?.amount);
  if (!breakdown.length && summaryTax) {
    if (!s.taxAccount) throw new PermanentError("order has tax but ERPNEXT_TAX_ACCOUNT is not set");
    taxCents = summaryTax;
    taxes.push({
      charge_type: "Actual",
      account_head: s.taxAccount,
      description: "Tax",
      tax_amount: money(summaryTax),
    });
  }

  const grossLines = lines.map((l) => ({ ...l, unitCents: cents(l.unitPrice) }));
  const grossCents = grossLines.reduce((n, l) => n + l.unitCents * l.qty, 0);
  const discountCents = cents(order.priceSummary.discount?.amount);
  let items = grossLines.map((l) => ({ ...l, netUnitCents: l.unitCents }));
  if (order.taxIncludedInPrices && taxCents) {
    // Share of tax inside the prices; shipping is not taxed here (Wix reports it net).
    const factor = (grossCents - discountCents - taxCents) / Math.max(1, grossCents - discountCents);
    items = grossLines.map((l) => ({ ...l, netUnitCents: Math.round(l.unitCents * factor) }));
  }
  const netCents = items.reduce((n, l) => n + l.netUnitCents * l.qty, 0);
  const netDiscountCents =
    order.taxIncludedInPrices && taxCents
      ? Math.round(discountCents * (netCents / Math.max(1, grossCents)))
      : discountCents;
  const expected = cents(order.priceSummary.total.amount);
  const computed = netCents - netDiscountCents + taxCents + shippingCents + feeCents;
  const residue = expected - computed;
  if (residue !== 0) {
    // Only tax-inclusive rounding may leave a residue, and only a few cents per line.
    if (!order.taxIncludedInPrices || Math.abs(residue) > lines.length + 2) {
      throw new PermanentError(
        `Wix total ${order.priceSummary.total.amount} cannot be reproduced (computed ${money(computed).toFixed(2)})`,
      );
    }
    const account = s.taxAccount ?? taxes.find((t) => t.description !== "Shipping")?.account_head;
    if (!account) throw new PermanentError("no account for the tax-inclusive rounding row");
    taxes.push({
      charge_type: "Actual",
      account_head: account,
      description: "Rounding (tax-inclusive prices)",
      tax_amount: money(residue),
    });
  }

  const doc: Record<string, unknown> = {
    customer,
    company: s.company,
    transaction_date: transactionDate,
    delivery_date: delivery,
    po_no: order.number,
    po_date: transactionDate,
    currency: order.currency,
    ignore_pricing_rule: 1,
    disable_rounded_total: 1,
    set_warehouse: s.warehouse,
    items: items.map((l) => ({
      item_code: l.itemCode,
      qty: l.qty,
      rate: money(l.netUnitCents),
      delivery_date: delivery,
      warehouse: s.warehouse,
      ...(l.name ? { description: l.name } : {}),
    })),
    taxes,
    // Inserted as a draft, submitted once its total is checked (OrderSync.create): a total ERPNext
    // changed must never become a submitted order.
    docstatus: 0,
  };
  if (netDiscountCents) {
    doc.apply_discount_on = "Net Total";
    doc.discount_amount = money(netDiscountCents);
  }
  return { doc, expectedTotal: money(expected) };
}

/**
 * The order's additional fees before tax, one row each. `priceSummary.totalAdditionalFees` is
 * "Total additional fees before tax" and each fee's `priceBeforeTax` its share (Order and
 * AdditionalFee in @wix/auto_sdk_ecom_orders meta); when the rows do not add up to the total
 * (an older order without `priceBeforeTax`), the total is booked as one row.
 */
function additionalFees(order: WixOrder): { name: string; cents: number }[] {
  const total = cents(order.priceSummary.totalAdditionalFees?.amount);
  const rows = (order.additionalFees ?? [])
    .map((f) => ({
      name: `Fee: ${f.name || f.code || "additional fee"}`,
      cents: cents(f.priceBeforeTax?.amount ?? f.price?.amount),
    }))
    .filter((f) => f.cents);
  const sum = rows.reduce((n, f) => n + f.cents, 0);
  if (sum === total) return rows;
  return total ? [{ name: "Additional fees", cents: total }] : [];
}

/** "First Last", else the company, else the e-mail. */
export function customerName(order: WixOrder): string {
  const c =
    order.billingInfo?.contactDetails ?? order.shippingInfo?.logistics?.shippingDestination?.contactDetails;
  const full = [c?.firstName, c?.lastName].filter(Boolean).join(" ").trim();
  return (
    full || c?.company || order.buyerInfo?.email || `Wix buyer ${order.buyerInfo?.contactId ?? order.id}`
  );
}

export function toAddress(
  address: WixAddress | undefined,
  type: "Billing" | "Shipping",
  title: string,
  customer: string,
  extra: { phone?: string; email?: string },
  countryName: CountryLookup,
) {
  if (!address?.addressLine && !address?.city) return undefined;
  return {
    address_title: title,
    address_type: type,
    address_line1: address.addressLine || "-",
    address_line2: address.addressLine2,
    city: address.city || "-",
    state: address.subdivision?.split("-").pop(),
    pincode: address.postalCode,
    country: countryName(address.country),
    phone: extra.phone,
    email_id: extra.email,
    links: [{ link_doctype: "Customer", link_name: customer }],
  };
}
