import { expect } from "@jest/globals";
import type { OrderInput } from "#infra/sandbox/wix/index";
import type { WixOrder, WixPayment } from "#shared/flows/wix-orders";
import { createItem, type Harness, startHarness } from "./harness";

export const APPROVED = "wix.ecom.v1.order_approved";
export type Doc = Record<string, unknown> & { name: string };

/** Payments as Wix sends them since `paymentMethod`'s removal (2026-07-01): names and card details. */
export const card = (amount: string): WixPayment => ({
  amount: { amount },
  regularPaymentDetails: {
    offlinePayment: false,
    paymentMethodName: { buyerLanguageName: "Credit / Debit Card", siteLanguageName: "Credit / Debit Card" },
    creditCardDetails: { brand: "MASTERCARD", lastFourDigits: "4444" },
  },
});
export const paypal = (amount: string): WixPayment => ({
  amount: { amount },
  regularPaymentDetails: {
    offlinePayment: false,
    paymentMethodName: { buyerLanguageName: "PayPal", siteLanguageName: "PayPal" },
  },
});
export const giftCard = (amount: string): WixPayment => ({
  amount: { amount },
  giftcardPaymentDetails: { giftCardPaymentId: "gc-1", obfuscatedCode: "************QXY1" },
});

/** Shipping, a fee, a discount and a tax: every kind of money on the order. */
export const FULL_ORDER: Omit<OrderInput, "buyer"> = {
  lines: [
    { sku: "INV-A", quantity: 2 },
    { sku: "INV-B", quantity: 1, price: "7.33" },
  ],
  shipping: "4.95",
  fees: [{ name: "Packaging", amount: "1.50" }],
  discount: "3.00",
  taxes: [{ name: "Sales Tax", rate: "0.0825" }],
};

/** A local host with these settings and FULL_ORDER's items priced and in stock. */
export async function startBillingHarness(env: Record<string, string>): Promise<Harness> {
  const h = await startHarness(env);
  for (const [code, price] of [
    ["INV-A", 12.99],
    ["INV-B", 7.33],
  ] as const) {
    createItem(h.erpnext, code, price);
    h.erpnext.moveBin(code, "Stores - SC", { actual: 500 });
  }
  await h.host.drain();
  return h;
}

export function helpers(h: () => Harness) {
  const docs = (doctype: string) => [...(h().erpnext.docs.get(doctype)?.values() ?? [])] as Doc[];
  const salesOrderOf = (order: WixOrder) => docs("Sales Order").find((so) => so.po_no === order.number);
  const invoicesOf = (order: WixOrder) =>
    docs("Sales Invoice").filter((si) => si.po_no === order.number && si.docstatus !== 2);
  const paymentsOf = (order: WixOrder) =>
    docs("Payment Entry").filter((pe) => pe.reference_no === order.number && pe.docstatus !== 2);
  const refsOf = (pe: Doc) =>
    (pe.references as Doc[]).map((r) => [r.reference_doctype, r.reference_name, r.allocated_amount]);
  async function placeAndApprove(input: OrderInput): Promise<WixOrder> {
    const order = h().wix.placeOrder(input);
    expect(await h().wix.sendEvent(APPROVED, order)).toBe(200);
    await h().host.drain();
    expect(salesOrderOf(order)?.docstatus).toBe(1);
    return order;
  }
  /** Records payments on the order and lets Wix's events (and the work they start) run out. */
  async function pay(order: WixOrder, ...payments: WixPayment[]) {
    const ids = h().wix.addPayments(order.id, payments);
    await h().wix.webhooksSettled();
    await h().host.drain();
    return ids;
  }
  const dlq = () => [...h().host.dlq("billing"), ...h().host.dlq("orders")];
  return { docs, salesOrderOf, invoicesOf, paymentsOf, refsOf, placeAndApprove, pay, dlq };
}
