import { randomUUID } from "node:crypto";
import type {
  RefundItemsOriginal,
  RefundPaymentsRequestOriginal,
} from "@wix/auto_sdk_ecom_order-billing/meta";
import type { Wire, WixOrder, WixOrderTransactions, WixPayment, WixRefund } from "#shared/flows/wix-orders";
import { TRANSACTION_EVENTS, TRANSACTIONS_FQDN } from "#shared/wix/transactions";
import { WixError } from "./errors";
import { inventoryForSku } from "./inventory";
import {
  AMOUNT,
  calculate,
  cents,
  checkItems,
  orderOf,
  type RefundInput,
  refundability,
  refundedFeeCents,
  refundedFromPayment,
  refundedShippingCents,
  refuse,
} from "./refund-rules";
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
 *   the payments to REFUNDED / PARTIALLY_REFUNDED (a gift card or membership payment: refunded
 *   only in full, then VOIDED) and the order to PARTIALLY_REFUNDED /
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
    // "Gift card and membership payments don't support partial refunds" (TX meta.d.ts PaymentStatus).
    if (amount !== undefined && wholeOnly(payment) && cents(amount) !== left)
      throw refuse(
        "INVALID_PAYMENT_REFUND_AMOUNT",
        `payment ${payment.id}: a gift card or membership payment is refunded in full (${(left / 100).toFixed(2)})`,
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

  // The payments, the lines and the order follow. A gift card or membership payment refunded in
  // full "is reported as VOIDED rather than REFUNDED" (TX meta.d.ts PaymentStatus.VOIDED).
  for (const a of amounts) {
    const payment = tx.payments.find((p) => p.id === a.paymentId) as (typeof tx.payments)[number];
    const left = cents(payment.amount?.amount) - refundedFromPayment(store, order.id, a.paymentId);
    payment.status = left > 0 ? "PARTIALLY_REFUNDED" : wholeOnly(payment) ? "VOIDED" : "REFUNDED";
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

/** Gift card and membership payments: refunded only in full, then VOIDED. */
function wholeOnly(payment: WixPayment): boolean {
  return Boolean(payment.giftcardPaymentDetails || payment.membershipPaymentDetails);
}
