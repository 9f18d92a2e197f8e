import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { BillingSync } from "#shared/flows/billing/sync";
import type { WixOrder } from "#shared/flows/wix-orders";
import {
  APPROVED,
  card,
  type Doc,
  FULL_ORDER,
  giftCard,
  helpers,
  paypal,
  startBillingHarness,
} from "./billing-helpers";
import type { Harness } from "./harness";

const DETAILS_UPDATED = "wix.ecom.v1.order_transactions_details_updated";
const PAYMENT_STATUS = "wix.ecom.v1.order_payment_status_updated";

describe("INVOICE_ON=payment (the default)", () => {
  let h: Harness;
  const t = helpers(() => h);
  beforeAll(async () => {
    // RETRY_BASE_SECONDS=0: billing and refunds meet on the invoice; the one that waits retries at once.
    h = await startBillingHarness({
      ERPNEXT_PAYMENT_ACCOUNTS: "paypal=PayPal - SC, offline=Cash - SC, giftcard=Gift Cards - SC",
      RETRY_BASE_SECONDS: "0",
    });
    h.erpnext.insert("Account", {
      name: "Gift Cards - SC",
      account_type: "Bank",
      company: "Sandbox Co",
      is_group: 0,
    });
  });
  afterAll(async () => {
    await h.host.stop();
  });

  test("a payment makes a submitted Sales Invoice equal to the Wix total to the cent, paid by its Payment Entry", async () => {
    const order = await t.placeAndApprove({ ...FULL_ORDER, buyer: { email: "invoice@example.com" } });
    expect(t.invoicesOf(order)).toEqual([]); // not paid yet: no invoice
    const total = h.wix.orders.get(order.id)?.priceSummary.total.amount as string;
    await t.pay(order, card(total));
    const [si, ...more] = t.invoicesOf(order);
    expect(more).toEqual([]);
    expect(si).toMatchObject({
      docstatus: 1,
      grand_total: Number(total),
      outstanding_amount: 0,
      status: "Paid",
    });
    // Made by the Sales Order mapper: every line points at its Sales Order row.
    const so = t.salesOrderOf(order) as Doc;
    expect(((si?.items ?? []) as Doc[]).every((row) => row.sales_order === so.name && row.so_detail)).toBe(
      true,
    );
    expect(h.erpnext.get("Sales Order", so.name)).toMatchObject({ per_billed: 100 });
    const [pe, ...others] = t.paymentsOf(order);
    expect(others).toEqual([]);
    expect(pe).toMatchObject({ docstatus: 1, paid_amount: Number(total), paid_to: "Wix Payments - SC" });
    expect(t.refsOf(pe as Doc)).toEqual([["Sales Invoice", si?.name, Number(total)]]);
    expect(t.dlq()).toEqual([]);
  });

  test("two partial payments: one invoice, two Payment Entries allocated to it, each to its method's account", async () => {
    const order = await t.placeAndApprove({
      lines: [{ sku: "INV-A", quantity: 4, price: "10.00" }],
      buyer: { email: "instalments@example.com" },
    });
    const [first] = await t.pay(order, card("15.00"));
    expect(h.wix.orders.get(order.id)?.paymentStatus).toBe("PARTIALLY_PAID");
    const [si] = t.invoicesOf(order);
    expect(si).toMatchObject({ grand_total: 40, outstanding_amount: 25, status: "Partly Paid" });
    const [second] = await t.pay(order, paypal("25.00"));
    expect(h.wix.orders.get(order.id)?.paymentStatus).toBe("PAID");
    expect(t.invoicesOf(order)).toHaveLength(1);
    const payments = t.paymentsOf(order);
    expect(payments.map((pe) => [pe.wix_transaction_id, pe.paid_amount, pe.paid_to])).toEqual([
      [first, 15, "Wix Payments - SC"],
      [second, 25, "PayPal - SC"],
    ]);
    for (const pe of payments) expect(t.refsOf(pe)[0]?.slice(0, 2)).toEqual(["Sales Invoice", si?.name]);
    expect(h.erpnext.get("Sales Invoice", si?.name as string)).toMatchObject({ outstanding_amount: 0 });
  });

  test("Mark as Paid in the dashboard books an offline payment to the Cash account", async () => {
    const order = await t.placeAndApprove({
      lines: [{ sku: "INV-B", quantity: 3 }],
      buyer: { email: "cash@example.com" },
    });
    const res = await h.request(
      "POST",
      `/sandbox/wix/ecom/v1/orders/${order.id}/mark-as-paid`,
      {},
      {
        authorization: "sandbox-wix-api-key",
        "wix-site-id": "sandbox-site-id",
      },
    );
    expect(res.status).toBe(200);
    await h.wix.webhooksSettled();
    await h.host.drain();
    expect(t.paymentsOf(order).map((pe) => [pe.paid_amount, pe.paid_to])).toEqual([[21.99, "Cash - SC"]]);
  });

  test("a gift card payment billing first sees after its full refund (VOIDED): one Payment Entry in, one out, to the cent", async () => {
    const order = await t.placeAndApprove({
      lines: [{ sku: "INV-A", quantity: 2, price: "10.00" }],
      shipping: "4.95",
      taxes: [{ name: "Sales Tax", rate: "0.08" }],
      buyer: { email: "gift-card@example.com" },
    });
    const total = order.priceSummary.total.amount;
    // The payment's events are lost: billing first hears of it with its refund.
    h.wix.setWebhookTarget(undefined);
    const [paymentId] = h.wix.addPayments(order.id, [giftCard(total)]);
    await h.wix.webhooksSettled();
    h.wix.setWebhookTarget(`${h.host.url}/webhooks/wix`);
    const res = await h.request(
      "POST",
      "/sandbox/wix/ecom/v1/order-billing/refund-payments",
      {
        orderId: order.id,
        paymentRefunds: [{ paymentId, amount: { amount: total } }],
        refundItems: {
          lineItems: order.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity })),
          shipping: {},
        },
      },
      { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" },
    );
    expect(res.status).toBe(200);
    const refundId = (res.body as { refund: { id: string } }).refund.id;
    expect(h.wix.transactionsOf(order.id).payments.map((p) => p.status)).toEqual(["VOIDED"]);
    await h.wix.webhooksSettled();
    await h.host.drain();
    // The refund's events again: nothing more is booked.
    await h.wix.sendRefundEventCopies(order.id, refundId, 2);
    await h.host.drain();

    const entries = (id: string) =>
      t.docs("Payment Entry").filter((pe) => pe.wix_transaction_id === id && pe.docstatus === 1);
    expect(entries(paymentId as string).map((pe) => [pe.payment_type, pe.paid_amount, pe.paid_to])).toEqual([
      ["Receive", Number(total), "Gift Cards - SC"],
    ]);
    expect(entries(refundId).map((pe) => [pe.payment_type, pe.paid_amount])).toEqual([
      ["Pay", Number(total)],
    ]);
    const invoices = t.invoicesOf(order);
    const [invoice] = invoices.filter((si) => !si.is_return);
    const [note] = invoices.filter((si) => si.is_return);
    expect(invoices).toHaveLength(2);
    expect(invoice).toMatchObject({ docstatus: 1, grand_total: Number(total), outstanding_amount: 0 });
    expect(note).toMatchObject({ docstatus: 1, grand_total: -Number(total), outstanding_amount: 0 });
    expect(t.dlq()).toEqual([]);
  });

  test("each event delivered 3 times and out of order: one Sales Order, one invoice, one Payment Entry per payment", async () => {
    const order = h.wix.placeOrder({ ...FULL_ORDER, buyer: { email: "storm@example.com" } });
    const total = Number(order.priceSummary.total.amount);
    const part = (Math.round(total * 40) / 100).toFixed(2);
    const rest = (Math.round(total * 100) / 100 - Number(part)).toFixed(2);
    // Payments recorded while Wix's deliveries are held back: their events are sent below.
    h.wix.setWebhookTarget(undefined);
    const [p1] = h.wix.addPayments(order.id, [card(part)]);
    const [p2] = h.wix.addPayments(order.id, [paypal(rest)]);
    await h.wix.webhooksSettled();
    h.wix.setWebhookTarget(`${h.host.url}/webhooks/wix`);
    const paidOrder = h.wix.orders.get(order.id) as WixOrder;
    const tx = h.wix.transactionsOf(order.id);
    const tokens = [
      [APPROVED, await h.wix.signEvent(APPROVED, paidOrder)],
      [PAYMENT_STATUS, await h.wix.signEvent(PAYMENT_STATUS, paidOrder)],
      [
        DETAILS_UPDATED,
        await h.wix.signTransactionsEvent(DETAILS_UPDATED, order.id, {
          orderTransactions: tx,
          paymentIds: [p1],
        }),
      ],
      [
        DETAILS_UPDATED,
        await h.wix.signTransactionsEvent(DETAILS_UPDATED, order.id, {
          orderTransactions: tx,
          paymentIds: [p2],
        }),
      ],
    ] as const;
    const statuses = await h.wix.deliverCopies(tokens, 3);
    expect(statuses).toEqual(Array(12).fill(200));
    await h.host.drain();
    expect(
      t.docs("Sales Order").filter((so) => so.po_no === order.number && so.docstatus === 1),
    ).toHaveLength(1);
    const invoices = t.invoicesOf(order);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ docstatus: 1, grand_total: total, outstanding_amount: 0 });
    expect(
      t
        .paymentsOf(order)
        .map((pe) => pe.wix_transaction_id)
        .sort(),
    ).toEqual([p1, p2].sort());
    expect(t.dlq()).toEqual([]);
  });

  test("INVOICE_ON=order: the invoice comes with the Sales Order; later payments are allocated to it", async () => {
    const ctx = await h.host.context();
    const onOrder = new BillingSync({
      erpnext: ctx.erpnext,
      wix: ctx.wix,
      state: ctx.state,
      log: ctx.log,
      settings: {
        ...ctx.settings.billing,
        invoiceOn: "order",
        company: ctx.settings.orders.company,
        submit: true,
      },
    });
    const order = await t.placeAndApprove({
      lines: [{ sku: "INV-A", quantity: 1, price: "20.00" }],
      buyer: { email: "on-order@example.com" },
    });
    expect(t.invoicesOf(order)).toEqual([]); // this host bills on payment
    expect(await onOrder.sync(order.id)).toMatchObject({ outcome: "created", paymentEntries: [] });
    expect(await onOrder.sync(order.id)).toMatchObject({ outcome: "skipped" });
    const [si] = t.invoicesOf(order);
    expect(si).toMatchObject({ docstatus: 1, grand_total: 20, outstanding_amount: 20, status: "Unpaid" });
    await t.pay(order, card("20.00"));
    expect(t.invoicesOf(order)).toHaveLength(1);
    expect(t.refsOf(t.paymentsOf(order)[0] as Doc)).toEqual([["Sales Invoice", si?.name, 20]]);
  });
});
