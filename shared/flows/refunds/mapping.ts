/**
 * A Wix refund as ERPNext documents, in integer cents. Pure: no I/O, so each rule has its own
 * fast test (tests/unit/flows/refunds-mapping.test.ts).
 *
 * Wix side: `Refund` and `RestockInfo` of @wix/auto_sdk_ecom_order-transactions (meta.d.ts).
 * ERPNext side: the unsaved return that `sales_invoice.make_sales_return` maps from the invoice
 * (erpnext/controllers/sales_and_purchase_return.py `make_return_doc`: qty x -1, Actual tax rows
 * x -1, discount_amount x -1, `so_detail` kept on each row), trimmed here to what Wix refunded.
 */
import type { RestockInfoOriginal } from "@wix/auto_sdk_ecom_order-transactions/meta";
import { PermanentError } from "../../errors";
import type { Wire, WixOrder, WixRefund } from "../wix-orders";

export type { WixRefund };
export type WixRestockInfo = Wire<RestockInfoOriginal>;

/** A Wix amount in integer cents; absent is 0, anything non-numeric is refused (never read as 0). */
export const cents = (amount: string | number | undefined | null): number => {
  if (amount === undefined || amount === null || amount === "") return 0;
  const value = Number(amount);
  if (!Number.isFinite(value)) throw new PermanentError(`amount "${amount}" is not a number`);
  return Math.round(value * 100);
};
const money = (c: number) => c / 100;

/**
 * Where a refund stands. Book it only once no transaction is in flight (`summary.pending`, or a
 * PENDING / SCHEDULED / STARTED transaction: RefundStatus in the TX meta.d.ts). What is booked is
 * what SUCCEEDED; a refund whose every transaction FAILED moved no money.
 */
export function refundStatus(refund: WixRefund): "pending" | "failed" | "succeeded" {
  const txs = refund.transactions ?? [];
  if (refund.summary?.pending) return "pending";
  if (txs.some((t) => t.refundStatus !== "SUCCEEDED" && t.refundStatus !== "FAILED")) return "pending";
  return txs.some((t) => t.refundStatus === "SUCCEEDED") ? "succeeded" : "failed";
}

/** What one Wix refund gave back, read from its `details` and its succeeded transactions. */
export interface RefundPlan {
  refundId: string;
  /** Money that left: the SUCCEEDED transactions. */
  amountCents: number;
  lines: { lineItemId: string; quantity: number }[];
  shippingCents: number;
  fees: { additionalFeeId: string; cents: number }[];
  reason?: string;
  createdDate?: string;
}

export function planRefund(refund: WixRefund, order: WixOrder): RefundPlan {
  if (!refund.id) throw new PermanentError("Wix refund has no id");
  const details = refund.details ?? {};
  const amountCents = (refund.transactions ?? [])
    .filter((t) => t.refundStatus === "SUCCEEDED")
    .reduce((n, t) => n + cents(t.amount?.amount), 0);
  // `lineItems` replaced `items` (both on RefundDetails); older refunds carry only `items`.
  const source = details.lineItems?.length ? details.lineItems : (details.items ?? []);
  const byLine = new Map<string, number>();
  for (const l of source) {
    if (!l.lineItemId || !Number.isInteger(l.quantity) || (l.quantity as number) < 1)
      throw new PermanentError(`refund ${refund.id}: a refunded line has no id or quantity`);
    byLine.set(l.lineItemId, (byLine.get(l.lineItemId) ?? 0) + (l.quantity as number));
  }
  // `shippingIncluded` (legacy) without an amount: the whole shipping fee.
  const shippingCents = details.shipping?.amount
    ? cents(details.shipping.amount.amount)
    : details.shippingIncluded
      ? cents(order.priceSummary.shipping?.amount)
      : 0;
  const fees = (details.additionalFees ?? [])
    .map((f) => ({ additionalFeeId: f.additionalFeeId ?? "", cents: cents(f.amount?.amount) }))
    .filter((f) => f.cents);
  return {
    refundId: refund.id,
    amountCents,
    lines: [...byLine].map(([lineItemId, quantity]) => ({ lineItemId, quantity })),
    shippingCents,
    fees,
    reason: details.reason ?? undefined,
    createdDate: refund.createdDate ?? undefined,
  };
}

/**
 * The lines to put back in stock. Restock is not on the Refund: it travels in the events
 * (`RefundCompleted.sideEffects.restockInfo`, `RefundCreated.restockInfo`): ALL_ITEMS is every
 * refunded line, SOME_ITEMS its `items`, never more than was refunded ("Cannot exceed the
 * quantity being refunded for this line item", RestockItem in @wix/auto_sdk_ecom_order-billing).
 */
export function restockLines(
  info: WixRestockInfo | undefined,
  plan: RefundPlan,
): { lineItemId: string; quantity: number }[] {
  if (!info || info.type === "NO_ITEMS") return [];
  if (info.type === "ALL_ITEMS") return plan.lines.map((l) => ({ ...l }));
  const refunded = new Map(plan.lines.map((l) => [l.lineItemId, l.quantity]));
  const out: { lineItemId: string; quantity: number }[] = [];
  for (const item of info.items ?? []) {
    const max = item.lineItemId ? (refunded.get(item.lineItemId) ?? 0) : 0;
    const quantity = Math.min(item.quantity ?? 0, max);
    if (item.lineItemId && quantity > 0) out.push({ lineItemId: item.lineItemId, quantity });
  }
  return out;
}

/**
 * Restock the poll can see without the event: each order line's `restockQuantity` (Wix's running
 * total, @wix/auto_sdk_ecom_orders) less what is already put back, capped by this refund's lines.
 */
export function restockFromOrder(
  order: WixOrder,
  plan: RefundPlan,
  alreadyRestocked: Map<string, number>,
): { lineItemId: string; quantity: number }[] {
  const out: { lineItemId: string; quantity: number }[] = [];
  for (const l of plan.lines) {
    const line = order.lineItems.find((x) => x.id === l.lineItemId);
    const open = (line?.restockQuantity ?? 0) - (alreadyRestocked.get(l.lineItemId) ?? 0);
    const quantity = Math.min(open, l.quantity);
    if (quantity > 0) out.push({ lineItemId: l.lineItemId, quantity });
  }
  return out;
}

/** One row of the mapped return (Sales Invoice Item or Delivery Note Item), the fields we read. */
export interface ReturnRow extends Record<string, unknown> {
  item_code: string;
  qty: number;
  rate: number;
  so_detail?: string;
}
export interface ReturnTax extends Record<string, unknown> {
  charge_type: string;
  description?: string;
  tax_amount: number;
}
export interface MappedReturn extends Record<string, unknown> {
  items: ReturnRow[];
  taxes?: ReturnTax[];
  discount_amount?: number;
}
/** The Sales Order's rows: a Wix line is the row at the same position (`idx`), as the orders flow writes them. */
export interface SalesOrderRow {
  name: string;
  idx: number;
  item_code: string;
  qty: number;
  rate: number;
}

/** The Sales Order as the refunds read it: its rows, with what was returned and delivered. */
export interface SalesOrderDoc {
  name: string;
  customer: string;
  docstatus: number;
  items: (SalesOrderRow & { returned_qty?: number; delivered_qty?: number })[];
}

/** The SO row of each Wix line: the orders flow writes one row per line, in the order's line order. */
export function rowOfLine(order: WixOrder, soItems: SalesOrderRow[], lineItemId: string): SalesOrderRow {
  const index = order.lineItems.findIndex((l) => l.id === lineItemId);
  const row = index < 0 ? undefined : soItems.find((r) => r.idx === index + 1);
  if (!row) throw new PermanentError(`refunded line ${lineItemId} is not on order ${order.number}`);
  return row;
}

/** Shipping and fee rows as the orders flow names them (shared/flows/orders/mapping.ts). */
const isShipping = (t: ReturnTax) => t.description === "Shipping";
const isFee = (t: ReturnTax) => t.description === "Additional fees" || /^Fee: /.test(t.description ?? "");

/**
 * The Credit Note for a refund: the mapped return trimmed to the refunded lines and quantities,
 * the shipping and fee rows set to what Wix refunded, the order discount in proportion to the
 * refunded lines, and the refund's tax as the remainder spread over the tax rows, so its grand
 * total is the refunded amount to the cent. A refund that does not add up is refused with the
 * reason (parked), never booked at a different amount.
 */
export function toCreditNote(
  plan: RefundPlan,
  order: WixOrder,
  soItems: SalesOrderRow[],
  mapped: MappedReturn,
): { doc: MappedReturn; totalCents: number } {
  // A Credit Note needs a returned item: "Atleast one item should be entered with negative quantity
  // in return document" (erpnext/controllers/sales_and_purchase_return.py validate_return).
  if (!plan.lines.length)
    throw new PermanentError(
      `refund ${plan.refundId} returns no item (${plan.shippingCents || plan.fees.length ? "shipping or fees only" : "an amount-only refund"}): ERPNext needs at least one returned item in a Credit Note, book it by hand`,
    );
  const items: ReturnRow[] = [];
  let itemCents = 0;
  for (const line of plan.lines) {
    const so = rowOfLine(order, soItems, line.lineItemId);
    const row = mapped.items.find((r) => r.so_detail === so.name);
    if (!row)
      throw new PermanentError(
        `refunded line ${so.item_code} (row ${so.idx}) is not on the invoice, or is already returned`,
      );
    items.push({ ...row, qty: -line.quantity });
    itemCents += line.quantity * cents(row.rate);
  }
  // Wix spreads an order discount over the lines by price; the share follows the refunded lines.
  const orderNet = soItems.reduce((n, r) => n + r.qty * cents(r.rate), 0);
  const discountCents = Math.abs(cents(mapped.discount_amount));
  const discountShare = orderNet ? Math.round((discountCents * itemCents) / orderNet) : 0;

  const taxes = mapped.taxes ?? [];
  const other = taxes.find((t) => t.charge_type !== "Actual");
  if (other)
    throw new PermanentError(
      `invoice tax row "${other.description}" is not an Actual charge: book it by hand`,
    );
  const rows: ReturnTax[] = [];
  const shippingRow = taxes.find(isShipping);
  if (plan.shippingCents) {
    if (!shippingRow)
      throw new PermanentError(`refund ${plan.refundId} returns shipping the invoice has not`);
    rows.push({ ...shippingRow, tax_amount: -money(plan.shippingCents) });
  }
  const feeRows = taxes.filter(isFee);
  const feeCents = plan.fees.reduce((n, f) => n + f.cents, 0);
  if (feeCents) {
    for (const fee of plan.fees) {
      const name = order.additionalFees?.find((f) => f.id === fee.additionalFeeId)?.name;
      const row =
        feeRows.find((t) => t.description === `Fee: ${name}`) ??
        feeRows.find((t) => t.description === "Additional fees");
      if (!row) throw new PermanentError(`refund ${plan.refundId} returns a fee the invoice has not`);
      const kept = rows.find((r) => r.description === row.description);
      if (kept) kept.tax_amount = -money(cents(-kept.tax_amount) + fee.cents);
      else rows.push({ ...row, tax_amount: -money(fee.cents) });
    }
  }
  // What is left of the refunded amount is its tax: it must fit in the invoice's tax rows.
  const taxRows = taxes.filter((t) => !isShipping(t) && !isFee(t));
  // The mapper negated them: the invoice's tax is minus each row (a rounding row may be negative).
  const poolCents = taxRows.reduce((n, t) => n + cents(-t.tax_amount), 0);
  const taxCents = plan.amountCents - (itemCents - discountShare + plan.shippingCents + feeCents);
  if (taxCents < 0 || taxCents > Math.max(0, poolCents))
    throw new PermanentError(
      `refund ${plan.refundId} of ${money(plan.amountCents).toFixed(2)} does not add up: lines ${money(itemCents).toFixed(2)}, discount ${money(discountShare).toFixed(2)}, shipping ${money(plan.shippingCents).toFixed(2)}, fees ${money(feeCents).toFixed(2)} leave ${money(taxCents).toFixed(2)} of tax against ${money(Math.max(0, poolCents)).toFixed(2)} on the invoice`,
    );
  let spread = 0;
  if (taxCents)
    taxRows.forEach((t, i) => {
      const share =
        i === taxRows.length - 1
          ? taxCents - spread
          : Math.round((taxCents * cents(-t.tax_amount)) / poolCents);
      spread += share;
      if (share) rows.push({ ...t, tax_amount: -money(share) });
    });

  const doc: MappedReturn = { ...mapped, items, taxes: rows };
  if (discountShare) doc.discount_amount = -money(discountShare);
  else delete doc.discount_amount;
  return { doc, totalCents: plan.amountCents };
}
