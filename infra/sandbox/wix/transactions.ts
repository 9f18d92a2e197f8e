import { randomUUID } from "node:crypto";
import type { WixOrder, WixOrderTransactions, WixPayment } from "#shared/flows/wix-orders";
import { TRANSACTION_EVENTS, TRANSACTIONS_FQDN } from "#shared/wix/transactions";
import { WixError } from "./errors";
import { money, type WixResource, type WixStore } from "./store";
import type { WixWebhooks } from "./webhooks";

/** Payment amounts: `Price.amount`, `@decimalValue options { gte:0, lte:1000000000000000 }`. */
const AMOUNT = /^\d{1,16}(\.\d{1,3})?$/;
/** Statuses whose money reached the merchant (`balanceSummary.paid` counts later-refunded ones too). */
const PAID_STATUSES = new Set(["APPROVED", "REFUNDED", "PARTIALLY_REFUNDED"]);
/** "Gift card and membership payments support only ..." (`Payment.status`, TX meta.d.ts). */
const GIFT_CARD_STATUSES = new Set(["APPROVED", "PENDING", "CANCELED", "DECLINED", "VOIDED"]);

/**
 * Order transactions (@wix/auto_sdk_ecom_order-transactions): the payments and refunds of each
 * order. List For Single Order (`GET /ecom/v1/payments/orders/{orderId}`), List For Multiple
 * Orders (`POST /ecom/v1/payments/list-by-ids`, 1..100 ids), Add Payments (`POST
 * /ecom/v1/payments/orders/{orderId}/add-payment`, 1..50 records, `amount` and payment details
 * required: records only, nothing is charged). Every change derives the order's `paymentStatus`
 * (NOT_PAID, PARTIALLY_PAID, PAID: ORD `PaymentStatusEnumPaymentStatus`) and announces
 * `order_transactions_details_updated` (plus `order_payment_status_updated` when it moved).
 */
export const transactions: WixResource = (r, { store, webhooks }) => {
  r.on("GET", "/ecom/v1/payments/orders/:orderId", (req) => {
    const orderId = req.params.orderId as string;
    knownOrder(store, orderId);
    return { status: 200, body: { orderTransactions: transactionsOf(store, orderId) } };
  });
  r.on("POST", "/ecom/v1/payments/list-by-ids", (req) => {
    const ids = (req.body as { orderIds?: unknown })?.orderIds;
    if (
      !Array.isArray(ids) ||
      ids.length < 1 ||
      ids.length > 100 ||
      ids.some((id) => typeof id !== "string" || !id)
    )
      throw new WixError(400, "orderIds must hold 1 to 100 order ids", undefined, [
        { field: "orderIds", description: "1..100 ids" },
      ]);
    const known = (ids as string[]).filter((id) => store.orders.has(id));
    return { status: 200, body: { orderTransactions: known.map((id) => transactionsOf(store, id)) } };
  });
  r.on("POST", "/ecom/v1/payments/orders/:orderId/add-payment", async (req) => {
    const orderId = req.params.orderId as string;
    knownOrder(store, orderId);
    const payments = (req.body as { payments?: unknown })?.payments;
    if (!Array.isArray(payments) || payments.length < 1 || payments.length > 50)
      throw new WixError(400, "payments must hold 1 to 50 payments", undefined, [
        { field: "payments", description: "1..50" },
      ]);
    payments.forEach((p: WixPayment, i) => {
      if (typeof p?.amount?.amount !== "string" || !AMOUNT.test(p.amount.amount))
        throw new WixError(400, "invalid payment", undefined, [
          { field: `payments[${i}].amount.amount`, description: "a decimal string" },
        ]);
      if (!p.regularPaymentDetails && !p.giftcardPaymentDetails && !p.membershipPaymentDetails)
        throw new WixError(400, "invalid payment", undefined, [
          { field: `payments[${i}].paymentDetails`, description: "required" },
        ]);
      if (
        (p.giftcardPaymentDetails || p.membershipPaymentDetails) &&
        p.status &&
        !GIFT_CARD_STATUSES.has(p.status)
      )
        throw new WixError(400, "invalid payment", undefined, [
          {
            field: `payments[${i}].status`,
            description: "a gift card or membership payment: APPROVED, PENDING, CANCELED, DECLINED or VOIDED",
          },
        ]);
    });
    const ids = addPayments(store, webhooks, orderId, payments as WixPayment[]);
    return { status: 200, body: { orderTransactions: transactionsOf(store, orderId), paymentsIds: ids } };
  });
};

/** The order's transactions, as Wix answers them (empty lists for an order with none yet). */
export function transactionsOf(store: WixStore, orderId: string): WixOrderTransactions {
  const tx = store.transactions.get(orderId);
  return structuredClone(tx ?? { orderId, payments: [], refunds: [] });
}

/**
 * Records payments on an order (Add Payments, a checkout, Mark as Paid), derives its payment
 * status and announces the change. Returns the new payment ids.
 */
export function addPayments(
  store: WixStore,
  webhooks: WixWebhooks,
  orderId: string,
  payments: WixPayment[],
): string[] {
  const tx = store.transactions.get(orderId) ?? { orderId, payments: [], refunds: [] };
  store.transactions.set(orderId, tx);
  const now = new Date().toISOString();
  const added = payments.map((p) => ({
    ...withoutRemovedFields(p),
    id: randomUUID(),
    createdDate: p.createdDate ?? now,
    updatedDate: now,
    status: p.status ?? "APPROVED",
  }));
  tx.payments.push(...added);
  const ids = added.map((p) => p.id);
  announce(store, webhooks, orderId, ids);
  return ids;
}

/** Moves a payment to another status (a pending payment approved, a card declined...). */
export function setPaymentStatus(
  store: WixStore,
  webhooks: WixWebhooks,
  orderId: string,
  paymentId: string,
  status: NonNullable<WixPayment["status"]>,
): void {
  const payment = store.transactions.get(orderId)?.payments.find((p) => p.id === paymentId);
  if (!payment) throw new WixError(404, `payment ${paymentId} not found`, "PAYMENT_NOT_FOUND");
  Object.assign(payment, { status, updatedDate: new Date().toISOString() });
  announce(store, webhooks, orderId, [paymentId]);
}

/**
 * The payment that makes an order paid in full: what is still unpaid, as one offline payment (the
 * dashboard's Mark as Paid) or a card payment (a checkout). Nothing when it is paid already.
 */
export function payBalance(
  store: WixStore,
  webhooks: WixWebhooks,
  orderId: string,
  method: "offline" | "card",
): string | undefined {
  const order = knownOrder(store, orderId);
  const balance = balanceOf(store, order);
  if (balance <= 0) return undefined;
  return addPayments(store, webhooks, orderId, [
    { amount: money(balance), regularPaymentDetails: paymentDetails(method) },
  ])[0];
}

/**
 * What was paid on the order (approved payments, and refunded ones: `balanceSummary.paid`),
 * gift card and membership payments refunded in full included: those are VOIDED, not REFUNDED.
 */
export function paidOf(store: WixStore, orderId: string): number {
  const tx = store.transactions.get(orderId);
  const refunded = new Set(
    (tx?.refunds ?? [])
      .flatMap((r) => r.transactions ?? [])
      .filter((t) => t.refundStatus !== "FAILED")
      .map((t) => t.paymentId),
  );
  return round2(
    (tx?.payments ?? [])
      .filter(
        (p) => PAID_STATUSES.has(String(p.status)) || (p.status === "VOIDED" && refunded.has(p.id ?? "")),
      )
      .reduce((n, p) => n + Number(p.amount?.amount ?? 0), 0),
  );
}

/**
 * The order's payment status from its payments: none paid NOT_PAID, less than the total
 * PARTIALLY_PAID ("at least one payment received ... covers less than the total"), else PAID.
 * Refund statuses are left as they are (set when refunds are recorded).
 */
export function derivedPaymentStatus(store: WixStore, order: WixOrder): WixOrder["paymentStatus"] {
  if (order.paymentStatus === "FULLY_REFUNDED" || order.paymentStatus === "PARTIALLY_REFUNDED")
    return order.paymentStatus;
  const paid = paidOf(store, order.id);
  if (paid <= 0) {
    const pending = store.transactions.get(order.id)?.payments.some((p) => p.status === "PENDING");
    return pending ? "PENDING" : order.paymentStatus === "PENDING" ? "PENDING" : "NOT_PAID";
  }
  return paid < Number(order.priceSummary.total.amount) ? "PARTIALLY_PAID" : "PAID";
}

function announce(store: WixStore, webhooks: WixWebhooks, orderId: string, paymentIds: string[]): void {
  const order = knownOrder(store, orderId);
  const status = derivedPaymentStatus(store, order);
  const moved = status !== order.paymentStatus;
  if (moved) setOrderPaymentStatus(order, status);
  const current = structuredClone(order);
  const entity = { fqdn: TRANSACTIONS_FQDN, id: orderId };
  webhooks.announceAction([
    {
      eventType: TRANSACTION_EVENTS.detailsUpdated,
      entity,
      body: { orderTransactions: transactionsOf(store, orderId), paymentIds, refundIds: [] },
    },
  ]);
  if (moved) void webhooks.announce(current, ["wix.ecom.v1.order_payment_status_updated"]);
}

/**
 * Records a payment without announcing it: a checkout's (or a test's) own order events carry the
 * news. The order's payment status follows.
 */
export function recordPaymentQuietly(
  store: WixStore,
  orderId: string,
  amount: number,
  method: "offline" | "card",
): void {
  if (amount <= 0) return;
  const tx = store.transactions.get(orderId) ?? { orderId, payments: [], refunds: [] };
  store.transactions.set(orderId, tx);
  const now = new Date().toISOString();
  tx.payments.push({
    id: randomUUID(),
    createdDate: now,
    updatedDate: now,
    status: "APPROVED",
    amount: money(amount),
    regularPaymentDetails: paymentDetails(method),
  });
}

/** What is left to pay on the order. */
export function balanceOf(store: WixStore, order: WixOrder): number {
  return round2(Number(order.priceSummary.total.amount) - paidOf(store, order.id));
}

function setOrderPaymentStatus(order: WixOrder, status: WixOrder["paymentStatus"]): void {
  order.paymentStatus = status;
  order.updatedDate = new Date(Math.max(Date.now(), Date.parse(order.updatedDate) + 1)).toISOString();
}

/**
 * A checkout's card payment or the dashboard's Mark as Paid, as Wix sends them since
 * `paymentMethod`'s `@targetRemovalDate 2026-07-01`: the method only by its translated names
 * (`paymentMethodName`) and, for a card, `creditCardDetails`.
 */
function paymentDetails(method: "offline" | "card"): NonNullable<WixPayment["regularPaymentDetails"]> {
  return method === "offline"
    ? {
        offlinePayment: true,
        paymentMethodName: { buyerLanguageName: "Offline", siteLanguageName: "Offline" },
      }
    : {
        offlinePayment: false,
        paymentMethodName: {
          buyerLanguageName: "Credit / Debit Card",
          siteLanguageName: "Credit / Debit Card",
        },
        creditCardDetails: { brand: "VISA", lastFourDigits: "4242" },
        gatewayTransactionId: randomUUID(),
      };
}

/**
 * A recorded payment without the deprecated fields whose `@targetRemovalDate` has passed (TX
 * meta.d.ts): `regularPaymentDetails.paymentMethod` (2026-07-01), `regularPaymentDetails.status`,
 * `giftcardPaymentDetails.voided`, `membershipPaymentDetails.status` and `.voided` (2026-11-01).
 * Wix neither keeps nor sends them; `Payment.status` replaces the last four.
 */
function withoutRemovedFields(payment: WixPayment): WixPayment {
  const p = structuredClone(payment);
  delete p.regularPaymentDetails?.paymentMethod;
  delete p.regularPaymentDetails?.status;
  delete p.giftcardPaymentDetails?.voided;
  delete p.membershipPaymentDetails?.status;
  delete p.membershipPaymentDetails?.voided;
  return p;
}

function knownOrder(store: WixStore, orderId: string): WixOrder {
  const order = store.orders.get(orderId);
  if (!order) throw new WixError(404, `order ${orderId} not found`, "ORDER_NOT_FOUND");
  return order;
}

const round2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;
