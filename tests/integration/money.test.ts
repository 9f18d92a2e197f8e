import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { OrderInput } from "#infra/sandbox/wix/index";
import { isRetryable } from "#shared/errors";
import type { WixOrder } from "#shared/flows/wix-orders";
import { createItem, type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  for (const [code, price] of [
    ["RACE", 15],
    ["PEN", 2.5],
  ] as const) {
    createItem(h.erpnext, code, price);
    h.erpnext.moveBin(code, "Stores - SC", { actual: 100 });
  }
  await h.host.drain();
});
afterAll(async () => {
  await h.host.stop();
});

const APPROVED = "wix.ecom.v1.order_approved";
const CANCELED = "wix.ecom.v1.order_canceled";
const docs = (doctype: string) => [...(h.erpnext.docs.get(doctype)?.values() ?? [])];
const salesOrders = (order: WixOrder) => docs("Sales Order").filter((so) => so.po_no === order.number);
const parkedReasons = (order: WixOrder) =>
  h.host
    .dlq("orders")
    .filter((m) => (m.body as { orderId: string }).orderId === order.id)
    .map((m) => m.reason);

/** Waits for a condition the test cannot await directly (a request in flight elsewhere). */
async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`never happened: ${what}`);
}

/**
 * Runs syncs of orders side by side, as up to three order workers do in AWS, then retries each
 * one that failed retryably (it met another's claim), as SQS redelivers it.
 */
async function concurrently(...runs: (() => Promise<unknown>)[]) {
  const settled = await Promise.allSettled(runs.map((run) => run()));
  for (const [i, outcome] of settled.entries()) {
    if (outcome.status === "fulfilled") continue;
    expect(isRetryable(outcome.reason)).toBe(true);
    await runs[i]?.();
  }
}

async function placeAndSend(input: OrderInput): Promise<WixOrder> {
  const order = h.wix.placeOrder(input);
  expect(await h.wix.sendEvent(APPROVED, order)).toBe(200);
  await h.host.drain();
  return order;
}

describe("approve and cancel of one order at once", () => {
  test("a cancel that meets the creation in progress is not lost: the Sales Order ends canceled", async () => {
    const order = h.wix.placeOrder({
      lines: [{ sku: "RACE", quantity: 1 }],
      buyer: { email: "race@example.com" },
    });
    // Worker 1 (the real queue consumer) creates it; ERPNext takes its time over the insert.
    h.erpnext.faults.add({ latencyMs: 1500, count: 1, match: "POST /api/resource/Sales Order" });
    expect(await h.wix.sendEvent(APPROVED, order)).toBe(200);
    await until(() => h.erpnext.faults.pending === 0, "the Sales Order insert is in flight");

    // Meanwhile the buyer cancels and worker 2 handles the cancel event.
    const canceled = h.wix.changeOrder(order.id, { status: "CANCELED" });
    const { orders } = await h.host.context();
    const cancel = () => orders.sync(canceled.id, { eventType: CANCELED });
    const first = await cancel().then(
      () => undefined,
      (error: unknown) => error,
    );
    await h.host.drain(); // worker 1 finishes its create

    // A cancel that met the claim failed retryably: SQS brings it back.
    if (first !== undefined) {
      expect(isRetryable(first)).toBe(true);
      await cancel();
    }
    const live = salesOrders(order).filter((so) => so.docstatus !== 2);
    expect(live).toEqual([]);
    expect((await (await h.host.context()).state.getOrder(order.id))?.canceled).toBe(true);
  });

  test("an order canceled before it reached ERPNext is never created by a late approval", async () => {
    const order = h.wix.placeOrder({
      lines: [{ sku: "PEN", quantity: 1 }],
      buyer: { email: "late@example.com" },
    });
    const { orders } = await h.host.context();
    h.wix.changeOrder(order.id, { status: "CANCELED" });
    await orders.sync(order.id, { eventType: CANCELED });
    expect(await orders.sync(order.id, { eventType: APPROVED })).toMatchObject({ outcome: "skipped" });
    expect(salesOrders(order)).toEqual([]);
  });
});

describe("one payment per paid order", () => {
  test("two deliveries of a paid order at once record one Payment Entry, and neither is parked", async () => {
    // Found by `npm run chaos`: both read "no payment yet", both inserted; ERPNext refused the
    // second allocation and its delivery was parked as a permanent failure.
    const order = await placeAndSend({
      lines: [{ sku: "PEN", quantity: 2 }],
      buyer: { email: "payer@example.com" },
    });
    const paid = h.wix.changeOrder(order.id, { paymentStatus: "PAID" });
    h.erpnext.faults.add({ latencyMs: 400, count: 2, match: "POST /api/resource/Payment Entry" });
    const { orders } = await h.host.context();
    await concurrently(
      () => orders.sync(paid.id, { eventType: "wix.ecom.v1.order_payment_status_updated" }),
      () => orders.sync(paid.id, { eventType: "wix.ecom.v1.order_updated" }),
    );
    // Payments are booked by the billing flow, which both deliveries sent the order to.
    await h.host.drain();
    h.erpnext.faults.clear();
    const payments = docs("Payment Entry").filter(
      (p) => p.reference_no === order.number && p.docstatus !== 2,
    );
    expect(payments).toHaveLength(1);
    expect(parkedReasons(order)).toEqual([]);
    expect(h.host.dlq("billing")).toEqual([]);
  });
});

describe("one buyer, one customer; one address, one Address", () => {
  test("two orders at once from one new e-mail (spelled two ways) with two contact ids make one Customer", async () => {
    const a = h.wix.placeOrder({
      lines: [{ sku: "PEN", quantity: 1 }],
      buyer: {
        email: " Same.Buyer@Example.com",
        contactId: "contact-1",
        firstName: "Sam",
        lastName: "Buyer",
      },
    });
    const b = h.wix.placeOrder({
      lines: [{ sku: "PEN", quantity: 2 }],
      buyer: { email: "same.buyer@example.com", contactId: "contact-2", firstName: "Sam", lastName: "Buyer" },
    });
    h.erpnext.faults.add({ latencyMs: 400, count: 2, match: "POST /api/resource/Customer" });
    const { orders } = await h.host.context();
    await concurrently(
      () => orders.sync(a.id),
      () => orders.sync(b.id),
    );
    h.erpnext.faults.clear();
    const customers = docs("Customer").filter(
      (c) => String(c.email_id).trim().toLowerCase() === "same.buyer@example.com",
    );
    expect(customers).toHaveLength(1);
    expect(salesOrders(a)[0]?.customer).toBe(customers[0]?.name);
    expect(salesOrders(b)[0]?.customer).toBe(customers[0]?.name);
  });

  test("a new address ordered twice at once makes one billing and one shipping Address", async () => {
    const buyer = { email: "mover@example.com", contactId: "c-mover", firstName: "Mo", lastName: "Ver" };
    await placeAndSend({ lines: [{ sku: "PEN", quantity: 1 }], buyer });
    const address = { country: "DE", city: "Berlin", addressLine: "Neue Straße 1", postalCode: "10115" };
    const a = h.wix.placeOrder({ lines: [{ sku: "PEN", quantity: 1 }], buyer, address });
    const b = h.wix.placeOrder({ lines: [{ sku: "PEN", quantity: 3 }], buyer, address });
    h.erpnext.faults.add({ latencyMs: 400, count: 4, match: "POST /api/resource/Address" });
    const { orders } = await h.host.context();
    await concurrently(
      () => orders.sync(a.id),
      () => orders.sync(b.id),
    );
    h.erpnext.faults.clear();
    const made = docs("Address").filter((d) => d.address_line1 === "Neue Straße 1");
    expect(made.map((d) => d.address_type).sort()).toEqual(["Billing", "Shipping"]);
    expect(salesOrders(a)[0]?.shipping_address_name).toBe(salesOrders(b)[0]?.shipping_address_name);
  });
});

describe("countries come from ERPNext's Country list", () => {
  test("an order to South Africa (not one of a hard-coded few) becomes a Sales Order", async () => {
    const order = await placeAndSend({
      lines: [{ sku: "PEN", quantity: 1 }],
      buyer: { email: "za@example.com" },
      address: { country: "ZA", city: "Cape Town", addressLine: "1 Long St", subdivision: "ZA-WC" },
    });
    const [so] = salesOrders(order);
    expect(so?.docstatus).toBe(1);
    expect(h.erpnext.get("Address", so?.shipping_address_name as string).country).toBe("South Africa");
  });

  test("the sandbox holds every ISO-3166 country with its code, as ERPNext does", () => {
    const countries = docs("Country");
    expect(countries.length).toBeGreaterThanOrEqual(249);
    expect(countries.find((c) => c.code === "za")?.name).toBe("South Africa");
    expect(new Set(countries.map((c) => c.code)).size).toBe(countries.length);
  });

  test("a sandbox saved before Country codes catches up when restored", () => {
    const saved = structuredClone(h.erpnext.snapshot());
    for (const country of saved.docs.Country ?? []) delete country.code;
    saved.docs.Country = (saved.docs.Country ?? []).filter((c) => c.name !== "South Africa");
    h.erpnext.restore(saved);
    expect(h.erpnext.get("Country", "South Africa").code).toBe("za");
    expect(h.erpnext.get("Country", "Germany").code).toBe("de");
  });

  test("an order parked for an unknown country is parked once, not once per poll pass", async () => {
    const order = await placeAndSend({
      lines: [{ sku: "PEN", quantity: 1 }],
      buyer: { email: "nowhere@example.com" },
      address: { country: "XX", city: "Nowhere", addressLine: "1 No St" },
    });
    expect(parkedReasons(order)).toEqual([expect.stringContaining('"XX"')]);
    for (let pass = 0; pass < 2; pass++) {
      expect((await h.request("POST", "/jobs/order-poll")).status).toBe(200);
      await h.host.drain();
    }
    expect(parkedReasons(order)).toHaveLength(1);
  });
});

describe("money the company cannot book as it is is parked with its reason", () => {
  test("an order in another currency than the company's", async () => {
    const order = await placeAndSend({
      lines: [{ sku: "PEN", quantity: 2 }],
      buyer: { email: "euro@example.com" },
      currency: "EUR",
    });
    expect(salesOrders(order)).toEqual([]);
    expect(parkedReasons(order)).toEqual([
      expect.stringMatching(/in EUR but company Sandbox Co books in USD/),
    ]);
  });

  test("the sandbox ERPNext refuses a Sales Order in another currency without an exchange rate", async () => {
    const res = await h.request(
      "POST",
      "/sandbox/erpnext/api/resource/Sales Order",
      {
        customer: salesOrders(await placeAndSend({ lines: [{ sku: "PEN", quantity: 1 }] }))[0]?.customer,
        company: "Sandbox Co",
        currency: "EUR",
        transaction_date: "2025-01-01",
        delivery_date: "2025-01-02",
        set_warehouse: "Stores - SC",
        items: [{ item_code: "PEN", qty: 1, rate: 1 }],
      },
      { authorization: "token sandbox-api-key:sandbox-api-secret" },
    );
    expect(res.status).toBe(417);
    expect(JSON.stringify(res.body)).toContain("Currency Exchange record is not created for EUR to USD");
  });

  test("an order with a negative total", async () => {
    const order = await placeAndSend({
      lines: [{ sku: "PEN", quantity: 1 }],
      buyer: { email: "negative@example.com" },
      discount: "10.00",
    });
    expect(salesOrders(order)).toEqual([]);
    expect(parkedReasons(order)).toEqual([expect.stringContaining("negative total")]);
  });
});
