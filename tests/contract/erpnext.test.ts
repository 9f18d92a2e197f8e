import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { RestWrite } from "#infra/sandbox/erpnext/site";
import { ErpnextClient } from "#shared/erpnext/client";
import { checkWrite, webhookEventAccepted } from "#shared/erpnext/frappe-facts";
import type { WixOrder } from "#shared/flows/wix-orders";
import { ONE_TRY } from "#shared/resilience/retry";
import { CUSTOM_FIELDS } from "#shared/setup/custom-fields";
import { runSetup } from "#shared/setup/setup";
import { ERPNEXT_WEBHOOKS } from "#shared/setup/webhooks";
import { WixClient } from "#shared/wix/client";
import { createItem, type Harness, startHarness } from "../integration/harness";

/**
 * ERPNext as an executable contract: every write the integration sends to the sandbox ERPNext in a
 * representative run (setup, item status, orders, payments, invoices, Wix fulfilments, refunds,
 * cancellation) is checked against Frappe's own rules in shared/erpnext/frappe-facts.ts (each
 * fact cites its frappe/frappe or frappe/erpnext source): the doctype, every field written
 * (standard, or a Custom Field setup makes), the docstatus transition, the mandatory fields.
 * The call sites of the client's writes are read from the source: one that the run does not
 * exercise fails the test, so a new ERPNext call comes with coverage.
 */
let h: Harness;
let writes: RestWrite[];
const WIX = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };
type Doc = Record<string, unknown> & { name: string };
const docs = (doctype: string) => [...(h.erpnext.docs.get(doctype)?.values() ?? [])] as Doc[];
const salesOrderOf = (order: WixOrder) => docs("Sales Order").find((so) => so.po_no === order.number) as Doc;

async function approved(input: Parameters<Harness["wix"]["placeOrder"]>[0]): Promise<WixOrder> {
  const order = h.wix.placeOrder(input);
  expect(await h.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
  await h.wix.webhooksSettled();
  await h.host.drain();
  expect(salesOrderOf(order)?.docstatus).toBe(1);
  return order;
}

beforeAll(async () => {
  // Wix ships (Delivery Notes from Wix fulfilments), invoices on payment, restocks into Stores.
  h = await startHarness({
    FULFILMENT_SOURCE: "wix",
    ERPNEXT_RETURN_WAREHOUSE: "Stores - SC",
    RETRY_BASE_SECONDS: "0",
  });
  writes = h.erpnext.recordWrites();
  const settings = (await h.host.context()).settings;
  // Setup on a fresh site: every Custom Field and Webhook document it makes.
  h.erpnext.table("Webhook").clear();
  h.erpnext.table("Custom Field").clear();
  // A Webhook of an older release of ours: setup deletes it.
  h.erpnext.importDoc("Webhook", {
    name: "wix-sync Item after_insert",
    webhook_doctype: "Item",
    webhook_docevent: "after_insert",
    request_url: `${h.host.url}/webhooks/erpnext`,
  });
  const setup = await runSetup({
    erpnext: new ErpnextClient({ ...settings.erpnext, retry: ONE_TRY }),
    wix: new WixClient({ ...settings.wix, retry: ONE_TRY }),
    settings,
    webhookUrl: `${h.host.url}/webhooks/erpnext`,
  });
  expect(setup.failed).toEqual([]);

  // Items: the products worker writes their Wix status (bulk_update).
  for (const code of ["CT-SHIRT", "CT-MUG"]) {
    createItem(h.erpnext, code, 10);
    h.erpnext.moveBin(code, "Stores - SC", { actual: 100 });
  }
  await h.host.drain();

  // A paid order: customer, address, Sales Order, invoice, payment.
  const paid = await approved({
    lines: [
      { sku: "CT-SHIRT", quantity: 2 },
      { sku: "CT-MUG", quantity: 1 },
    ],
    shipping: "4.95",
    taxes: [{ name: "Sales Tax", rate: "0.08" }],
    paymentStatus: "PAID",
  });
  await h.host.drain();

  // Shipped from Wix: a Delivery Note, its tracking edited, then the fulfilment deleted.
  const line = paid.lineItems[0]?.id;
  const first = h.wix.fulfil(paid.id, {
    lineItems: [{ id: line, quantity: 1 }],
    trackingInfo: { trackingNumber: "CT-1", shippingProvider: "ups" },
  });
  await h.wix.webhooksSettled();
  await h.host.drain();
  const edited = await h.request(
    "PATCH",
    `/sandbox/wix/ecom/v1/fulfillments/${first.id}/orders/${paid.id}`,
    { fulfillment: { id: first.id, trackingInfo: { trackingNumber: "CT-1B", shippingProvider: "fedex" } } },
    WIX,
  );
  expect(edited.status).toBe(200);
  await h.wix.webhooksSettled();
  await h.host.drain();
  const second = h.wix.fulfil(paid.id, { lineItems: [{ id: line, quantity: 1 }] });
  await h.wix.webhooksSettled();
  await h.host.drain();
  h.wix.unfulfil(paid.id, second.id as string);
  await h.wix.webhooksSettled();
  await h.host.drain();

  // A refund with restock: credit note, payment out, sales return.
  const calc = await h.request(
    "POST",
    "/sandbox/wix/ecom/v1/order-billing/calculate-refund",
    { orderId: paid.id, refundItems: { lineItems: [{ lineItemId: line, quantity: 1 }] } },
    WIX,
  );
  const amount = (calc.body as { summary: { total: { amount: string } } }).summary.total.amount;
  const refund = await h.request(
    "POST",
    "/sandbox/wix/ecom/v1/order-billing/refund-payments",
    {
      orderId: paid.id,
      paymentRefunds: [{ paymentId: h.wix.transactionsOf(paid.id).payments[0]?.id, amount: { amount } }],
      refundItems: { lineItems: [{ lineItemId: line, quantity: 1 }] },
      sideEffects: { restock: { lineItems: [{ lineItemId: line, quantity: 1 }] } },
    },
    WIX,
  );
  expect(refund.status).toBe(200);
  await h.wix.webhooksSettled();
  await h.host.drain();

  // An unpaid order cancelled in Wix: its Sales Order is cancelled.
  const unpaid = await approved({
    lines: [{ sku: "CT-MUG", quantity: 1 }],
    buyer: { email: "ct@example.com" },
  });
  const cancelled = h.wix.changeOrder(unpaid.id, { status: "CANCELED" });
  await h.wix.sendEvent("wix.ecom.v1.order_canceled", cancelled);
  await h.host.drain();
  expect(salesOrderOf(unpaid)?.docstatus).toBe(2);

  // A cancel that finds a draft Sales Order a crashed creator left unrecorded: it is deleted.
  const crashed = h.wix.placeOrder({
    lines: [{ sku: "CT-MUG", quantity: 1 }],
    buyer: { email: "ct@example.com" },
  });
  await (await h.host.context()).state.claimOrder(crashed.id, crashed.number, 0);
  const draft = h.erpnext.insert("Sales Order", {
    customer: salesOrderOf(unpaid).customer,
    company: "Sandbox Co",
    po_no: crashed.number,
    transaction_date: "2026-11-26",
    delivery_date: "2026-11-30",
    items: [{ item_code: "CT-MUG", qty: 1, rate: 10, warehouse: "Stores - SC" }],
  });
  await h.wix.sendEvent("wix.ecom.v1.order_canceled", h.wix.changeOrder(crashed.id, { status: "CANCELED" }));
  await h.host.drain();
  expect(h.erpnext.docs.get("Sales Order")?.has(draft.name)).toBe(false);
}, 60_000);
afterAll(async () => {
  await h?.host.stop();
});

/** The client's writes in shared/ with a literal doctype: `erpnext.insert("Sales Order", ...)`. */
function writeCallSites(): { kind: string; doctype: string; at: string }[] {
  const sites: { kind: string; doctype: string; at: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith(".ts"))
        for (const m of readFileSync(path, "utf8").matchAll(
          /\.(insert|update|delete)(?:<[^>]*>)?\(\s*"([^"]+)"/g,
        ))
          sites.push({ kind: m[1] as string, doctype: m[2] as string, at: path });
    }
  };
  walk("shared");
  return sites;
}

describe("every ERPNext write the integration makes is one Frappe accepts", () => {
  test("each write: a known doctype, fields it has (or setup's Custom Fields), its mandatory fields, an allowed docstatus move", () => {
    expect(writes.length).toBeGreaterThan(20);
    expect(writes.flatMap((w) => checkWrite(w, CUSTOM_FIELDS))).toEqual([]);
  });

  test("every write call site in shared/ and every kind of client write was exercised by the run", () => {
    const seen = new Set(writes.map((w) => `${w.kind} ${w.doctype}`));
    const sites = writeCallSites();
    expect(sites.length).toBeGreaterThan(10);
    expect(sites.filter((s) => !seen.has(`${s.kind} ${s.doctype}`))).toEqual([]);
    // insert, update, delete; frappe.client.bulk_update; the mappers (call / mapDocument).
    expect(new Set(writes.map((w) => w.kind))).toEqual(
      new Set(["insert", "update", "delete", "bulk_update", "method"]),
    );
  });

  test("every Webhook document setup makes names a doc event Frappe accepts for its doctype", () => {
    const made = writes.filter((w) => w.kind === "insert" && w.doctype === "Webhook");
    expect(made.length).toBe(ERPNEXT_WEBHOOKS.flatMap((n) => n.events).length);
    for (const need of ERPNEXT_WEBHOOKS)
      for (const event of need.events)
        expect([need.doctype, event, webhookEventAccepted(need.doctype, event)]).toEqual([
          need.doctype,
          event,
          true,
        ]);
  });
});
