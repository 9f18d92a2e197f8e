import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { WixOrder } from "#shared/flows/wix-orders";
import { createItem, type Harness, startHarness } from "./harness";

/**
 * A paid Wix order canceled and fully refunded, in either order, in one INVOICE_ON mode: the money
 * in and out booked once each, the order's reservation released, nothing parked, and a later
 * order poll finds nothing left to do. Not invoiced: the Sales Order is cancelled (ERPNext unlinks
 * its advance payment). Invoiced (INVOICE_ON payment or order; or fulfilment with the refund made
 * while the order was still sold: invoice-then-credit): ERPNext refuses to cancel a Sales Order
 * with a submitted invoice (a LinkExistsError), so the invoice is credited in full and the Sales
 * Order closed.
 * One local host per test file: each mode has its own file.
 */
export function cancelRefundSuite(invoiceOn: "payment" | "fulfilment" | "order" | "never"): void {
  const invoiced = invoiceOn === "payment" || invoiceOn === "order";
  const endStatus = invoiced ? "Closed" : "Cancelled";
  // Refunded before its cancel, the order was still sold: invoiced, then credited (not with never).
  const refundedFirstStatus = invoiceOn === "never" ? "Cancelled" : "Closed";
  const WIX = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };
  const sku = `CR-${invoiceOn.toUpperCase()}`;
  type Doc = Record<string, unknown> & { name: string };
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ INVOICE_ON: invoiceOn, RETRY_BASE_SECONDS: "0" });
    createItem(h.erpnext, sku, 20);
    h.erpnext.moveBin(sku, "Stores - SC", { actual: 100 });
    await h.host.drain();
  });
  afterAll(async () => {
    await h.host.stop();
  });

  const docs = (doctype: string) => [...(h.erpnext.docs.get(doctype)?.values() ?? [])] as Doc[];
  const salesOrderOf = (order: WixOrder) =>
    docs("Sales Order").find((so) => so.po_no === order.number) as Doc;
  const reserved = () =>
    Number(docs("Bin").find((b) => b.item_code === sku && b.warehouse === "Stores - SC")?.reserved_qty);
  const parked = (order: WixOrder) =>
    (["orders", "billing", "refunds"] as const).flatMap((q) =>
      h.host
        .dlq(q)
        .filter((m) => (m.body as { orderId?: string }).orderId === order.id)
        .map((m) => `${q}: ${m.reason}`),
    );

  /** A paid checkout: its Sales Order reserves 2 units, its payment is booked. */
  async function paidOrder(): Promise<{ order: WixOrder; before: number }> {
    const before = reserved() || 0;
    const order = h.wix.placeOrder({
      lines: [{ sku, quantity: 2 }],
      shipping: "4.95",
      paymentStatus: "PAID",
    });
    expect(await h.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
    await h.wix.webhooksSettled();
    await h.host.drain();
    expect(salesOrderOf(order)?.docstatus).toBe(1);
    expect(reserved()).toBe(before + 2);
    return { order, before };
  }

  async function cancel(order: WixOrder) {
    const canceled = h.wix.changeOrder(order.id, { status: "CANCELED" });
    expect(await h.wix.sendEvent("wix.ecom.v1.order_canceled", canceled)).toBe(200);
    await h.wix.webhooksSettled();
    await h.host.drain();
  }

  /** The whole order refunded from the dashboard (Calculate Refund, then Refund Payments). */
  async function refundAll(order: WixOrder): Promise<string> {
    const refundItems = {
      lineItems: order.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity })),
      shipping: {},
    };
    const calc = await h.request(
      "POST",
      "/sandbox/wix/ecom/v1/order-billing/calculate-refund",
      { orderId: order.id, refundItems },
      WIX,
    );
    const amount = (calc.body as { summary: { total: { amount: string } } }).summary.total.amount;
    expect(Number(amount)).toBe(Number(order.priceSummary.total.amount));
    const paymentId = h.wix.transactionsOf(order.id).payments[0]?.id as string;
    const res = await h.request(
      "POST",
      "/sandbox/wix/ecom/v1/order-billing/refund-payments",
      { orderId: order.id, paymentRefunds: [{ paymentId, amount: { amount } }], refundItems },
      WIX,
    );
    expect(res.status).toBe(200);
    await h.wix.webhooksSettled();
    await h.host.drain();
    return (res.body as { refund: { id: string } }).refund.id;
  }

  function expectSettled(order: WixOrder, refundId: string, reservedBefore: number, status = endStatus) {
    const total = Number(order.priceSummary.total.amount);
    const so = salesOrderOf(order);
    expect(so.status).toBe(status);
    expect(reserved()).toBe(reservedBefore);
    const paymentsIn = docs("Payment Entry").filter(
      (pe) => pe.payment_type === "Receive" && pe.reference_no === order.number && pe.docstatus === 1,
    );
    expect(paymentsIn.map((pe) => pe.paid_amount)).toEqual([total]);
    const paymentsOut = docs("Payment Entry").filter(
      (pe) => pe.wix_transaction_id === refundId && pe.docstatus === 1,
    );
    expect(parked(order)).toEqual([]);
    expect(paymentsOut.map((pe) => [pe.payment_type, pe.paid_amount])).toEqual([["Pay", total]]);
    // Whatever was invoiced is credited in full: nothing is left sold.
    const billed = docs("Sales Invoice")
      .filter((si) => si.po_no === order.number && si.docstatus === 1)
      .reduce((n, si) => n + Math.round(Number(si.grand_total) * 100), 0);
    expect(billed).toBe(0);
    expect(parked(order)).toEqual([]);
  }

  describe(`INVOICE_ON=${invoiceOn}: a paid order canceled and fully refunded`, () => {
    test(`canceled, then refunded: the Sales Order ends ${endStatus}, its stock released`, async () => {
      const { order, before } = await paidOrder();
      await cancel(order);
      const refundId = await refundAll(order);
      expectSettled(order, refundId, before);
    });

    test(`refunded, then canceled: the Sales Order ends ${refundedFirstStatus}, its stock released`, async () => {
      const { order, before } = await paidOrder();
      const refundId = await refundAll(order);
      await cancel(order);
      expectSettled(order, refundId, before, refundedFirstStatus);
    });

    if (!invoiced)
      test("with Accounts Settings' unlink of advances off ERPNext refuses: parked with the setting named, then redriven", async () => {
        const { order, before } = await paidOrder();
        h.erpnext.unlinkAdvancePaymentOnCancelationOfOrder = false;
        try {
          await cancel(order);
          const refundId = await refundAll(order);
          expect(salesOrderOf(order).docstatus).toBe(1);
          const reasons = parked(order);
          expect(reasons.length).toBeGreaterThan(0);
          for (const reason of reasons)
            expect(reason).toMatch(/orders: .*Unlink Advance Payment on Cancellation/);
          h.erpnext.unlinkAdvancePaymentOnCancelationOfOrder = true;
          expect((await h.request("POST", "/dlq/orders/redrive")).status).toBe(200);
          await h.host.drain();
          expectSettled(order, refundId, before);
        } finally {
          h.erpnext.unlinkAdvancePaymentOnCancelationOfOrder = true;
        }
      });

    test("later order polls find it settled and park nothing", async () => {
      const { order, before } = await paidOrder();
      await cancel(order);
      const refundId = await refundAll(order);
      for (let pass = 0; pass < 2; pass++) {
        expect((await h.request("POST", "/jobs/order-poll")).status).toBe(200);
        await h.host.drain();
      }
      expectSettled(order, refundId, before);
      const { state } = await h.host.context();
      expect(await state.getOrder(order.id)).toMatchObject({ canceled: true });
    });
  });
}
