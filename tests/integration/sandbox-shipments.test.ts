import { describe, expect, test } from "@jest/globals";
import { MAKE_DELIVERY_NOTE } from "#infra/sandbox/erpnext/delivery-note";
import { ErpnextSandbox } from "#infra/sandbox/erpnext/index";
import { WixSandbox } from "#infra/sandbox/wix/index";
import type { WixFulfillment } from "#shared/flows/wix-fulfillments";
import { CUSTOM_FIELDS } from "#shared/setup/custom-fields";
import { callSandbox } from "./sandbox-call";

/** The sandboxes follow the real systems' shipment rules (each test names its source). */
const call = (
  sandbox: Parameters<typeof callSandbox>[0],
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => callSandbox<Record<string, unknown>>(sandbox, method, path, body, headers);

describe("sandbox Wix order fulfillments (@wix/auto_sdk_ecom_order-fulfillments)", () => {
  const wix = new WixSandbox({ apiKey: "k", siteId: "s" });
  const auth = { authorization: "k", "wix-site-id": "s" };
  const api = (method: string, path: string, body?: unknown) => call(wix, method, path, body, auth);
  const order = () =>
    wix.placeOrder({
      lines: [
        { sku: "A", quantity: 3, price: "10.00" },
        { sku: "B", quantity: 1, price: "5.00" },
      ],
    });
  const create = (orderId: string, fulfillment: unknown) =>
    api("POST", `/ecom/v1/fulfillments/orders/${orderId}/create-fulfillment`, { fulfillment });
  const violation = (body: Record<string, unknown>) =>
    (body.details as { validationError?: { fieldViolations: { field: string }[] } }).validationError
      ?.fieldViolations[0]?.field;
  const code = (body: Record<string, unknown>) =>
    (body.details as { applicationError?: { code: string } }).applicationError?.code;

  test("partial then full: quantities not above what is left, status from the quantities", async () => {
    const o = order();
    const [a, b] = o.lineItems;
    const first = await create(o.id, { lineItems: [{ id: a?.id, quantity: 2 }] });
    expect(first.status).toBe(200);
    expect(typeof first.body.fulfillmentId).toBe("string");
    expect(wix.orders.get(o.id)?.fulfillmentStatus).toBe("PARTIALLY_FULFILLED");
    const over = await create(o.id, { lineItems: [{ id: a?.id, quantity: 2 }] });
    expect(over.status).toBe(400);
    // An omitted quantity is what is left (1 of A).
    const rest = await create(o.id, { lineItems: [{ id: a?.id }, { id: b?.id, quantity: 1 }] });
    expect(rest.status).toBe(200);
    expect(wix.fulfillmentsOf(o.id).map((f) => f.lineItems)).toEqual([
      [{ id: a?.id, quantity: 2 }],
      [
        { id: a?.id, quantity: 1 },
        { id: b?.id, quantity: 1 },
      ],
    ]);
    expect(wix.orders.get(o.id)?.fulfillmentStatus).toBe("FULFILLED");
    const deleted = await api("DELETE", `/ecom/v1/fulfillments/${first.body.fulfillmentId}/orders/${o.id}`);
    expect(deleted.status).toBe(200);
    expect(wix.orders.get(o.id)?.fulfillmentStatus).toBe("PARTIALLY_FULFILLED");
  });

  test("line ids must be the order's; lineItems required", async () => {
    const o = order();
    const bad = await create(o.id, {
      lineItems: [{ id: "00000000-0000-0000-0000-000000000000", quantity: 1 }],
    });
    expect(bad.status).toBe(400);
    expect(violation(bad.body)).toBe("fulfillment.lineItems[0].id");
    expect((await create(o.id, { lineItems: [] })).status).toBe(400);
    expect((await create("no-such-order", { lineItems: [{ id: o.lineItems[0]?.id }] })).status).toBe(404);
  });

  test("tracking: known providers get their link, a custom one needs it, numbers are unique", async () => {
    const o = order();
    const [a, b] = o.lineItems;
    const custom = await create(o.id, {
      lineItems: [{ id: a?.id, quantity: 1 }],
      trackingInfo: { trackingNumber: "T-1", shippingProvider: "Local Couriers" },
    });
    expect(custom.status).toBe(400);
    expect(violation(custom.body)).toBe("fulfillment.trackingInfo.trackingLink");
    const known = await create(o.id, {
      lineItems: [{ id: a?.id, quantity: 1 }],
      trackingInfo: { trackingNumber: "1Z999", shippingProvider: "ups" },
    });
    expect(known.status).toBe(200);
    const made = wix.fulfillmentsOf(o.id)[0] as WixFulfillment;
    expect(made.trackingInfo?.trackingLink).toContain("1Z999");
    expect(wix.shippingEmails).toContainEqual({ orderId: o.id, fulfillmentId: made.id });
    const again = await create(o.id, {
      lineItems: [{ id: b?.id, quantity: 1 }],
      trackingInfo: { trackingNumber: "1Z999", shippingProvider: "ups" },
    });
    expect(again.status).toBe(400);
    expect(code(again.body)).toBe("TRACKING_NUMBER_ALREADY_EXISTS");
    const status = await create(o.id, { lineItems: [{ id: b?.id, quantity: 1 }], status: "shipped" });
    expect(violation(status.body)).toBe("fulfillment.status");
  });

  test("update changes tracking, never line items", async () => {
    const o = order();
    const made = await create(o.id, {
      lineItems: [{ id: o.lineItems[0]?.id, quantity: 1 }],
      trackingInfo: { trackingNumber: "OLD", shippingProvider: "fedex" },
    });
    const id = made.body.fulfillmentId as string;
    const path = `/ecom/v1/fulfillments/${id}/orders/${o.id}`;
    const updated = await api("PATCH", path, {
      fulfillment: { id, trackingInfo: { trackingNumber: "NEW", shippingProvider: "dhl" } },
    });
    expect(updated.status).toBe(200);
    expect(wix.fulfillmentsOf(o.id)[0]?.trackingInfo).toMatchObject({
      trackingNumber: "NEW",
      shippingProvider: "dhl",
    });
    const lines = await api("PATCH", path, {
      fulfillment: { id, lineItems: [{ id: o.lineItems[0]?.id, quantity: 2 }] },
    });
    expect(lines.status).toBe(400);
    expect(
      (await api("PATCH", `/ecom/v1/fulfillments/${crypto.randomUUID()}/orders/${o.id}`, { fulfillment: {} }))
        .status,
    ).toBe(404);
  });

  test("list-by-ids: 1..100 orders, each with its fulfillments", async () => {
    const o = order();
    await create(o.id, { lineItems: [{ id: o.lineItems[1]?.id, quantity: 1 }] });
    const listed = await api("POST", "/ecom/v1/fulfillments/list-by-ids", { orderIds: [o.id] });
    expect(listed.status).toBe(200);
    expect(
      (listed.body.ordersWithFulfillments as { orderId: string; fulfillments: unknown[] }[])[0],
    ).toMatchObject({
      orderId: o.id,
      fulfillments: [expect.objectContaining({ lineItems: [{ id: o.lineItems[1]?.id, quantity: 1 }] })],
    });
    expect((await api("POST", "/ecom/v1/fulfillments/list-by-ids", { orderIds: [] })).status).toBe(400);
    const tooMany = Array.from({ length: 101 }, () => o.id);
    expect((await api("POST", "/ecom/v1/fulfillments/list-by-ids", { orderIds: tooMany })).status).toBe(400);
  });
});

describe("sandbox ERPNext Delivery Note (erpnext/stock/doctype/delivery_note)", () => {
  const erp = new ErpnextSandbox({ apiKey: "k", apiSecret: "s" });
  const auth = { authorization: "token k:s" };
  const api = (method: string, path: string, body?: unknown) => call(erp, method, path, body, auth);
  const messages = (body: unknown) => String((body as { _server_messages?: string })._server_messages);
  erp.importDoc("Item", {
    item_code: "DN-1",
    item_name: "DN 1",
    item_group: "Products",
    stock_uom: "Nos",
    is_stock_item: 1,
  });
  erp.moveBin("DN-1", "Stores - SC", { actual: 10 });
  // The tracking Custom Fields as `npm run setup` makes them (without them Frappe drops the values).
  for (const field of CUSTOM_FIELDS.filter((f) => f.dt === "Delivery Note"))
    erp.importDoc("Custom Field", { ...field });
  const customer = erp.insert("Customer", {
    customer_name: "Shipper",
    customer_type: "Individual",
    customer_group: "All Customer Groups",
    territory: "All Territories",
  }).name;
  const salesOrder = (docstatus = 1, fields: Record<string, unknown> = {}) =>
    erp.insert("Sales Order", {
      ...fields,
      customer,
      company: "Sandbox Co",
      transaction_date: "2026-11-26",
      delivery_date: "2026-11-30",
      set_warehouse: "Stores - SC",
      items: [{ item_code: "DN-1", qty: 3, rate: 10 }],
      docstatus,
    });
  const mapped = async (so: string) => {
    const res = await api("POST", `/api/method/${MAKE_DELIVERY_NOTE}`, { source_name: so });
    return res as {
      status: number;
      body: { message: Record<string, unknown> & { items: Record<string, unknown>[] } };
    };
  };
  const bin = () =>
    [...erp.table("Bin").values()].find((b) => b.item_code === "DN-1" && b.warehouse === "Stores - SC");

  test("make_delivery_note maps what is left; partial, then over-delivery refused", async () => {
    const so = salesOrder();
    const before = Number(bin()?.actual_qty);
    const draft = (await mapped(so.name)).body.message;
    expect(draft).toMatchObject({ doctype: "Delivery Note", docstatus: 0, customer });
    expect(draft.items[0]).toMatchObject({ item_code: "DN-1", qty: 3, against_sales_order: so.name });
    expect(draft.items[0]?.so_detail).toBe((so.items as { name: string }[])[0]?.name);
    draft.items[0] = { ...draft.items[0], qty: 2 };
    const first = await api("POST", "/api/resource/Delivery Note", { ...draft, docstatus: 1 });
    expect(first.status).toBe(200);
    expect(Number(bin()?.actual_qty)).toBe(before - 2);
    expect(erp.get("Sales Order", so.name)).toMatchObject({
      delivery_status: "Partly Delivered",
      per_delivered: 66.67,
    });
    // The mapper now offers 1; asking for 2 more is over the limit.
    const rest = (await mapped(so.name)).body.message;
    expect(rest.items[0]?.qty).toBe(1);
    const over = await api("POST", "/api/resource/Delivery Note", {
      ...rest,
      items: [{ ...rest.items[0], qty: 2 }],
      docstatus: 1,
    });
    expect(over.status).toBe(417);
    expect(messages(over.body)).toContain("This document is over limit by 1 Qty for item DN-1");
    // Cancel reverses delivery and stock.
    const name = (first.body.data as { name: string }).name;
    expect((await api("PUT", `/api/resource/Delivery Note/${name}`, { docstatus: 2 })).status).toBe(200);
    expect(Number(bin()?.actual_qty)).toBe(before);
    expect(erp.get("Sales Order", so.name)).toMatchObject({
      delivery_status: "Not Delivered",
      per_delivered: 0,
    });
  });

  test("map_docs (the desk's Get Items From): source_names a JSON string, the mapper run per name", async () => {
    const so = salesOrder();
    const mapDocs = (body: Record<string, unknown>) =>
      api("POST", "/api/method/frappe.model.mapper.map_docs", body);
    const target = JSON.stringify({ doctype: "Delivery Note", company: "Sandbox Co" });
    const one = await mapDocs({
      method: MAKE_DELIVERY_NOTE,
      source_names: JSON.stringify([so.name]),
      target_doc: target,
    });
    expect(one.status).toBe(200);
    expect(one.body.message).toMatchObject({
      doctype: "Delivery Note",
      customer,
      items: [{ item_code: "DN-1", qty: 3, against_sales_order: so.name }],
    });
    // frappe/model/mapper.py: json.loads(source_names) - a list is a TypeError (500).
    const list = await mapDocs({ method: MAKE_DELIVERY_NOTE, source_names: [so.name], target_doc: target });
    expect(list.status).toBe(500);
    const unknown = await mapDocs({ method: "no.such.method", source_names: "[]", target_doc: target });
    expect(unknown.status).toBe(404);
  });

  test("the mapper refuses a draft order; qty positive; warehouse required", async () => {
    const draftOrder = salesOrder(0);
    const refused = await mapped(draftOrder.name);
    expect(refused.status).toBe(417);
    expect(messages(refused.body)).toContain("Cannot map because following condition fails: docstatus=1");
    const so = salesOrder();
    const draft = (await mapped(so.name)).body.message;
    const negative = await api("POST", "/api/resource/Delivery Note", {
      ...draft,
      items: [{ ...draft.items[0], qty: -1 }],
    });
    expect(messages(negative.body)).toContain("For an item DN-1, quantity must be positive number");
    const noWarehouse = await api("POST", "/api/resource/Delivery Note", {
      ...draft,
      set_warehouse: undefined,
      items: [{ ...draft.items[0], warehouse: undefined }],
    });
    expect(messages(noWarehouse.body)).toContain("Warehouse required for stock Item DN-1");
  });

  test("tracking Custom Fields change after submit (allow_on_submit), transporter fields do not", async () => {
    const so = salesOrder();
    const draft = (await mapped(so.name)).body.message;
    const dn = (await api("POST", "/api/resource/Delivery Note", { ...draft, docstatus: 1 })).body.data as {
      name: string;
    };
    const path = `/api/resource/Delivery Note/${dn.name}`;
    expect((await api("PUT", path, { wix_tracking_number: "T-9", wix_carrier: "UPS" })).status).toBe(200);
    expect(erp.get("Delivery Note", dn.name)).toMatchObject({ wix_tracking_number: "T-9", docstatus: 1 });
    const locked = await api("PUT", path, { lr_no: "X" });
    expect(locked.status).toBe(417);
    expect((locked.body as { exc_type: string }).exc_type).toBe("UpdateAfterSubmitError");
  });

  test("several Sales Orders in one note (map_docs): rows of each, po_no joined; listed by a row's order", async () => {
    const [a, b] = [salesOrder(1, { po_no: "20001" }), salesOrder(1, { po_no: "20002" })];
    const res = await api("POST", "/api/method/frappe.model.mapper.map_docs", {
      method: MAKE_DELIVERY_NOTE,
      source_names: JSON.stringify([a.name, b.name]),
      target_doc: null,
    });
    expect(res.status).toBe(200);
    const draft = res.body.message as Record<string, unknown> & { items: Record<string, unknown>[] };
    // erpnext/controllers/selling_controller.py set_pos_for_delivery_note.
    expect(draft.po_no).toBe("20001, 20002");
    expect(draft.items.map((i) => [i.against_sales_order, i.idx])).toEqual([
      [a.name, 1],
      [b.name, 2],
    ]);
    const dn = (await api("POST", "/api/resource/Delivery Note", { ...draft, docstatus: 1 })).body.data as {
      name: string;
    };
    const filters = JSON.stringify([["Delivery Note Item", "against_sales_order", "=", b.name]]);
    const listed = await api("GET", `/api/resource/Delivery Note?filters=${encodeURIComponent(filters)}`);
    expect(listed.body.data).toEqual([{ name: dn.name }]);
  });

  test("amend: only a cancelled document; named <name>-1, then <name>-2 (frappe/model/naming.py)", async () => {
    const so = salesOrder(1, { po_no: "20003" });
    const { name: _n, docstatus: _d, items, ...fields } = erp.get("Sales Order", so.name);
    const copy = {
      ...fields,
      items: (items as Record<string, unknown>[]).map(({ name: _r, ...row }) => row),
    };
    const early = await api("POST", "/api/resource/Sales Order", { ...copy, amended_from: so.name });
    expect(early.status).toBe(417);
    expect(JSON.stringify(early.body)).toContain("cannot be amended because it is not cancelled");
    erp.update("Sales Order", so.name, { docstatus: 2 });
    const first = erp.insert("Sales Order", { ...copy, amended_from: so.name, docstatus: 1 });
    expect(first).toMatchObject({ name: `${so.name}-1`, amended_from: so.name, po_no: "20003" });
    erp.update("Sales Order", first.name, { docstatus: 2 });
    // The desk's copy carries the original's status: a draft is "Draft" all the same.
    expect(erp.insert("Sales Order", { ...copy, amended_from: first.name })).toMatchObject({
      name: `${so.name}-2`,
      status: "Draft",
    });
  });
});
