/**
 * What a sandbox Wix order can still refund (@wix/auto_sdk_ecom_order-billing doc comments and
 * meta.d.ts): refundability, Calculate Refund, and the checks of a refund's items.
 */
import type {
  CalculateRefundResponseOriginal,
  GetOrderRefundabilityResponseOriginal,
  RefundItemsOriginal,
  RefundPaymentsRequestOriginal,
} from "@wix/auto_sdk_ecom_order-billing/meta";
import type { Wire, WixOrder, WixRefund } from "#shared/flows/wix-orders";
import { WixError } from "./errors";
import { money, type WixStore } from "./store";
import { paidOf } from "./transactions";

/** The input of a refund, as Refund Payments takes it. */
export type RefundInput = Omit<Wire<RefundPaymentsRequestOriginal>, "orderId">;

export const AMOUNT = /^\d{1,16}(\.\d{1,3})?$/;
export const cents = (amount: string | undefined | null) => Math.round(Number(amount ?? 0) * 100);
/** An application error of Refund Payments (`RefundPaymentsApplicationErrors`), answered as 400. */
export const refuse = (code: string, description: string, _item?: unknown) =>
  new WixError(400, description, code);

export function orderOf(store: WixStore, orderId: unknown): WixOrder {
  if (typeof orderId !== "string" || !orderId)
    throw new WixError(400, "orderId is required", undefined, [
      { field: "orderId", description: "required" },
    ]);
  const order = store.orders.get(orderId);
  if (!order) throw new WixError(404, `order ${orderId} not found`, "ORDER_NOT_FOUND");
  return order;
}

export function refundsOf(store: WixStore, orderId: string): WixRefund[] {
  return store.transactions.get(orderId)?.refunds ?? [];
}

/** Units of a line refunded so far (refunds whose money did not all fail). */
export function refundedQuantity(store: WixStore, orderId: string, lineItemId: string): number {
  return refundsOf(store, orderId)
    .filter((r) => r.transactions?.some((t) => t.refundStatus !== "FAILED"))
    .flatMap((r) => r.details?.lineItems ?? [])
    .filter((l) => l.lineItemId === lineItemId)
    .reduce((n, l) => n + (l.quantity ?? 0), 0);
}

export function refundedShippingCents(store: WixStore, orderId: string): number {
  return refundsOf(store, orderId).reduce((n, r) => n + cents(r.details?.shipping?.amount?.amount), 0);
}

export function refundedFeeCents(store: WixStore, orderId: string, feeId: string): number {
  return refundsOf(store, orderId)
    .flatMap((r) => r.details?.additionalFees ?? [])
    .filter((f) => f.additionalFeeId === feeId)
    .reduce((n, f) => n + cents(f.amount?.amount), 0);
}

/** Money refunded from one payment so far (not counting failed transactions). */
export function refundedFromPayment(store: WixStore, orderId: string, paymentId: string): number {
  return refundsOf(store, orderId)
    .flatMap((r) => r.transactions ?? [])
    .filter((t) => t.paymentId === paymentId && t.refundStatus !== "FAILED")
    .reduce((n, t) => n + cents(t.amount?.amount), 0);
}

export function refundability(store: WixStore, order: WixOrder): Wire<GetOrderRefundabilityResponseOriginal> {
  const payments = store.transactions.get(order.id)?.payments ?? [];
  const shipping = cents(order.priceSummary.shipping?.amount);
  return {
    payments: payments.map((p) => {
      const left = cents(p.amount?.amount) - refundedFromPayment(store, order.id, p.id as string);
      const ok = (p.status === "APPROVED" || p.status === "PARTIALLY_REFUNDED") && left > 0;
      return {
        ...(ok
          ? { refundable: true }
          : {
              nonRefundable: {
                reason: left <= 0 && p.status !== "PENDING" ? "ALREADY_REFUNDED" : "NOT_PAID",
              },
            }),
        payment: {
          paymentId: p.id ?? undefined,
          offlinePayment: Boolean(p.regularPaymentDetails?.offlinePayment),
        },
      };
    }),
    paymentsSummary: { monetary: { paid: money(paidOf(store, order.id)) } },
    lineItems: order.lineItems.map((l) => {
      const refunded = refundedQuantity(store, order.id, l.id);
      return {
        lineItemId: l.id,
        originalQuantity: l.quantity,
        refundedQuantity: refunded,
        availableRefundQuantity: l.quantity - refunded,
      };
    }),
    ...(shipping
      ? {
          shipping: {
            amount: money(shipping / 100),
            refundedAmount: money(refundedShippingCents(store, order.id) / 100),
            availableRefundAmount: money((shipping - refundedShippingCents(store, order.id)) / 100),
          },
        }
      : {}),
    additionalFees: (order.additionalFees ?? []).map((f) => {
      const amount = cents(f.priceBeforeTax?.amount ?? f.price?.amount);
      const refunded = refundedFeeCents(store, order.id, f.id as string);
      return {
        additionalFeeId: f.id,
        amount: money(amount / 100),
        refundedAmount: money(refunded / 100),
        availableRefundAmount: money((amount - refunded) / 100),
      };
    }),
  };
}

/**
 * A line's share of the order's money, as the sandbox checkout priced it: the order discount
 * spread over the lines by price, the tax over what the lines cost after it (shipping and fees are
 * not taxed in the sandbox, shared/flows/orders/mapping.ts books the same), in cents.
 */
export function lineSummary(order: WixOrder, lineItemId: string, quantity: number) {
  const line = order.lineItems.find((l) => l.id === lineItemId) as WixOrder["lineItems"][number];
  const orderSubtotal = order.lineItems.reduce((n, l) => n + cents(l.price.amount) * l.quantity, 0);
  const orderDiscount = cents(order.priceSummary.discount?.amount);
  const orderTax = cents(order.priceSummary.tax?.amount);
  const subtotal = cents(line.price.amount) * quantity;
  const discount = orderSubtotal ? Math.round((orderDiscount * subtotal) / orderSubtotal) : 0;
  const taxBase = orderSubtotal - orderDiscount;
  const tax = taxBase > 0 ? Math.round((orderTax * (subtotal - discount)) / taxBase) : 0;
  const total = subtotal - discount + (order.taxIncludedInPrices ? 0 : tax);
  return { subtotal, discount, tax, total };
}

export type CalcError = { code: string; description: string; item: Record<string, unknown> };

/** Checks the items of a refund against what is still refundable; each problem named. */
export function checkItems(store: WixStore, order: WixOrder, items: Wire<RefundItemsOriginal>): CalcError[] {
  const errors: CalcError[] = [];
  for (const l of items.lineItems ?? []) {
    const line = order.lineItems.find((x) => x.id === l.lineItemId);
    if (!line) {
      errors.push({
        code: "LINE_ITEM_NOT_FOUND",
        description: `line item ${l.lineItemId} not found`,
        item: { lineItem: l },
      });
      continue;
    }
    const available = line.quantity - refundedQuantity(store, order.id, line.id);
    if (!Number.isInteger(l.quantity) || (l.quantity as number) < 1 || (l.quantity as number) > available)
      errors.push({
        code: "INVALID_LINE_ITEM_REFUND_QUANTITY",
        description: `quantity ${l.quantity} of line ${line.id}: 1 to ${available} can be refunded`,
        item: { lineItem: l },
      });
  }
  for (const f of items.additionalFees ?? []) {
    const fee = order.additionalFees?.find((x) => x.id === f.additionalFeeId);
    if (!fee) {
      errors.push({
        code: "ADDITIONAL_FEE_NOT_FOUND",
        description: `fee ${f.additionalFeeId} not found`,
        item: { additionalFee: f },
      });
      continue;
    }
    const left =
      cents(fee.priceBeforeTax?.amount ?? fee.price?.amount) -
      refundedFeeCents(store, order.id, fee.id as string);
    const asked = f.amount?.amount === undefined ? left : cents(f.amount.amount);
    if ((f.amount?.amount !== undefined && !AMOUNT.test(f.amount.amount)) || asked <= 0 || asked > left)
      errors.push({
        code: "INVALID_ADDITIONAL_FEE_REFUND_AMOUNT",
        description: `fee ${fee.id}: at most ${(left / 100).toFixed(2)} can be refunded`,
        item: { additionalFee: f },
      });
  }
  if (items.shipping) {
    const shipping = cents(order.priceSummary.shipping?.amount);
    const left = shipping - refundedShippingCents(store, order.id);
    const amount = items.shipping.amount?.amount;
    const asked = amount === undefined ? left : cents(amount);
    if (!shipping)
      errors.push({
        code: "SHIPPING_NOT_FOUND",
        description: "the order has no shipping",
        item: { shipping: items.shipping },
      });
    else if ((amount !== undefined && !AMOUNT.test(amount)) || asked <= 0 || asked > left)
      errors.push({
        code: "INVALID_SHIPPING_REFUND_AMOUNT",
        description: `at most ${(left / 100).toFixed(2)} of shipping can be refunded`,
        item: { shipping: items.shipping },
      });
  }
  return errors;
}

export function calculate(
  store: WixStore,
  order: WixOrder,
  items: Wire<RefundItemsOriginal>,
): Wire<CalculateRefundResponseOriginal> {
  const errors = checkItems(store, order, items);
  if (errors.length)
    return {
      notAvailable: {
        errors: errors.map((e) => ({
          ...e.item,
          error: { applicationError: { code: e.code, description: e.description } },
        })),
      },
    };
  const lines = (items.lineItems ?? []).map((l) => ({
    item: l,
    summary: lineSummary(order, l.lineItemId as string, l.quantity as number),
  }));
  const fees = (items.additionalFees ?? []).map((f) => {
    const fee = order.additionalFees?.find((x) => x.id === f.additionalFeeId);
    const amount =
      f.amount?.amount !== undefined
        ? cents(f.amount.amount)
        : cents(fee?.priceBeforeTax?.amount ?? fee?.price?.amount) -
          refundedFeeCents(store, order.id, fee?.id as string);
    return { additionalFee: { ...f, amount: money(amount / 100) }, amount };
  });
  const shipping = items.shipping
    ? items.shipping.amount?.amount !== undefined
      ? cents(items.shipping.amount.amount)
      : cents(order.priceSummary.shipping?.amount) - refundedShippingCents(store, order.id)
    : 0;
  const sum = (k: "subtotal" | "discount" | "tax" | "total") => lines.reduce((n, l) => n + l.summary[k], 0);
  const feeTotal = fees.reduce((n, f) => n + f.amount, 0);
  const m = (c: number) => money(c / 100);
  const summary = (s: { subtotal: number; discount: number; tax: number; total: number }) => ({
    total: m(s.total),
    tax: m(s.tax),
    discount: m(s.discount),
    subtotal: m(s.subtotal),
  });
  return {
    available: true,
    summary: {
      total: m(sum("total") + feeTotal + shipping),
      tax: m(sum("tax")),
      discount: m(sum("discount")),
      subtotal: m(sum("subtotal") + feeTotal + shipping),
      lineItemsSubtotal: m(sum("subtotal")),
      additionalFeesTotal: m(feeTotal),
    },
    calculatedRefundItems: {
      lineItems: lines.map((l) => ({ item: l.item, summary: summary(l.summary) })),
      additionalFees: fees.map((f) => ({
        additionalFee: f.additionalFee,
        summary: summary({ subtotal: f.amount, discount: 0, tax: 0, total: f.amount }),
      })),
      ...(items.shipping
        ? {
            shipping: {
              shipping: { amount: m(shipping) },
              summary: summary({ subtotal: shipping, discount: 0, tax: 0, total: shipping }),
            },
          }
        : {}),
    },
  };
}
