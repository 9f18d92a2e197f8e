import { describe, expect, test } from "@jest/globals";
import { MAKE_DELIVERY_NOTE } from "#infra/sandbox/erpnext/delivery-note";
import { ErpnextSandbox } from "#infra/sandbox/erpnext/index";
import { DELIVERY_NOTE_RETURN, SALES_INVOICE_RETURN } from "#infra/sandbox/erpnext/returns";
import { WixSandbox } from "#infra/sandbox/wix/index";
import { callSandbox } from "./sandbox-call";

/** The sandboxes follow the real systems' refund and return rules (each test names its source). */
const call = (
  sandbox: Parameters<typeof callSandbox>[0],
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => callSandbox<Json>(sandbox, method, path, body, headers);
// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field in the assertions
type Json = Record<string, any>;
const code = (body: Json) => body.details?.applicationError?.code;

describe("sandbox Wix refunds (@wix/auto_sdk_ecom_order-billing)", () => {
  const wix = new WixSandbox({ apiKey: "k", siteId: "s" });
  const auth = { authorization: "k", "wix-site-id": "s" };
  const api = (path: string, body?: unknown) =>
    call(wix, "POST", `/ecom/v1/order-billing/${path}`, body, auth);
  // 2 x 10.00 + 1 x 30.00, 5.00 shipping, 8% tax on 50.00 = 4.00: 59.00, paid by card.
  const paidOrder = () => {
    const order = wix.placeOrder({
      lines: [
        { sku: "A", quantity: 2, price: "10.00" },
        { sku: "B", quantity: 1, price: "30.00" },
      ],
      shipping: "5.00",
      taxes: [{ name: "Tax", rate: "0.08" }],
      paymentStatus: "PAID",
    });
    const paymentId = wix.transactionsOf(order.id).payments[0]?.id as string;
    return { order, paymentId, a: order.lineItems[0]?.id as string, b: order.lineItems[1]?.id as string };
  };

  test("calculate-refund: per-line subtotal, tax and total; notAvailable for a quantity too large", async () => {
    const { order, a } = paidOrder();
    const ok = await api("calculate-refund", {
      orderId: order.id,
      refundItems: { lineItems: [{ lineItemId: a, quantity: 1 }], shipping: {} },
    });
    expect(ok.body).toMatchObject({
      available: true,
      summary: {
        total: { amount: "15.80" },
        tax: { amount: "0.80" },
        lineItemsSubtotal: { amount: "10.00" },
      },
    });
    const tooMany = await api("calculate-refund", {
      orderId: order.id,
      refundItems: { lineItems: [{ lineItemId: a, quantity: 3 }] },
    });
    expect(tooMany.body.notAvailable.errors[0].error.applicationError.code).toBe(
      "INVALID_LINE_ITEM_REFUND_QUANTITY",
    );
  });

  test("refund-payments: validated, recorded in transactions, restock back in stock", async () => {
    const { order, paymentId, a } = paidOrder();
    const stockBefore = wix.inventoryForSku("A")?.quantity;
    const res = await api("refund-payments", {
      orderId: order.id,
      paymentRefunds: [{ paymentId, amount: { amount: "10.80" } }],
      refundItems: { lineItems: [{ lineItemId: a, quantity: 1 }] },
      sideEffects: { restock: { lineItems: [{ lineItemId: a, quantity: 1 }] } },
    });
    expect(res.status).toBe(200);
    expect(res.body.refund.transactions[0]).toMatchObject({
      paymentId,
      refundStatus: "SUCCEEDED",
      amount: { amount: "10.80" },
    });
    const tx = wix.transactionsOf(order.id);
    expect(tx.refunds.map((r) => r.id)).toEqual([res.body.refund.id]);
    expect(tx.payments[0]?.status).toBe("PARTIALLY_REFUNDED");
    const stored = (await call(wix, "GET", `/ecom/v1/orders/${order.id}`, undefined, auth)).body.order;
    expect(stored.paymentStatus).toBe("PARTIALLY_REFUNDED");
    expect(stored.lineItems[0]).toMatchObject({ refundQuantity: 1, restockQuantity: 1 });
    if (stockBefore !== undefined) expect(wix.inventoryForSku("A")?.quantity).toBe(stockBefore + 1);
  });

  test("refund-payments refuses what Wix refuses (RefundPaymentsApplicationErrors), never more than was paid", async () => {
    const { order, paymentId, a, b } = paidOrder();
    const refund = (over: Record<string, unknown>) =>
      api("refund-payments", {
        orderId: order.id,
        paymentRefunds: [{ paymentId, amount: { amount: "1.00" } }],
        ...over,
      });
    expect(code((await refund({ paymentRefunds: [{ paymentId: "nope" }] })).body)).toBe("PAYMENT_NOT_FOUND");
    expect(code((await refund({ paymentRefunds: [{ paymentId, amount: { amount: "59.01" } }] })).body)).toBe(
      "INVALID_PAYMENT_REFUND_AMOUNT",
    );
    expect(
      code((await refund({ refundItems: { lineItems: [{ lineItemId: "x", quantity: 1 }] } })).body),
    ).toBe("LINE_ITEM_NOT_FOUND");
    expect(code((await refund({ refundItems: { lineItems: [{ lineItemId: b, quantity: 2 }] } })).body)).toBe(
      "INVALID_LINE_ITEM_REFUND_QUANTITY",
    );
    expect(code((await refund({ refundItems: { shipping: { amount: { amount: "6.00" } } } })).body)).toBe(
      "INVALID_SHIPPING_REFUND_AMOUNT",
    );
    expect(
      code(
        (
          await refund({
            refundItems: { lineItems: [{ lineItemId: a, quantity: 1 }] },
            sideEffects: { restock: { lineItems: [{ lineItemId: a, quantity: 2 }] } },
          })
        ).body,
      ),
    ).toBe("INVALID_LINE_ITEM_RESTOCK_QUANTITY");
    expect((await refund({ paymentRefunds: [] })).status).toBe(400);
    // The whole payment back, then nothing more.
    expect((await refund({ paymentRefunds: [{ paymentId }] })).status).toBe(200);
    expect(wix.transactionsOf(order.id).payments[0]?.status).toBe("REFUNDED");
    expect(code((await refund({})).body)).toBe("PAYMENT_NOT_REFUNDABLE");
    const stored = (await call(wix, "GET", `/ecom/v1/orders/${order.id}`, undefined, auth)).body.order;
    expect(stored.paymentStatus).toBe("FULLY_REFUNDED");
  });

  test.each([
    ["gift card", { giftcardPaymentDetails: { giftCardPaymentId: "g-1", obfuscatedCode: "****QXY1" } }],
    ["membership", { membershipPaymentDetails: { membershipId: "m-1", providerAppId: "plans" } }],
  ])(
    "a %s payment: no partial refund; refunded in full it is reported as VOIDED (PaymentStatus.VOIDED)",
    async (_kind, details) => {
      const order = wix.placeOrder({ lines: [{ sku: "A", quantity: 2, price: "10.00" }] });
      const [paymentId] = wix.addPayments(order.id, [{ amount: { amount: "20.00" }, ...details }]);
      const refund = (quantity: number, amount?: string) =>
        api("refund-payments", {
          orderId: order.id,
          paymentRefunds: [{ paymentId, ...(amount ? { amount: { amount } } : {}) }],
          refundItems: { lineItems: [{ lineItemId: order.lineItems[0]?.id, quantity }] },
        });
      expect(code((await refund(1, "10.00")).body)).toBe("INVALID_PAYMENT_REFUND_AMOUNT");
      expect((await refund(2, "20.00")).status).toBe(200);
      const tx = wix.transactionsOf(order.id);
      expect(tx.payments.map((p) => p.status)).toEqual(["VOIDED"]);
      expect(tx.refunds[0]?.transactions).toEqual([
        expect.objectContaining({ paymentId, refundStatus: "SUCCEEDED", amount: { amount: "20.00" } }),
      ]);
      const stored = (await call(wix, "GET", `/ecom/v1/orders/${order.id}`, undefined, auth)).body.order;
      expect(stored.paymentStatus).toBe("FULLY_REFUNDED");
      expect(code((await refund(1)).body)).toBe("PAYMENT_NOT_REFUNDABLE");
    },
  );
});

describe("sandbox ERPNext Sales Returns (erpnext/controllers/sales_and_purchase_return.py)", () => {
  test("a return of a submitted Delivery Note: negative, not above what is left, stock back", async () => {
    const site = new ErpnextSandbox({ apiKey: "k", apiSecret: "s" });
    const auth = { authorization: "token k:s" };
    const api = (method: string, path: string, body?: unknown) =>
      call(site, method, `/api/${path}`, body, auth);
    site.importDoc("Item", {
      item_code: "RET-1",
      item_name: "R",
      item_group: "Products",
      stock_uom: "Nos",
      is_stock_item: 1,
    });
    site.moveBin("RET-1", "Stores - SC", { actual: 10 });
    const customer = site.insert("Customer", {
      customer_name: "Returner",
      customer_type: "Individual",
      customer_group: "All Customer Groups",
      territory: "All Territories",
    }).name;
    const so = site.insert("Sales Order", {
      customer,
      company: "Sandbox Co",
      transaction_date: "2026-11-26",
      delivery_date: "2026-11-30",
      po_no: "10001",
      set_warehouse: "Stores - SC",
      items: [{ item_code: "RET-1", qty: 2, rate: 10 }],
      docstatus: 1,
    });
    const stock = () =>
      Number(
        [...site.table("Bin").values()].find((b) => b.item_code === "RET-1" && b.warehouse === "Stores - SC")
          ?.actual_qty,
      );
    const mapped = (await api("POST", `method/${MAKE_DELIVERY_NOTE}`, { source_name: so.name })).body.message;
    // get_mapped_doc copies the fields both doctypes have, the customer's PO number among them.
    expect(mapped.po_no).toBe("10001");
    const dn = (await api("POST", "resource/Delivery Note", { ...mapped, docstatus: 1 })).body.data;
    const shipped = stock();
    const ret = (await api("POST", `method/${DELIVERY_NOTE_RETURN}`, { source_name: dn.name })).body.message;
    expect(ret).toMatchObject({
      is_return: 1,
      return_against: dn.name,
      items: [expect.objectContaining({ qty: -2 })],
    });
    const positive = await api("POST", "resource/Delivery Note", {
      ...ret,
      items: [{ ...ret.items[0], qty: 1 }],
    });
    expect(JSON.stringify(positive.body)).toMatch(/Qty must be negative in return document/);
    const tooMany = await api("POST", "resource/Delivery Note", {
      ...ret,
      items: [{ ...ret.items[0], qty: -3 }],
      docstatus: 1,
    });
    expect(JSON.stringify(tooMany.body)).toMatch(/Cannot return more than 2/);
    const dearer = await api("POST", "resource/Delivery Note", {
      ...ret,
      items: [{ ...ret.items[0], qty: -1, rate: 11 }],
    });
    expect(JSON.stringify(dearer.body)).toMatch(/Rate cannot be greater/);
    const unsubmitted = await api("POST", "resource/Delivery Note", {
      ...ret,
      return_against: "MAT-DN-99999",
      docstatus: 1,
    });
    expect(JSON.stringify(unsubmitted.body)).toMatch(/Invalid Return Against/);
    const one = await api("POST", "resource/Delivery Note", {
      ...ret,
      items: [{ ...ret.items[0], qty: -1 }],
      docstatus: 1,
    });
    expect(one.status).toBe(200);
    expect(stock()).toBe(shipped + 1);
    const order = site.get("Sales Order", so.name) as unknown as {
      items: { returned_qty?: number; delivered_qty?: number }[];
    };
    expect(order.items[0]).toMatchObject({ returned_qty: 1, delivered_qty: 1 });
    const again = (await api("POST", `method/${DELIVERY_NOTE_RETURN}`, { source_name: dn.name })).body
      .message;
    expect(again.items[0].qty).toBe(-1);
    const twice = await api("POST", "resource/Delivery Note", {
      ...ret,
      items: [{ ...ret.items[0], qty: -2 }],
      docstatus: 1,
    });
    expect(JSON.stringify(twice.body)).toMatch(/Cannot return more than 1/);
  });
});

describe("sandbox ERPNext Credit Notes (Sales Invoice is_return) and paying them out", () => {
  const site = new ErpnextSandbox({ apiKey: "k", apiSecret: "s" });
  const auth = { authorization: "token k:s" };
  const api = (method: string, path: string, body?: unknown) =>
    call(site, method, `/api/${path}`, body, auth);
  const text = (res: { body: unknown }) => JSON.stringify(res.body);
  site.importDoc("Item", {
    item_code: "CN-1",
    item_name: "C",
    item_group: "Products",
    stock_uom: "Nos",
    is_stock_item: 1,
  });
  site.moveBin("CN-1", "Stores - SC", { actual: 10 });
  const invoice = async () => {
    const customer = site.insert("Customer", {
      customer_name: `Refunded ${Math.random()}`,
      customer_type: "Individual",
      customer_group: "All Customer Groups",
      territory: "All Territories",
    }).name;
    const so = site.insert("Sales Order", {
      customer,
      company: "Sandbox Co",
      transaction_date: "2026-11-26",
      delivery_date: "2026-11-30",
      set_warehouse: "Stores - SC",
      disable_rounded_total: 1,
      items: [{ item_code: "CN-1", qty: 2, rate: 10 }],
      taxes: [{ charge_type: "Actual", account_head: "Freight and Forwarding Charges - SC", tax_amount: 4 }],
      docstatus: 1,
    });
    const draft = (
      await api("POST", "method/erpnext.selling.doctype.sales_order.sales_order.make_sales_invoice", {
        source_name: so.name,
      })
    ).body.message;
    return (await api("POST", "resource/Sales Invoice", { ...draft, docstatus: 1 })).body.data;
  };
  const pay = (party: string, amount: number, refs: Record<string, unknown>[]) =>
    api("POST", "resource/Payment Entry", {
      payment_type: "Pay",
      party_type: "Customer",
      party,
      paid_from: "Cash - SC",
      paid_to: "Debtors - SC",
      paid_amount: amount,
      received_amount: amount,
      references: refs,
      docstatus: 1,
    });

  test("make_sales_return negates rows and charges; returns are refused above what is left or at a higher rate", async () => {
    const si = await invoice();
    const ret = (await api("POST", `method/${SALES_INVOICE_RETURN}`, { source_name: si.name })).body.message;
    expect(ret).toMatchObject({
      is_return: 1,
      return_against: si.name,
      items: [expect.objectContaining({ qty: -2, rate: 10 })],
    });
    expect(ret.taxes[0].tax_amount).toBe(-4);
    expect(ret.items[0].sales_invoice_item).toBe(si.items[0].name);
    expect(
      text(
        await api("POST", "resource/Sales Invoice", {
          ...ret,
          items: [{ ...ret.items[0], qty: -3 }],
          docstatus: 1,
        }),
      ),
    ).toMatch(/Cannot return more than 2/);
    expect(
      text(
        await api("POST", "resource/Sales Invoice", {
          ...ret,
          items: [{ ...ret.items[0], qty: -1, rate: 12 }],
        }),
      ),
    ).toMatch(/Rate cannot be greater/);
    const first = await api("POST", "resource/Sales Invoice", {
      ...ret,
      items: [{ ...ret.items[0], qty: -1 }],
      taxes: [],
      update_outstanding_for_self: 1,
      docstatus: 1,
    });
    expect(first.body.data).toMatchObject({ grand_total: -10, outstanding_amount: -10, status: "Return" });
    expect(
      text(
        await api("POST", "resource/Sales Invoice", {
          ...ret,
          items: [{ ...ret.items[0], qty: -2 }],
          docstatus: 1,
        }),
      ),
    ).toMatch(/Cannot return more than 1/);
    // Paid out with a negative allocation, never more negative than the note's outstanding.
    expect(
      text(
        await pay(si.customer, 11, [
          { reference_doctype: "Sales Invoice", reference_name: first.body.data.name, allocated_amount: -11 },
        ]),
      ),
    ).toMatch(/Allocated Amount cannot be greater than outstanding amount/);
    const paid = await pay(si.customer, 10, [
      { reference_doctype: "Sales Invoice", reference_name: first.body.data.name, allocated_amount: -10 },
    ]);
    expect(paid.status).toBe(200);
    expect(site.get("Sales Invoice", first.body.data.name).outstanding_amount).toBe(0);
  });

  test("without update_outstanding_for_self the note lowers the invoice's outstanding instead", async () => {
    const si = await invoice();
    const ret = (await api("POST", `method/${SALES_INVOICE_RETURN}`, { source_name: si.name })).body.message;
    const note = (
      await api("POST", "resource/Sales Invoice", {
        ...ret,
        items: [{ ...ret.items[0], qty: -1 }],
        taxes: [],
        docstatus: 1,
      })
    ).body.data;
    expect(note.outstanding_amount).toBe(0);
    expect(site.get("Sales Invoice", si.name).outstanding_amount).toBe(14);
  });

  test("a return against a draft invoice is refused", async () => {
    const si = await invoice();
    const ret = (await api("POST", `method/${SALES_INVOICE_RETURN}`, { source_name: si.name })).body.message;
    expect(
      text(await api("POST", "resource/Sales Invoice", { ...ret, return_against: "ACC-SINV-99999" })),
    ).toMatch(/Invalid Return Against/);
  });
});
