import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { WixPayment } from "#shared/flows/wix-orders";
import { createItem, type Harness, startHarness } from "./harness";

/** The sandboxes follow the real systems' billing rules (each test names its source). */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  createItem(h.erpnext, "BILL-1", 10);
  h.erpnext.moveBin("BILL-1", "Stores - SC", { actual: 50 });
  await h.host.drain();
  h.wix.setWebhookTarget(undefined);
});
afterAll(async () => {
  await h.host.stop();
});

const wixAuth = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };
const erpAuth = { authorization: "token sandbox-api-key:sandbox-api-secret" };
type Tx = { orderId: string; payments: { id: string; status: string; amount: { amount: string } }[] };

describe("sandbox Wix order transactions (@wix/auto_sdk_ecom_order-transactions)", () => {
  const wix = (method: string, path: string, body?: unknown) =>
    h.request(method, `/sandbox/wix/ecom/v1/payments${path}`, body, wixAuth);

  test("payments derive the order's payment status: NOT_PAID, PARTIALLY_PAID, PAID", async () => {
    const order = h.wix.placeOrder({ lines: [{ sku: "BILL-1", quantity: 3, price: "10.00" }] });
    expect(
      ((await wix("GET", `/orders/${order.id}`)).body as { orderTransactions: Tx }).orderTransactions,
    ).toEqual({ orderId: order.id, payments: [], refunds: [] });
    const added = await wix("POST", `/orders/${order.id}/add-payment`, {
      payments: [{ amount: { amount: "10.00" }, regularPaymentDetails: { offlinePayment: true } }],
    });
    expect(added.status).toBe(200);
    expect((added.body as { paymentsIds: string[] }).paymentsIds).toHaveLength(1);
    expect(h.wix.orders.get(order.id)?.paymentStatus).toBe("PARTIALLY_PAID");
    h.wix.addPayments(order.id, [
      { amount: { amount: "20.00" }, regularPaymentDetails: { offlinePayment: false } },
    ]);
    expect(h.wix.orders.get(order.id)?.paymentStatus).toBe("PAID");
    const listed = await wix("POST", "/list-by-ids", { orderIds: [order.id, "no-such-order"] });
    const [tx] = (listed.body as { orderTransactions: Tx[] }).orderTransactions;
    expect(tx?.payments.map((p) => [p.amount.amount, p.status])).toEqual([
      ["10.00", "APPROVED"],
      ["20.00", "APPROVED"],
    ]);
  });

  test("Add Payments needs 1..50 payments, each with an amount and payment details (AddPaymentsRequest)", async () => {
    const order = h.wix.placeOrder({ lines: [{ sku: "BILL-1", quantity: 1 }] });
    for (const payments of [[], [{ regularPaymentDetails: {} }], [{ amount: { amount: "1.00" } }]]) {
      const res = await wix("POST", `/orders/${order.id}/add-payment`, { payments });
      expect(res.status).toBe(400);
    }
    expect((await wix("POST", "/list-by-ids", { orderIds: [] })).status).toBe(400);
    expect((await wix("GET", "/orders/no-such-order")).status).toBe(404);
  });

  test("payments come back without the deprecated fields past their @targetRemovalDate (paymentMethod 2026-07-01; status, voided 2026-11-01)", async () => {
    const order = h.wix.placeOrder({ lines: [{ sku: "BILL-1", quantity: 2, price: "10.00" }] });
    const added = await wix("POST", `/orders/${order.id}/add-payment`, {
      payments: [
        {
          amount: { amount: "5.00" },
          regularPaymentDetails: { paymentMethod: "PayPal", status: "APPROVED", offlinePayment: false },
        },
        {
          amount: { amount: "5.00" },
          giftcardPaymentDetails: { giftCardPaymentId: "g-1", voided: false },
        },
        {
          amount: { amount: "5.00" },
          membershipPaymentDetails: { membershipId: "m-1", status: "CHARGED", voided: false },
        },
      ],
    });
    expect(added.status).toBe(200);
    const [regular, gift, membership] = (added.body as { orderTransactions: { payments: WixPayment[] } })
      .orderTransactions.payments;
    expect(regular?.regularPaymentDetails).toEqual({ offlinePayment: false });
    expect(gift?.giftcardPaymentDetails).toEqual({ giftCardPaymentId: "g-1" });
    expect(membership?.membershipPaymentDetails).toEqual({ membershipId: "m-1" });
  });

  test("a gift card or membership payment takes only APPROVED, PENDING, CANCELED, DECLINED or VOIDED (Payment.status)", async () => {
    const order = h.wix.placeOrder({ lines: [{ sku: "BILL-1", quantity: 1, price: "10.00" }] });
    for (const details of [
      { giftcardPaymentDetails: { giftCardPaymentId: "g-2" } },
      { membershipPaymentDetails: { membershipId: "m-2" } },
    ]) {
      const refunded = await wix("POST", `/orders/${order.id}/add-payment`, {
        payments: [{ amount: { amount: "1.00" }, status: "REFUNDED", ...details }],
      });
      expect(refunded.status).toBe(400);
    }
    expect(h.wix.transactionsOf(order.id).payments).toEqual([]);
  });

  test("a paid checkout and Mark as Paid record a payment transaction", async () => {
    const paid = h.wix.placeOrder({
      lines: [{ sku: "BILL-1", quantity: 1, price: "7.50" }],
      paymentStatus: "PAID",
    });
    expect(h.wix.transactionsOf(paid.id).payments.map((p) => p.amount?.amount)).toEqual(["7.50"]);
    const unpaid = h.wix.placeOrder({ lines: [{ sku: "BILL-1", quantity: 2, price: "5.00" }] });
    const res = await h.request("POST", `/sandbox/wix/ecom/v1/orders/${unpaid.id}/mark-as-paid`, {}, wixAuth);
    expect(res.status).toBe(200);
    expect((res.body as { order: { paymentStatus: string } }).order.paymentStatus).toBe("PAID");
    const [payment] = h.wix.transactionsOf(unpaid.id).payments;
    expect(payment).toMatchObject({ status: "APPROVED", amount: { amount: "10.00" } });
    expect(payment?.regularPaymentDetails?.offlinePayment).toBe(true);
    // The method by its names and card details only: paymentMethod is past its removal date.
    const [card] = h.wix.transactionsOf(paid.id).payments;
    expect(card?.regularPaymentDetails).toMatchObject({
      offlinePayment: false,
      paymentMethodName: { siteLanguageName: expect.any(String), buyerLanguageName: expect.any(String) },
      creditCardDetails: { brand: expect.any(String), lastFourDigits: expect.any(String) },
    });
    for (const p of [card, payment]) expect(p?.regularPaymentDetails).not.toHaveProperty("paymentMethod");
  });
});

describe("sandbox ERPNext Sales Invoice and its payments (frappe/erpnext)", () => {
  const api = (method: string, path: string, body?: unknown) =>
    h.request(method, `/sandbox/erpnext/api/${path}`, body, erpAuth);
  const makeInvoice = (so: string) =>
    api("POST", "method/erpnext.selling.doctype.sales_order.sales_order.make_sales_invoice", {
      source_name: so,
    });
  const messages = (body: unknown) => String((body as { _server_messages?: string })._server_messages);
  type Doc = Record<string, unknown> & { name: string };
  const salesOrder = (submit = 1): Doc => {
    const customer = h.erpnext.insert("Customer", {
      customer_name: `Billing ${Math.random()}`,
      customer_type: "Individual",
      customer_group: "All Customer Groups",
      territory: "All Territories",
    }).name;
    return h.erpnext.insert("Sales Order", {
      customer,
      company: "Sandbox Co",
      transaction_date: "2026-11-26",
      delivery_date: "2026-11-30",
      set_warehouse: "Stores - SC",
      disable_rounded_total: 1,
      items: [{ item_code: "BILL-1", qty: 2, rate: 10 }],
      taxes: [
        { charge_type: "Actual", account_head: "Freight and Forwarding Charges - SC", tax_amount: 4.95 },
      ],
      discount_amount: 1.5,
      docstatus: submit,
    });
  };
  const insertInvoice = async (so: Doc, extra: Record<string, unknown> = {}) => {
    const draft = ((await makeInvoice(so.name)).body as { message: Doc }).message;
    return api("POST", "resource/Sales Invoice", { ...draft, ...extra, docstatus: 1 });
  };
  const receive = (party: unknown, amount: number, refs: Record<string, unknown>[]) => ({
    payment_type: "Receive",
    party_type: "Customer",
    party,
    paid_amount: amount,
    received_amount: amount,
    paid_to: "Cash - SC",
    references: refs,
    docstatus: 1,
  });

  test("the mapper copies lines, Actual tax rows and discount: the invoice's grand total is the order's (make_sales_invoice)", async () => {
    const so = salesOrder();
    const res = await makeInvoice(so.name);
    expect(res.status).toBe(200);
    const draft = (res.body as { message: Doc }).message;
    expect(draft).toMatchObject({ docstatus: 0, customer: so.customer, debit_to: "Debtors - SC" });
    expect((draft.items as Doc[])[0]).toMatchObject({ sales_order: so.name, qty: 2, rate: 10 });
    const si = await api("POST", "resource/Sales Invoice", { ...draft, docstatus: 1 });
    expect(si.status).toBe(200);
    const data = (si.body as { data: Doc }).data;
    expect(data).toMatchObject({ grand_total: so.grand_total, outstanding_amount: 23.45, status: "Unpaid" });
    expect(h.erpnext.get("Sales Order", so.name)).toMatchObject({ per_billed: 100 });
  });

  test("a draft Sales Order cannot be mapped (the mapper's docstatus validation)", async () => {
    const res = await makeInvoice(salesOrder(0).name);
    expect(res.status).toBe(417);
  });

  test("a second invoice for a billed order is refused as over-billing (status_updater.py limits_crossed_error)", async () => {
    const so = salesOrder();
    const draft = ((await makeInvoice(so.name)).body as { message: Doc }).message;
    expect((await api("POST", "resource/Sales Invoice", { ...draft, docstatus: 1 })).status).toBe(200);
    const again = await api("POST", "resource/Sales Invoice", { ...draft, docstatus: 1 });
    expect(again.status).toBe(417);
    expect(messages(again.body)).toContain("over limit by Amount 20");
    // Nothing is left to map.
    expect(((await makeInvoice(so.name)).body as { message: Doc }).message.items).toEqual([]);
  });

  test("with allocate_advances_automatically a payment against the order is pulled in and reconciled (set_advances)", async () => {
    const so = salesOrder();
    const pe = h.erpnext.insert(
      "Payment Entry",
      receive(so.customer, 10, [
        { reference_doctype: "Sales Order", reference_name: so.name, allocated_amount: 10 },
      ]),
    );
    const si = (await insertInvoice(so, { allocate_advances_automatically: 1 })).body as { data: Doc };
    expect(si.data).toMatchObject({ total_advance: 10, outstanding_amount: 13.45, status: "Partly Paid" });
    const refs = h.erpnext.get("Payment Entry", pe.name).references as Doc[];
    expect(refs.map((r) => [r.reference_doctype, r.reference_name])).toEqual([
      ["Sales Invoice", si.data.name],
    ]);
  });

  test("payments against an invoice: never above its outstanding, refused once fully paid (payment_entry.py)", async () => {
    const so = salesOrder();
    const si = ((await insertInvoice(so)).body as { data: Doc }).data;
    const ref = (amount: number) => [
      { reference_doctype: "Sales Invoice", reference_name: si.name, allocated_amount: amount },
    ];
    const over = await api("POST", "resource/Payment Entry", receive(so.customer, 30, ref(30)));
    expect(over.status).toBe(417);
    expect(messages(over.body)).toContain("Allocated Amount cannot be greater than outstanding amount");
    const wrongParty = await api("POST", "resource/Payment Entry", receive("Someone Else", 5, ref(5)));
    expect(wrongParty.status).toBe(417);
    expect(messages(wrongParty.body)).toContain(`is not associated with Customer`);
    expect((await api("POST", "resource/Payment Entry", receive(so.customer, 20, ref(20)))).status).toBe(200);
    expect(h.erpnext.get("Sales Invoice", si.name)).toMatchObject({
      outstanding_amount: 3.45,
      status: "Partly Paid",
    });
    const stale = await api("POST", "resource/Payment Entry", {
      ...receive(so.customer, 3.45, [{ ...ref(3.45)[0], outstanding_amount: 23.45 }]),
    });
    expect(stale.status).toBe(417);
    expect(messages(stale.body)).toContain("has already been partly paid");
    expect((await api("POST", "resource/Payment Entry", receive(so.customer, 3.45, ref(3.45)))).status).toBe(
      200,
    );
    expect(h.erpnext.get("Sales Invoice", si.name)).toMatchObject({ outstanding_amount: 0, status: "Paid" });
    const paidAgain = await api("POST", "resource/Payment Entry", receive(so.customer, 1, ref(1)));
    expect(paidAgain.status).toBe(417);
    expect(messages(paidAgain.body)).toContain(`Sales Invoice ${si.name} has already been fully paid.`);
  });

  test("an invoice with a submitted payment cannot be cancelled; a cancelled one unbills its order", async () => {
    const so = salesOrder();
    const si = ((await insertInvoice(so)).body as { data: Doc }).data;
    const pe = h.erpnext.insert(
      "Payment Entry",
      receive(so.customer, 5, [
        { reference_doctype: "Sales Invoice", reference_name: si.name, allocated_amount: 5 },
      ]),
    );
    const refused = await api("PUT", `resource/Sales Invoice/${si.name}`, { docstatus: 2 });
    expect(refused.status).toBe(417);
    expect(messages(refused.body)).toContain(`linked with Payment Entry ${pe.name}`);
    h.erpnext.update("Payment Entry", pe.name, { docstatus: 2 });
    expect(h.erpnext.get("Sales Invoice", si.name)).toMatchObject({ outstanding_amount: 23.45 });
    expect((await api("PUT", `resource/Sales Invoice/${si.name}`, { docstatus: 2 })).status).toBe(200);
    expect(h.erpnext.get("Sales Order", so.name)).toMatchObject({ per_billed: 0 });
  });
});
