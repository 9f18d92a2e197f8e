import { randomUUID } from "node:crypto";
import type {
  CalculateRefundResponseOriginal,
  GetOrderRefundabilityResponseOriginal,
  RefundItemsOriginal,
  RefundPaymentsRequestOriginal,
} from "@wix/auto_sdk_ecom_order-billing/meta";
import {
  TRANSACTION_EVENTS,
  TRANSACTIONS_FQDN,
  type WixOrderTransactions,
  type WixRefund,
} from "../../../shared/wix/transactions";
import type { Wire, WixOrder } from "../../../shared/wix/types";
import { WixError } from "./errors";
import { inventoryForSku } from "./inventory";
import { money, type WixResource, type WixStore } from "./store";
import { paidOf, transactionsOf } from "./transactions";
import type { WixWebhooks } from "./webhooks";

/**
 * Refunds (@wix/auto_sdk_ecom_order-billing, paths from its index.js request builders, rules from
 * the doc comments in index.typings.d.ts and meta.d.ts):
 * - `POST /ecom/v1/order-billing/get-order-refundability {orderId}`: per payment, line, shipping
 *   and fee, what is still refundable;
 * - `POST /ecom/v1/order-billing/calculate-refund {orderId, refundItems}`: the refund's total, tax,
 *   discount and subtotal, per line, or `notAvailable` with an error per item;
 * - `POST /ecom/v1/order-billing/refund-payments {orderId, paymentRefunds (1..50), refundItems?,
 *   sideEffects?, customerReason? (<= 200)}`: refuses with the application errors of
 *   `RefundPaymentsApplicationErrors` (PAYMENT_NOT_FOUND, LINE_ITEM_NOT_FOUND, ...), never refunds
 *   more than was paid, then records the Refund in the order's transactions (`refunds[]`), moves
 *   the payments to REFUNDED / PARTIALLY_REFUNDED and the order to PARTIALLY_REFUNDED /
 *   FULLY_REFUNDED, counts `refundQuantity` / `restockQuantity` on the lines, puts restocked units
 *   back in stock, and announces `order_transactions_details_updated` and
 *   `order_transactions_refund_completed` (with `sideEffects.restockInfo`: restock travels only in
 *   the events, TX meta.d.ts `RefundCompleted`).
 * Refunds complete at once (every transaction SUCCEEDED) unless `store.refundsPending` is set.
 */
export const refunds: WixResource = (r, { store, webhooks }) => {
  r.on("POST", "/ecom/v1/order-billing/get-order-refundability", (req) => {
    const order = orderOf(store, (req.body as { orderId?: unknown })?.orderId);
    return { status: 200, body: refundability(store, order) };
  });
  r.on("POST", "/ecom/v1/order-billing/calculate-refund", (req) => {
    const body = req.body as { orderId?: unknown; refundItems?: Wire<RefundItemsOriginal> };
    const order = orderOf(store, body?.orderId);
    return { status: 200, body: calculate(store, order, body.refundItems ?? {}) };
  });
  r.on("POST", "/ecom/v1/order-billing/refund-payments", (req) => {
    const body = req.body as Wire<RefundPaymentsRequestOriginal>;
    const order = orderOf(store, body?.orderId);
    const refund = refundPayments(store, webhooks, order.id, body);
    return { status: 200, body: { refund, orderTransactions: transactionsOf(store, order.id) } };
  });
};

/** The input of a refund, as Refund Payments takes it. */
export type RefundInput = Omit<Wire<RefundPaymentsRequestOriginal>, "orderId">;

const AMOUNT = /^\d{1,16}(\.\d{1,3})?$/;
const cents = (amount: string | undefined | null) => Math.round(Number(amount ?? 0) * 100);
/** An application error of Refund Payments (`RefundPaymentsApplicationErrors`), answered as 400. */
const refuse = (code: string, description: string, _item?: unknown) => new WixError(400, description, code);

function orderOf(store: WixStore, orderId: unknown): WixOrder {
  if (typeof orderId !== "string" || !orderId)
    throw new WixError(400, "orderId is required", undefined, [
      { field: "orderId", description: "required" },
    ]);
  const order = store.orders.get(orderId);
  if (!order) throw new WixError(404, `order ${orderId} not found`, "ORDER_NOT_FOUND");
  return order;
}

function refundsOf(store: WixStore, orderId: string): WixRefund[] {
  return store.transactions.get(orderId)?.refunds ?? [];
}

/** Units of a line refunded so far (refunds whose money did not all fail). */
function refundedQuantity(store: WixStore, orderId: string, lineItemId: string): number {
  return refundsOf(store, orderId)
    .filter((r) => r.transactions?.some((t) => t.refundStatus !== "FAILED"))
    .flatMap((r) => r.details?.lineItems ?? [])
    .filter((l) => l.lineItemId === lineItemId)
    .reduce((n, l) => n + (l.quantity ?? 0), 0);
}

function refundedShippingCents(store: WixStore, orderId: string): number {
  return refundsOf(store, orderId).reduce((n, r) => n + cents(r.details?.shipping?.amount?.amount), 0);
}

function refundedFeeCents(store: WixStore, orderId: string, feeId: string): number {
  return refundsOf(store, orderId)
    .flatMap((r) => r.details?.additionalFees ?? [])
    .filter((f) => f.additionalFeeId === feeId)
    .reduce((n, f) => n + cents(f.amount?.amount), 0);
}

/** Money refunded from one payment so far (not counting failed transactions). */
function refundedFromPayment(store: WixStore, orderId: string, paymentId: string): number {
  return refundsOf(store, orderId)
    .flatMap((r) => r.transactions ?? [])
    .filter((t) => t.paymentId === paymentId && t.refundStatus !== "FAILED")
    .reduce((n, t) => n + cents(t.amount?.amount), 0);
}

function refundability(store: WixStore, order: WixOrder): Wire<GetOrderRefundabilityResponseOriginal> {
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
function lineSummary(order: WixOrder, lineItemId: string, quantity: number) {
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

type CalcError = { code: string; description: string; item: Record<string, unknown> };

/** Checks the items of a refund against what is still refundable; each problem named. */
function checkItems(store: WixStore, order: WixOrder, items: Wire<RefundItemsOriginal>): CalcError[] {
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

function calculate(
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

/** Refund Payments: validated in full first, then recorded, applied and announced. */
export function refundPayments(
  store: WixStore,
  webhooks: WixWebhooks,
  orderId: string,
  input: RefundInput,
): WixRefund {
  const order = orderOf(store, orderId);
  const tx = store.transactions.get(order.id) ?? { orderId: order.id, payments: [], refunds: [] };
  const paymentRefunds = input?.paymentRefunds;
  if (!Array.isArray(paymentRefunds) || paymentRefunds.length < 1 || paymentRefunds.length > 50)
    throw new WixError(400, "paymentRefunds must hold 1 to 50 refunds", undefined, [
      { field: "paymentRefunds", description: "1..50" },
    ]);
  if (input.customerReason && input.customerReason.length > 200)
    throw new WixError(400, "customerReason is too long", undefined, [
      { field: "customerReason", description: "at most 200 characters" },
    ]);
  const amounts = paymentRefunds.map((pr) => {
    const payment = tx.payments.find((p) => p.id === pr.paymentId);
    if (!payment) throw refuse("PAYMENT_NOT_FOUND", `payment ${pr.paymentId} not found`, pr);
    const left = cents(payment.amount?.amount) - refundedFromPayment(store, order.id, payment.id as string);
    if (!(payment.status === "APPROVED" || payment.status === "PARTIALLY_REFUNDED") || left <= 0)
      throw refuse("PAYMENT_NOT_REFUNDABLE", `payment ${payment.id} cannot be refunded`, {
        paymentId: payment.id,
        nonRefundableReason: left <= 0 ? "ALREADY_REFUNDED" : "NOT_PAID",
      });
    const amount = pr.amount?.amount;
    // Never more than was paid (and not refunded yet) on that payment.
    if (amount !== undefined && (!AMOUNT.test(amount) || cents(amount) <= 0 || cents(amount) > left))
      throw refuse(
        "INVALID_PAYMENT_REFUND_AMOUNT",
        `payment ${payment.id}: refund 0.01 to ${(left / 100).toFixed(2)}`,
        pr,
      );
    return {
      paymentId: payment.id as string,
      cents: amount === undefined ? left : cents(amount),
      external: Boolean(pr.externalRefund),
    };
  });
  const items = input.refundItems ?? {};
  const [problem] = checkItems(store, order, items);
  if (problem) throw refuse(problem.code, problem.description, Object.values(problem.item)[0]);
  const refunded = new Map(
    (items.lineItems ?? []).map((l) => [l.lineItemId as string, l.quantity as number]),
  );
  for (const s of input.sideEffects?.restock?.lineItems ?? []) {
    // "Cannot exceed the quantity being refunded for this line item" (RestockItem).
    if (
      !Number.isInteger(s.quantity) ||
      (s.quantity as number) < 1 ||
      (s.quantity as number) > (refunded.get(s.lineItemId as string) ?? 0)
    )
      throw refuse(
        "INVALID_LINE_ITEM_RESTOCK_QUANTITY",
        `restock of line ${s.lineItemId}: at most the refunded quantity`,
        s,
      );
  }

  const total = amounts.reduce((n, a) => n + a.cents, 0);
  const pending = Boolean(store.refundsPending);
  const status = pending ? ("PENDING" as const) : ("SUCCEEDED" as const);
  const shippingCents = items.shipping
    ? items.shipping.amount?.amount !== undefined
      ? cents(items.shipping.amount.amount)
      : cents(order.priceSummary.shipping?.amount) - refundedShippingCents(store, order.id)
    : 0;
  const lineItems = (items.lineItems ?? []).map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity }));
  const refund: WixRefund = {
    id: randomUUID(),
    createdDate: new Date().toISOString(),
    transactions: amounts.map((a) => ({
      paymentId: a.paymentId,
      amount: money(a.cents / 100),
      refundStatus: status,
      externalRefund: a.external,
      ...(a.external ? {} : { gatewayRefundId: randomUUID() }),
    })),
    details: {
      items: lineItems,
      lineItems,
      additionalFees: (items.additionalFees ?? []).map((f) => ({
        additionalFeeId: f.additionalFeeId,
        amount: money(
          (f.amount?.amount !== undefined
            ? cents(f.amount.amount)
            : cents(order.additionalFees?.find((x) => x.id === f.additionalFeeId)?.priceBeforeTax?.amount) -
              refundedFeeCents(store, order.id, f.additionalFeeId as string)) / 100,
        ),
      })),
      ...(shippingCents ? { shipping: { amount: money(shippingCents / 100) } } : {}),
      shippingIncluded: shippingCents > 0,
      ...(input.customerReason ? { reason: input.customerReason } : {}),
    },
    summary: {
      requestedRefund: money(total / 100),
      pendingRefund: money((pending ? total : 0) / 100),
      refunded: money((pending ? 0 : total) / 100),
      failedRefundAmount: money(0),
      pending,
    },
  };
  tx.refunds.push(refund);
  store.transactions.set(order.id, tx as WixOrderTransactions);

  // The payments, the lines and the order follow.
  for (const a of amounts) {
    const payment = tx.payments.find((p) => p.id === a.paymentId) as (typeof tx.payments)[number];
    const left = cents(payment.amount?.amount) - refundedFromPayment(store, order.id, a.paymentId);
    payment.status = left <= 0 ? "REFUNDED" : "PARTIALLY_REFUNDED";
    payment.updatedDate = new Date().toISOString();
  }
  for (const l of lineItems) {
    const line = order.lineItems.find((x) => x.id === l.lineItemId) as WixOrder["lineItems"][number];
    line.refundQuantity = (line.refundQuantity ?? 0) + (l.quantity as number);
  }
  const restock = input.sideEffects?.restock?.lineItems ?? [];
  for (const s of restock) {
    const line = order.lineItems.find((x) => x.id === s.lineItemId) as WixOrder["lineItems"][number];
    line.restockQuantity = (line.restockQuantity ?? 0) + (s.quantity as number);
    const sku = line.physicalProperties?.sku;
    const inv = sku ? inventoryForSku(store, sku) : undefined;
    const stored = inv && store.inventory.get(inv.id);
    if (stored) {
      stored.quantity = (stored.quantity ?? 0) + (s.quantity as number);
      stored.revision = String(Number(stored.revision) + 1);
    }
  }
  const refundedTotal = tx.refunds
    .flatMap((r) => r.transactions ?? [])
    .filter((t) => t.refundStatus !== "FAILED")
    .reduce((n, t) => n + cents(t.amount?.amount), 0);
  const statusBefore = order.paymentStatus;
  order.paymentStatus =
    refundedTotal >= Math.round(paidOf(store, order.id) * 100) ? "FULLY_REFUNDED" : "PARTIALLY_REFUNDED";
  order.updatedDate = new Date(Math.max(Date.now(), Date.parse(order.updatedDate) + 1)).toISOString();

  const restockInfo = !restock.length
    ? { type: "NO_ITEMS" as const }
    : restock.every((s) => s.quantity === refunded.get(s.lineItemId as string)) &&
        restock.length === refunded.size
      ? { type: "ALL_ITEMS" as const }
      : {
          type: "SOME_ITEMS" as const,
          items: restock.map((s) => ({ lineItemId: s.lineItemId, quantity: s.quantity })),
        };
  store.refundSideEffects.set(refund.id as string, { restockInfo });
  const entity = { fqdn: TRANSACTIONS_FQDN, id: order.id };
  webhooks.announceAction(refundEvents(store, order.id, refund.id as string).map((e) => ({ ...e, entity })));
  if (order.paymentStatus !== statusBefore)
    void webhooks.announce(structuredClone(order), ["wix.ecom.v1.order_payment_status_updated"]);
  return structuredClone(refund);
}

/**
 * The events of a refund (TX index.typings.d.ts): `details_updated` {orderTransactions,
 * paymentIds, refundIds}, and once its transactions are final, `refund_completed` {orderId,
 * refund, sideEffects: {restockInfo}, orderTransactions}.
 */
export function refundEvents(
  store: WixStore,
  orderId: string,
  refundId: string,
): { eventType: string; body: unknown }[] {
  const orderTransactions = transactionsOf(store, orderId);
  const refund = orderTransactions.refunds.find((r) => r.id === refundId);
  if (!refund) throw new Error(`no refund ${refundId} on order ${orderId}`);
  const events: { eventType: string; body: unknown }[] = [
    {
      eventType: TRANSACTION_EVENTS.detailsUpdated,
      body: { orderTransactions, paymentIds: [], refundIds: [refundId] },
    },
  ];
  if (!refund.summary?.pending)
    events.push({
      eventType: TRANSACTION_EVENTS.refundCompleted,
      body: { orderId, refund, sideEffects: store.refundSideEffects.get(refundId) ?? {}, orderTransactions },
    });
  return events;
}
