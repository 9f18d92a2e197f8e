import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { MAKE_DELIVERY_NOTE } from "#infra/sandbox/erpnext/delivery-note";
import type { OrderInput } from "#infra/sandbox/wix/index";
import type { WixOrder } from "#shared/flows/wix-orders";
import { createItem, type Harness, startHarness } from "./harness";

/**
 * Wix refunds over loopback: the sandbox Wix refunds (Refund Payments) and sends its events, the
 * local host books them in the sandbox ERPNext. INVOICE_ON=fulfilment: no order is invoiced before
 * its refund, so every refund here also proves invoice-then-credit.
 */
let h: Harness;
const WIX = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };
beforeAll(async () => {
  // RETRY_BASE_SECONDS=0: a message that meets another delivery's lease comes back at once.
  h = await startHarness({
    INVOICE_ON: "fulfilment",
    ERPNEXT_RETURN_WAREHOUSE: "Stores - SC",
    RETRY_BASE_SECONDS: "0",
  });
  for (const [code, price] of [
    ["RF-SHIRT", 20],
    ["RF-MUG", 12.5],
  ] as const) {
    createItem(h.erpnext, code, price);
    h.erpnext.moveBin(code, "Stores - SC", { actual: 100 });
  }
  await h.host.drain();
});
afterAll(async () => {
  await h.host.stop();
});

type Doc = Record<string, unknown> & { name: string };
const docs = (doctype: string) => [...(h.erpnext.docs.get(doctype)?.values() ?? [])] as Doc[];
const salesOrderOf = (order: WixOrder) => docs("Sales Order").find((so) => so.po_no === order.number) as Doc;
const invoicesOf = (order: WixOrder) =>
  docs("Sales Invoice").filter((si) => si.customer === salesOrderOf(order).customer);
const creditNotes = (refundId: string) =>
  docs("Sales Invoice").filter((si) => si.is_return && si.wix_refund_id === refundId && si.docstatus === 1);
const paymentsOut = (refundId: string) =>
  docs("Payment Entry").filter((pe) => pe.wix_transaction_id === refundId && pe.docstatus === 1);
const stock = (code: string) =>
  Number(docs("Bin").find((b) => b.item_code === code && b.warehouse === "Stores - SC")?.actual_qty);

/** A paid checkout, its Sales Order in ERPNext. */
async function paidOrder(input: Partial<OrderInput> = {}): Promise<WixOrder> {
  const order = h.wix.placeOrder({
    lines: [
      { sku: "RF-SHIRT", quantity: 2 },
      { sku: "RF-MUG", quantity: 1 },
    ],
    shipping: "4.95",
    taxes: [{ name: "Sales Tax", rate: "0.08" }],
    paymentStatus: "PAID",
    ...input,
  });
  expect(await h.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
  await h.host.drain();
  expect(salesOrderOf(order)?.docstatus).toBe(1);
  return order;
}

/** What the Wix dashboard refunds for these items (Calculate Refund), then Refund Payments. */
async function refund(
  order: WixOrder,
  items: {
    lineItems?: { lineItemId: string; quantity: number }[];
    shipping?: { amount?: { amount: string } };
  },
  restock: { lineItemId: string; quantity: number }[] = [],
) {
  const calc = await h.request(
    "POST",
    "/sandbox/wix/ecom/v1/order-billing/calculate-refund",
    { orderId: order.id, refundItems: items },
    WIX,
  );
  const amount = (calc.body as { summary: { total: { amount: string } } }).summary.total.amount;
  const paymentId = h.wix.transactionsOf(order.id).payments[0]?.id as string;
  const res = await h.request(
    "POST",
    "/sandbox/wix/ecom/v1/order-billing/refund-payments",
    {
      orderId: order.id,
      paymentRefunds: [{ paymentId, amount: { amount } }],
      refundItems: items,
      ...(restock.length ? { sideEffects: { restock: { lineItems: restock } } } : {}),
    },
    WIX,
  );
  expect(res.status).toBe(200);
  await h.wix.webhooksSettled();
  await h.host.drain();
  return { id: (res.body as { refund: { id: string } }).refund.id, amount: Number(amount) };
}

describe("Wix refunds -> ERPNext Credit Notes, payments out and Sales Returns", () => {
  test("a partial refund with restock: invoice, then one Credit Note, one payment out and the goods back", async () => {
    const order = await paidOrder();
    // Shipped from ERPNext: a submitted Delivery Note against the Sales Order.
    const dn = (
      (await h.request(
        "POST",
        `/sandbox/erpnext/api/method/${MAKE_DELIVERY_NOTE}`,
        { source_name: salesOrderOf(order).name },
        { authorization: "token sandbox-api-key:sandbox-api-secret" },
      )) as { body: { message: Doc } }
    ).body.message;
    h.erpnext.insert("Delivery Note", { ...dn, taxes: [], docstatus: 1 });
    const shipped = stock("RF-SHIRT");
    const shirt = order.lineItems[0]?.id as string;
    const r = await refund(order, { lineItems: [{ lineItemId: shirt, quantity: 1 }] }, [
      { lineItemId: shirt, quantity: 1 },
    ]);
    expect(invoicesOf(order).filter((si) => !si.is_return)).toHaveLength(1);
    const [note] = creditNotes(r.id);
    expect(note).toMatchObject({ grand_total: -r.amount, outstanding_amount: 0 });
    expect(note?.items).toEqual([expect.objectContaining({ item_code: "RF-SHIRT", qty: -1 })]);
    expect(paymentsOut(r.id)).toEqual([
      expect.objectContaining({ payment_type: "Pay", paid_amount: r.amount }),
    ]);
    const returns = docs("Delivery Note").filter(
      (d) => d.is_return && d.docstatus === 1 && d.po_no === order.number,
    );
    expect(returns).toHaveLength(1);
    expect(returns[0]?.items).toEqual([expect.objectContaining({ item_code: "RF-SHIRT", qty: -1 })]);
    expect(stock("RF-SHIRT")).toBe(shipped + 1);
  });

  test("a full refund: the whole order back to the cent, shipping and tax included", async () => {
    const order = await paidOrder();
    const r = await refund(order, {
      lineItems: order.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity })),
      shipping: {},
    });
    expect(r.amount).toBe(Number(order.priceSummary.total.amount));
    expect(creditNotes(r.id).map((n) => n.grand_total)).toEqual([-r.amount]);
    expect(paymentsOut(r.id).map((p) => p.paid_amount)).toEqual([r.amount]);
    const [invoice] = invoicesOf(order).filter((si) => !si.is_return);
    expect(invoice?.grand_total).toBe(r.amount);
  });

  test("each refund event delivered 3 times, all at once, out of order: one Credit Note and one payment", async () => {
    const order = await paidOrder();
    const first = await refund(order, {
      lineItems: [{ lineItemId: order.lineItems[1]?.id as string, quantity: 1 }],
    });
    const second = await refund(order, {
      lineItems: [{ lineItemId: order.lineItems[0]?.id as string, quantity: 2 }],
    });
    await Promise.all([
      h.wix.sendRefundEventCopies(order.id, second.id, 3),
      h.wix.sendRefundEventCopies(order.id, first.id, 3),
    ]);
    await h.host.drain();
    for (const r of [first, second]) {
      expect(creditNotes(r.id)).toHaveLength(1);
      expect(paymentsOut(r.id)).toHaveLength(1);
    }
    expect(creditNotes(second.id)[0]?.grand_total).toBe(-second.amount);
  });

  test("restock without a Delivery Note is parked with that reason; the money is booked", async () => {
    const order = await paidOrder();
    const mug = order.lineItems[1]?.id as string;
    const r = await refund(order, { lineItems: [{ lineItemId: mug, quantity: 1 }] }, [
      { lineItemId: mug, quantity: 1 },
    ]);
    expect(creditNotes(r.id)).toHaveLength(1);
    expect(paymentsOut(r.id)).toHaveLength(1);
    const parked = h.host.dlq("refunds").filter((m) => (m.body as { orderId?: string }).orderId === order.id);
    expect(parked.length).toBeGreaterThan(0);
    expect(parked[0]?.reason).toMatch(/restock without a Delivery Note/);
  });

  test("a refund that cannot be booked (no item: an amount-only refund) is parked with the reason", async () => {
    const order = await paidOrder();
    const paymentId = h.wix.transactionsOf(order.id).payments[0]?.id as string;
    const res = await h.request(
      "POST",
      "/sandbox/wix/ecom/v1/order-billing/refund-payments",
      { orderId: order.id, paymentRefunds: [{ paymentId, amount: { amount: "5.00" } }] },
      WIX,
    );
    const refundId = (res.body as { refund: { id: string } }).refund.id;
    await h.wix.webhooksSettled();
    await h.host.drain();
    expect(creditNotes(refundId)).toHaveLength(0);
    expect(paymentsOut(refundId)).toHaveLength(0);
    const parked = h.host.dlq("refunds").filter((m) => (m.body as { orderId?: string }).orderId === order.id);
    expect(parked).toHaveLength(1);
    expect(parked[0]?.reason).toMatch(/amount-only refund/);
  });
});
