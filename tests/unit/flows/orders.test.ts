import { beforeEach, describe, expect, test } from "@jest/globals";
import { PermanentError } from "#shared/errors";
import type { OrderSyncSettings } from "#shared/flows/orders/ports";
import { OrderSync } from "#shared/flows/orders/sync";
import type { WixOrder } from "#shared/flows/wix-orders";
import { FakeErpnext, FakeLog, FakeState, FakeWix } from "./fakes";

const settings: OrderSyncSettings = {
  site: "default",
  company: "Shop Ltd",
  warehouse: "Stores - SL",
  taxAccounts: {},
  submit: true,
  deliveryDays: 3,
  customerGroup: "Individual",
  territory: "All Territories",
  paymentAccount: "Bank - SL",
  createOn: "approved",
};

let erpnext: FakeErpnext;
let wix: FakeWix;
let state: FakeState;
let log: FakeLog;

function orderSync(over: Partial<OrderSyncSettings> = {}) {
  return new OrderSync({ erpnext, wix, state, log, settings: { ...settings, ...over } });
}

function wixOrder(over: Partial<WixOrder> = {}): WixOrder {
  const order: WixOrder = {
    id: "order-1",
    number: "10001",
    createdDate: "2025-03-01T10:00:00.000Z",
    updatedDate: "2025-03-01T10:00:00.000Z",
    status: "APPROVED",
    paymentStatus: "NOT_PAID",
    currency: "EUR",
    buyerInfo: { email: "ada@example.com", contactId: "contact-1" },
    billingInfo: {
      address: { addressLine: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE" },
      contactDetails: { firstName: "Ada", lastName: "Lovelace" },
    },
    priceSummary: { total: { amount: "25.00" } },
    lineItems: [
      { id: "line-1", quantity: 2, price: { amount: "12.50" }, physicalProperties: { sku: "MUG" } },
    ],
    ...over,
  };
  wix.orders.set(order.id, order);
  return order;
}

const salesOrders = () => erpnext.all("Sales Order");

/** Sales Order inserts commit, and their answers never arrive. */
function loseSalesOrderAnswers() {
  const insert = erpnext.insert.bind(erpnext);
  erpnext.insert = async <T>(doctype: string, doc: Record<string, unknown>) => {
    const made = await insert<T>(doctype, doc);
    if (doctype === "Sales Order") throw new Error("socket hang up");
    return made;
  };
}

beforeEach(() => {
  erpnext = new FakeErpnext();
  wix = new FakeWix();
  state = new FakeState();
  log = new FakeLog();
  erpnext.seed("Company", { name: "Shop Ltd", default_currency: "EUR" });
  erpnext.seed("System Settings", {
    name: "System Settings",
    number_format: "#.###,##",
    currency_precision: "",
  });
  erpnext.seed("Country", { name: "Germany", code: "de" });
  erpnext.seed("Item", { name: "MUG", item_code: "MUG" });
});

describe("orders use-case over in-memory ports", () => {
  test("creates one submitted Sales Order per order, however often it is delivered", async () => {
    // prepare
    const order = wixOrder();
    const sync = orderSync();
    // act
    const first = await sync.sync(order.id);
    const again = await sync.sync(order.id);
    // assess
    expect(first).toMatchObject({ outcome: "created" });
    expect(again).toMatchObject({ outcome: "skipped", reason: "already in ERPNext" });
    expect(salesOrders()).toHaveLength(1);
    expect(salesOrders()[0]).toMatchObject({ po_no: "10001", docstatus: 1, grand_total: 25 });
    expect(state.orders.get(order.id)).toMatchObject({ state: "created", salesOrder: first.salesOrder });
    // reserved in ERPNext now: the oversell guard stops counting it
    expect(state.holds.size).toBe(0);
  });

  test("a Sales Order whose insert answer was lost is adopted, not made twice", async () => {
    // prepare: the insert commits, its answer never arrives
    const order = wixOrder();
    loseSalesOrderAnswers();
    // act
    const result = await orderSync().sync(order.id);
    // assess
    expect(result.outcome).toBe("created");
    expect(salesOrders()).toHaveLength(1);
  });

  test("a total ERPNext changed is parked as a draft, and parked only once for that Wix state", async () => {
    // prepare: a server-side rule adds a cent
    erpnext.salesOrderTotal = (computed) => computed + 0.01;
    const order = wixOrder();
    const sync = orderSync();
    // act
    const error = await sync.sync(order.id).catch((e) => e);
    const again = await sync.sync(order.id);
    // assess
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain("differs from Wix total 25: left as a draft");
    expect(salesOrders()).toHaveLength(1);
    expect(salesOrders()[0]?.docstatus).toBe(0);
    expect(state.orders.get(order.id)).toMatchObject({ state: "parked", parkedFor: order.updatedDate });
    expect(again).toMatchObject({ outcome: "skipped" });
    expect(again.reason).toContain("already parked");
  });

  test("a line priced finer than ERPNext books (0.001 at 2 decimals) is parked, never booked at 0", async () => {
    // prepare: a product published at 0.001 before prices were rounded; Wix's total is 0.00
    const order = wixOrder({
      priceSummary: { total: { amount: "0.00" } },
      lineItems: [
        { id: "line-1", quantity: 3, price: { amount: "0.001" }, physicalProperties: { sku: "MUG" } },
      ],
    });
    // act
    const error = await orderSync()
      .sync(order.id)
      .catch((e) => e);
    // assess
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain(
      'line "MUG" is priced 0.001, finer than the 2 decimals ERPNext books',
    );
    expect(salesOrders()).toHaveLength(0);
    expect(state.orders.get(order.id)).toMatchObject({
      state: "parked",
      parkedReason: expect.stringContaining("0.001"),
    });
  });

  test("canceled before it was created: no Sales Order, and a late approval creates none", async () => {
    // prepare
    const order = wixOrder({ status: "CANCELED" });
    const sync = orderSync();
    // act
    const canceled = await sync.sync(order.id);
    // a stale read of the order, delivered late
    wixOrder({ status: "APPROVED", updatedDate: "2025-03-01T11:00:00.000Z" });
    const late = await sync.sync(order.id);
    // assess
    expect(canceled).toMatchObject({ outcome: "skipped", reason: "canceled before a Sales Order existed" });
    expect(late).toMatchObject({ outcome: "skipped", reason: "canceled before a Sales Order existed" });
    expect(salesOrders()).toHaveLength(0);
    expect(erpnext.calls.filter((c) => c.startsWith("insert"))).toEqual([]);
  });

  test("canceled after it was created: a submitted Sales Order is cancelled, a draft deleted", async () => {
    // prepare
    wixOrder();
    wixOrder({ id: "order-2", number: "10002" });
    const submitted = orderSync();
    const drafts = orderSync({ submit: false });
    await submitted.sync("order-1");
    await drafts.sync("order-2");
    const [so1, so2] = salesOrders().map((d) => d.name);
    // act
    wixOrder({ status: "CANCELED" });
    wixOrder({ id: "order-2", number: "10002", status: "CANCELED" });
    const first = await submitted.sync("order-1");
    const second = await drafts.sync("order-2");
    // assess
    expect(first).toMatchObject({ outcome: "updated", reason: "canceled", salesOrder: so1 });
    expect(second).toMatchObject({ outcome: "updated", reason: "canceled", salesOrder: so2 });
    expect(erpnext.table("Sales Order").get(so1 as string)?.docstatus).toBe(2);
    expect(erpnext.table("Sales Order").has(so2 as string)).toBe(false);
    expect(state.orders.get("order-1")).toMatchObject({ canceled: true });
    expect(state.orders.get("order-2")).toMatchObject({ canceled: true });
  });

  test("a draft's cancel whose delete answer was lost completes on the retry", async () => {
    // prepare: the draft is deleted, the answer is lost
    wixOrder();
    const sync = orderSync({ submit: false });
    await sync.sync("order-1");
    wixOrder({ status: "CANCELED" });
    const remove = erpnext.delete.bind(erpnext);
    erpnext.delete = async (doctype: string, name: string) => {
      await remove(doctype, name);
      erpnext.delete = remove;
      throw new Error("socket hang up");
    };
    // act
    const lost = await sync.sync("order-1").catch((e) => e);
    const retried = await sync.sync("order-1");
    // assess
    expect(lost).toBeInstanceOf(Error);
    expect(retried).toMatchObject({ outcome: "updated", reason: "canceled" });
    expect(state.orders.get("order-1")).toMatchObject({ canceled: true });
  });

  test("a paid order canceled waits for its refund, then its Sales Order is cancelled with the payment booked", async () => {
    // prepare: paid, its payment allocated to the Sales Order (advance_paid)
    wixOrder({ paymentStatus: "PAID" });
    const sync = orderSync();
    await sync.sync("order-1");
    const [so] = salesOrders();
    Object.assign(so as object, { advance_paid: 25 });
    await state.updateOrder("order-1", { paymentEntry: "PE-1" });
    // act: canceled with the money kept, then refunded in full
    wixOrder({ status: "CANCELED", paymentStatus: "PAID" });
    const kept = await sync.sync("order-1");
    wixOrder({ status: "CANCELED", paymentStatus: "FULLY_REFUNDED" });
    const refunded = await sync.sync("order-1");
    // assess
    expect(kept).toMatchObject({
      outcome: "failed",
      reason: expect.stringMatching(/PAID in Wix and not refunded/),
    });
    expect(refunded).toMatchObject({ outcome: "updated", reason: "canceled" });
    expect(so?.docstatus).toBe(2);
    expect(state.orders.get("order-1")).toMatchObject({ canceled: true });
  });

  test("an invoiced order canceled is closed once its Credit Notes cover the invoice, never cancelled", async () => {
    // prepare: invoiced (INVOICE_ON=order), refunded in full
    wixOrder();
    const sync = orderSync();
    await sync.sync("order-1");
    const [so] = salesOrders();
    Object.assign(so as object, { per_billed: 100 });
    const invoice = {
      po_no: "10001",
      customer: so?.customer,
      docstatus: 1,
      items: [{ sales_order: so?.name }],
    };
    erpnext.seed("Sales Invoice", { name: "SINV-1", ...invoice, grand_total: 25 });
    wixOrder({ status: "CANCELED", paymentStatus: "FULLY_REFUNDED" });
    // act: before and after its Credit Note is booked; then once more
    const early = await sync.sync("order-1");
    erpnext.seed("Sales Invoice", { name: "SINV-2", ...invoice, grand_total: -25, is_return: 1 });
    const credited = await sync.sync("order-1");
    const again = await sync.sync("order-1");
    // assess
    expect(early).toMatchObject({ outcome: "failed", reason: expect.stringMatching(/not credited in full/) });
    expect(credited).toMatchObject({ outcome: "updated", reason: expect.stringMatching(/^closed/) });
    expect(again).toMatchObject({ outcome: "skipped", reason: "already canceled" });
    expect(so).toMatchObject({ docstatus: 1, status: "Closed" });
    expect(erpnext.calls.filter((c) => c.startsWith("call"))).toHaveLength(1);
    expect(state.orders.get("order-1")).toMatchObject({ canceled: true });
  });

  test("a paid order goes to the billing flow (which books its payments), a new one too, an unpaid known one not", async () => {
    // prepare
    const sent: string[] = [];
    const sync = new OrderSync({
      erpnext,
      wix,
      state,
      log,
      settings,
      onBillable: async (o) => {
        sent.push(`${o.id} ${o.paymentStatus}`);
      },
    });
    const order = wixOrder();
    // act
    await sync.sync(order.id);
    await sync.sync(order.id);
    wixOrder({ paymentStatus: "PARTIALLY_PAID" });
    const paid = await sync.sync(order.id);
    // assess
    expect(sent).toEqual(["order-1 NOT_PAID", "order-1 PARTIALLY_PAID"]);
    expect(paid).toMatchObject({ outcome: "skipped" });
    expect(erpnext.all("Payment Entry")).toEqual([]);
  });

  test("one customer per buyer e-mail, whatever its case or contact id; one in ERPNext is adopted", async () => {
    // prepare
    wixOrder();
    wixOrder({
      id: "order-2",
      number: "10002",
      buyerInfo: { email: "  ADA@Example.com", contactId: "contact-2" },
    });
    erpnext.seed("Customer", { name: "Grace Hopper", email_id: "grace@example.com" });
    wixOrder({ id: "order-3", number: "10003", buyerInfo: { email: "grace@example.com" } });
    const sync = orderSync();
    // act
    for (const id of ["order-1", "order-2", "order-3"]) await sync.sync(id);
    // assess
    const customers = erpnext.all("Customer");
    expect(customers).toHaveLength(2);
    const ada = customers.find((c) => c.email_id === "ada@example.com")?.name;
    expect(salesOrders().map((so) => so.customer)).toEqual([ada, ada, "Grace Hopper"]);
    // one billing address, reused by Ada's second order
    expect(erpnext.all("Address")).toHaveLength(2);
  });
});

describe("orders of two Wix sites on one ERPNext", () => {
  const eu = { ...settings, site: "eu", company: "Shop EU", warehouse: "Stores - EU" };
  let wixEu: FakeWix;
  let stateEu: FakeState;

  /** The default site over the suite's fakes; site "eu" its own Wix and state, sharing ERPNext and the buyers. */
  const sites = () => ({
    first: orderSync(),
    eu: new OrderSync({ erpnext, wix: wixEu, state: stateEu, log, settings: eu }),
  });

  /** Order #10001 of the same buyer on site "eu" (every Wix site numbers from 10001). */
  function euOrder(over: Partial<WixOrder> = {}): WixOrder {
    const order = { ...wixOrder(), id: "order-eu-1", ...over };
    wix.orders.delete(order.id);
    wixEu.orders.set(order.id, order);
    return order;
  }

  beforeEach(() => {
    wixEu = new FakeWix();
    stateEu = state.otherSite();
    erpnext.seed("Company", { name: "Shop EU", default_currency: "EUR" });
    // ERPNext refuses a second live Sales Order with one customer's po_no (validate_po,
    // erpnext/selling/doctype/sales_order/sales_order.py; Selling Settings as installed).
    const insert = erpnext.insert.bind(erpnext);
    erpnext.insert = async <T>(doctype: string, doc: Record<string, unknown>) => {
      const taken = erpnext
        .all("Sales Order")
        .find((so) => so.po_no === doc.po_no && so.customer === doc.customer && so.docstatus !== 2);
      if (doctype === "Sales Order" && taken)
        throw new Error(
          `Sales Order ${taken.name} already exists against Customer's Purchase Order ${doc.po_no}`,
        );
      return insert<T>(doctype, doc);
    };
  });

  test("the same order number on two sites: two Sales Orders, each with its site's company, warehouse, reference and wix_site; one Customer, first seen on the first", async () => {
    // prepare
    const { first, eu: onEu } = sites();
    const order = wixOrder();
    const other = euOrder();
    // act
    const mine = await first.sync(order.id);
    const theirs = await onEu.sync(other.id);
    // assess
    expect(mine).toMatchObject({ outcome: "created" });
    expect(theirs).toMatchObject({ outcome: "created" });
    const [a, b] = salesOrders();
    expect(a).toMatchObject({
      po_no: "10001",
      company: "Shop Ltd",
      set_warehouse: "Stores - SL",
      wix_site: "default",
    });
    expect(b).toMatchObject({
      po_no: "eu-10001",
      company: "Shop EU",
      set_warehouse: "Stores - EU",
      wix_site: "eu",
    });
    expect(b?.items).toEqual([expect.objectContaining({ warehouse: "Stores - EU" })]);
    expect(b?.name).toBe(theirs.salesOrder);
    // one buyer, one Customer: recorded where it was first seen, never moved
    const customers = erpnext.all("Customer");
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ email_id: "ada@example.com", wix_site: "default" });
    expect(b?.customer).toBe(a?.customer);
    expect(erpnext.calls.filter((c) => c.startsWith("update Customer"))).toEqual([]);
  });

  test("a lost insert answer on one site adopts its own Sales Order, never the other site's of the same number", async () => {
    // prepare: the default site has #10001; eu's insert of its #10001 commits, its answer is lost
    const { first, eu: onEu } = sites();
    await first.sync(wixOrder().id);
    const other = euOrder();
    loseSalesOrderAnswers();
    // act
    const result = await onEu.sync(other.id);
    // assess
    const made = salesOrders().find((so) => so.wix_site === "eu");
    expect(result).toMatchObject({ outcome: "created", salesOrder: made?.name });
    expect(salesOrders()).toHaveLength(2);
    expect(stateEu.orders.get(other.id)).toMatchObject({ salesOrder: made?.name });
  });

  test("one new buyer ordering on both sites at once makes one Customer", async () => {
    // prepare
    const { first, eu: onEu } = sites();
    const order = wixOrder();
    const other = euOrder();
    // act: side by side; the one that met the other's lease retries
    const [one, two] = await Promise.allSettled([first.sync(order.id), onEu.sync(other.id)]);
    const retried = two.status === "rejected" ? await onEu.sync(other.id) : undefined;
    // assess
    expect(one.status).toBe("fulfilled");
    expect(two.status === "fulfilled" || retried?.outcome === "created").toBe(true);
    expect(erpnext.all("Customer")).toHaveLength(1);
    expect(salesOrders()).toHaveLength(2);
  });

  test("a canceled order is judged by its own invoices, not by the other site's order of the same number", async () => {
    // prepare: the default site's #10001 is invoiced; eu's #10001 of the same buyer is not, and is canceled
    const { first, eu: onEu } = sites();
    await first.sync(wixOrder().id);
    const other = euOrder();
    await onEu.sync(other.id);
    const [a, b] = salesOrders();
    Object.assign(a as object, { per_billed: 100 });
    erpnext.seed("Sales Invoice", {
      name: "SINV-1",
      po_no: a?.po_no,
      customer: a?.customer,
      docstatus: 1,
      grand_total: 25,
    });
    euOrder({ status: "CANCELED" });
    // act
    const result = await onEu.sync(other.id);
    // assess
    expect(result).toMatchObject({ outcome: "updated", reason: "canceled", salesOrder: b?.name });
    expect(b?.docstatus).toBe(2);
    expect(a?.docstatus).toBe(1);
  });
});

describe("orders flow: Catalog V1 order lines without SKU", () => {
  const V1_DEFAULT_VARIANT = "00000000-0000-0000-0000-000000000000";
  /** A line known only by its catalog reference; V1 references may name choices, not a variant. */
  const v1Order = (productId: string, choices: Record<string, string>) =>
    wixOrder({
      priceSummary: { total: { amount: "10.00" } },
      lineItems: [
        {
          id: "line-1",
          quantity: 1,
          price: { amount: "10.00" },
          catalogReference: { catalogItemId: productId, options: { options: choices } },
        },
      ],
    });
  const mapped = (itemCode: string, productId: string, variantId?: string) => {
    erpnext.seed("Item", { name: itemCode, item_code: itemCode });
    state.mappings.set(itemCode, {
      itemCode,
      productId,
      ...(variantId ? { variantId } : {}),
      createdAt: "2025-01-01T00:00:00.000Z",
      updatedAt: "2025-01-01T00:00:00.000Z",
    });
  };

  test("a line naming a simple V1 product's choices becomes a line of the item mapped to its default variant", async () => {
    // prepare
    mapped("CUP", "p-cup", V1_DEFAULT_VARIANT);
    const order = v1Order("p-cup", { Color: "Red" });
    // act
    const result = await orderSync().sync(order.id);
    // assess
    expect(result).toMatchObject({ outcome: "created" });
    expect(salesOrders()[0]?.items).toEqual([expect.objectContaining({ item_code: "CUP", qty: 1 })]);
  });

  test("a line naming choices of a product with managed variants is refused as unknown, never booked as its template", async () => {
    // prepare
    mapped("TEE", "p-tee");
    mapped("TEE-S", "p-tee", "v-s");
    mapped("TEE-M", "p-tee", "v-m");
    const order = v1Order("p-tee", { Size: "M" });
    // act
    const result = orderSync().sync(order.id);
    // assess
    await expect(result).rejects.toThrow('unknown item "line-1"');
    expect(salesOrders()).toHaveLength(0);
  });
});
