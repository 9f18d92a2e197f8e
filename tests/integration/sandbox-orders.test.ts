import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createItem, type Harness, startHarness } from "./harness";

/** The sandboxes follow the real systems' order rules (each test names its source). */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  createItem(h.erpnext, "RULE-1", 10);
  h.erpnext.moveBin("RULE-1", "Stores - SC", { actual: 50 });
  await h.host.drain();
  h.wix.setWebhookTarget(undefined);
});
afterAll(async () => {
  await h.host.stop();
});

const wixAuth = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };
const erpAuth = { authorization: "token sandbox-api-key:sandbox-api-secret" };
const search = (body: unknown) => h.request("POST", "/sandbox/wix/ecom/v1/orders/search", body, wixAuth);
type Found = { orders: { id: string; status: string }[]; metadata: { hasNext: boolean } };
type WixFailure = {
  message: string;
  details: { validationError?: { fieldViolations: { field: string }[] } };
};

describe("sandbox Wix Search Orders (searchOrders in @wix/auto_sdk_ecom_orders)", () => {
  test("PENDING and REJECTED orders only when the filter names status", async () => {
    const pending = h.wix.placeOrder({ lines: [{ sku: "RULE-1", quantity: 1 }], status: "PENDING" });
    const approved = h.wix.placeOrder({ lines: [{ sku: "RULE-1", quantity: 1 }] });
    const plain = (await search({ search: {} })).body as Found;
    expect(plain.orders.map((o) => o.id)).toContain(approved.id);
    expect(plain.orders.map((o) => o.id)).not.toContain(pending.id);
    const named = (await search({ search: { filter: { status: { $in: ["APPROVED", "PENDING"] } } } }))
      .body as Found;
    expect(named.orders.map((o) => o.id)).toEqual(expect.arrayContaining([pending.id, approved.id]));
    // Default sort: createdDate DESC.
    const created = named.orders.map((o) => (o as { createdDate?: string }).createdDate ?? "");
    expect(created).toEqual([...created].sort().reverse());
  });

  test("a field the SDK does not declare filterable or sortable is a 400 in Wix's envelope", async () => {
    const badFilter = await search({ search: { filter: { lineItems: { $eq: "x" } } } });
    expect(badFilter.status).toBe(400);
    expect((badFilter.body as WixFailure).details.validationError?.fieldViolations[0]?.field).toBe(
      "search.filter.lineItems",
    );
    const badOperator = await search({ search: { filter: { status: { $gte: "A" } } } });
    expect(badOperator.status).toBe(400);
    const badSort = await search({ search: { sort: [{ fieldName: "buyerInfo.contactId", order: "ASC" }] } });
    expect(badSort.status).toBe(400);
    const tooMany = await search({ search: { cursorPaging: { limit: 101 } } });
    expect(tooMany.status).toBe(400);
  });
});

describe("sandbox ERPNext order rules (frappe/erpnext)", () => {
  const api = (method: string, path: string, body?: unknown) =>
    h.request(method, `/sandbox/erpnext/api/resource/${path}`, body, erpAuth);
  const salesOrder = async () => {
    const customer = h.erpnext.insert("Customer", {
      customer_name: `Rules ${Math.random()}`,
      customer_type: "Individual",
      customer_group: "All Customer Groups",
      territory: "All Territories",
    }).name;
    const res = await api("POST", "Sales Order", {
      customer,
      company: "Sandbox Co",
      transaction_date: "2026-11-26",
      delivery_date: "2026-11-30",
      set_warehouse: "Stores - SC",
      disable_rounded_total: 1,
      items: [{ item_code: "RULE-1", qty: 1, rate: 10.4 }],
      docstatus: 1,
    });
    return (res.body as { data: Record<string, unknown> }).data;
  };
  const payment = (so: Record<string, unknown>, over: Record<string, unknown>) => ({
    payment_type: "Receive",
    party_type: "Customer",
    party: so.customer,
    paid_amount: 10.4,
    received_amount: 10.4,
    paid_to: "Wix Payments - SC",
    reference_no: "R-1",
    reference_date: "2026-11-26",
    references: [{ reference_doctype: "Sales Order", reference_name: so.name, allocated_amount: 10.4 }],
    docstatus: 1,
    ...over,
  });
  const excType = (body: unknown) => (body as { exc_type?: string }).exc_type;
  const messages = (body: unknown) => String((body as { _server_messages?: string })._server_messages);

  test("disable_rounded_total: rounded_total is 0 (set_rounded_total, controllers/taxes_and_totals.py)", async () => {
    const so = await salesOrder();
    expect(so).toMatchObject({ grand_total: 10.4, rounded_total: 0 });
  });

  test("a Receive goes to a Bank or Cash account (validate_bank_accounts, payment_entry.py)", async () => {
    const so = await salesOrder();
    const res = await api(
      "POST",
      "Payment Entry",
      payment(so, { paid_to: "Freight and Forwarding Charges - SC" }),
    );
    expect(res.status).toBe(417);
    expect(excType(res.body)).toBe("ValidationError");
    expect(messages(res.body)).toContain(
      "Account Type for Freight and Forwarding Charges - SC must be Bank or Cash",
    );
    expect((await api("POST", "Payment Entry", payment(so, { paid_to: "Cash - SC" }))).status).toBe(200);
  });

  test("no allocation above the outstanding amount (validate_allocated_amount, payment_entry.py)", async () => {
    const so = await salesOrder();
    const part = { paid_amount: 4, received_amount: 4 };
    const first = await api(
      "POST",
      "Payment Entry",
      payment(so, {
        ...part,
        references: [{ reference_doctype: "Sales Order", reference_name: so.name, allocated_amount: 4 }],
      }),
    );
    expect(first.status).toBe(200);
    const over = await api("POST", "Payment Entry", payment(so, {}));
    expect(over.status).toBe(417);
    expect(messages(over.body)).toContain("Allocated Amount cannot be greater than outstanding amount");
  });

  test("a row's warehouse belongs to the order's company (validate_warehouse_company, stock/utils.py)", async () => {
    const customer = h.erpnext.insert("Customer", {
      customer_name: `Rules EU ${Math.random()}`,
      customer_group: "All Customer Groups",
      territory: "All Territories",
    }).name;
    const order = (warehouse: string) =>
      api("POST", "Sales Order", {
        customer,
        company: "Sandbox EU",
        transaction_date: "2026-11-26",
        delivery_date: "2026-11-30",
        set_warehouse: warehouse,
        items: [{ item_code: "RULE-1", qty: 1, rate: 9 }],
      });
    const wrong = await order("Stores - SC");
    expect(wrong.status).toBe(417);
    expect(JSON.stringify(wrong.body)).toContain(
      "Warehouse Stores - SC does not belong to company Sandbox EU",
    );
    const right = await order("Stores - SE");
    expect(right.status).toBe(200);
    expect((right.body as { data: { currency: string } }).data.currency).toBe("EUR");
  });

  test("item codes are stripped of surrounding spaces (Item.autoname, stock/doctype/item/item.py)", async () => {
    const res = await api("POST", "Item", {
      item_code: "  PADDED-1 ",
      item_group: "Products",
      stock_uom: "Nos",
    });
    expect(res.status).toBe(200);
    expect((res.body as { data: Record<string, unknown> }).data).toMatchObject({
      name: "PADDED-1",
      item_code: "PADDED-1",
    });
  });
});
