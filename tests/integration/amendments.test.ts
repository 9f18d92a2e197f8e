import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { WixOrder } from "#shared/flows/wix-orders";
import type { AuditResult } from "#shared/ops/audit/run";
import { amendOf } from "./amend";
import { card } from "./billing-helpers";
import { createItem, type Harness, startHarness } from "./harness";

/**
 * A Sales Order cancelled and amended in ERPNext (`<name>-1`, amended_from: the desk's Amend) is
 * followed forward by every flow: Wix fulfilments, payments, refunds and the Wix cancel act on the
 * live amendment, never on the cancelled original our order record named.
 */
let h: Harness;
const WIX = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };
beforeAll(async () => {
  h = await startHarness({ FULFILMENT_SOURCE: "wix", INVOICE_ON: "payment", RETRY_BASE_SECONDS: "0" });
  createItem(h.erpnext, "AMEND-A", 10);
  h.erpnext.moveBin("AMEND-A", "Stores - SC", { actual: 100 });
  await h.host.drain();
});
afterAll(async () => {
  await h.host.stop();
});

type Doc = Record<string, unknown> & { name: string };
const docs = (doctype: string) => [...(h.erpnext.docs.get(doctype)?.values() ?? [])] as Doc[];
const rowsOf = (doc: Doc | undefined) => (doc?.items ?? []) as Doc[];
const parked = (order: WixOrder) =>
  (["orders", "billing", "refunds", "shipments"] as const).flatMap((q) =>
    h.host
      .dlq(q)
      .filter((m) => (m.body as { orderId?: string }).orderId === order.id)
      .map((m) => `${q}: ${m.reason}`),
  );

/** An unpaid order in ERPNext, its Sales Order then cancelled and amended at the desk. */
async function amendedOrder(): Promise<{ order: WixOrder; original: string; amended: Doc }> {
  const order = h.wix.placeOrder({ lines: [{ sku: "AMEND-A", quantity: 3 }], shipping: "4.95" });
  expect(await h.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
  await h.host.drain();
  const so = docs("Sales Order").find((s) => s.po_no === order.number && s.docstatus === 1) as Doc;
  h.erpnext.update("Sales Order", so.name, { docstatus: 2 });
  const amended = h.erpnext.insert("Sales Order", {
    ...amendOf(h.erpnext.get("Sales Order", so.name)),
    docstatus: 1,
  }) as Doc;
  expect(amended).toMatchObject({ name: `${so.name}-1`, amended_from: so.name, po_no: order.number });
  await h.host.drain();
  return { order, original: so.name, amended };
}

describe("an amended Sales Order is followed forward", () => {
  test("FULFILMENT_SOURCE=wix: a Wix fulfilment makes one submitted Delivery Note against the amendment", async () => {
    const { order, original, amended } = await amendedOrder();
    h.wix.fulfil(order.id, { lineItems: [{ id: order.lineItems[0]?.id, quantity: 2 }] });
    await h.wix.webhooksSettled();
    await h.host.drain();
    const notes = docs("Delivery Note").filter((dn) =>
      rowsOf(dn).some((r) => [original, amended.name].includes(r.against_sales_order as string)),
    );
    expect(notes.map((dn) => [dn.docstatus, rowsOf(dn).map((r) => [r.against_sales_order, r.qty])])).toEqual([
      [1, [[amended.name, 2]]],
    ]);
    expect(parked(order)).toEqual([]);
  });

  test("INVOICE_ON=payment: a payment after the amendment is invoiced from the amendment", async () => {
    const { order, amended } = await amendedOrder();
    h.wix.addPayments(order.id, [card(order.priceSummary.total.amount)]);
    await h.wix.webhooksSettled();
    await h.host.drain();
    const invoices = docs("Sales Invoice").filter((si) => si.po_no === order.number && si.docstatus === 1);
    expect(invoices.map((si) => rowsOf(si).map((r) => r.sales_order))).toEqual([[amended.name]]);
    expect(parked(order)).toEqual([]);
    // The audit compares the live amendment (found by its po_no, which Amend copies).
    const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
    const res = await h.request("POST", `/jobs/monthly-audit?from=${day(-1)}&to=${day(1)}`);
    expect(res.status).toBe(200);
    const ours = (res.body as AuditResult).differences.filter((d) => d.orderNumber === order.number);
    expect(ours).toEqual([]);
  });

  test("a refund after the amendment: a Credit Note against the amendment's invoice", async () => {
    const { order, amended } = await amendedOrder();
    const [paymentId] = h.wix.addPayments(order.id, [card(order.priceSummary.total.amount)]);
    await h.wix.webhooksSettled();
    await h.host.drain();
    const refundItems = { lineItems: [{ lineItemId: order.lineItems[0]?.id as string, quantity: 1 }] };
    const res = await h.request(
      "POST",
      "/sandbox/wix/ecom/v1/order-billing/refund-payments",
      { orderId: order.id, paymentRefunds: [{ paymentId, amount: { amount: "10.00" } }], refundItems },
      WIX,
    );
    expect(res.status).toBe(200);
    await h.wix.webhooksSettled();
    await h.host.drain();
    const invoice = docs("Sales Invoice").find(
      (si) => si.po_no === order.number && !si.is_return && si.docstatus === 1,
    );
    expect(rowsOf(invoice).map((r) => r.sales_order)).toEqual([amended.name]);
    const notes = docs("Sales Invoice").filter((si) => si.is_return && si.return_against === invoice?.name);
    expect(notes.map((n) => [n.docstatus, n.grand_total])).toEqual([[1, -10]]);
    // The returned row is the amendment's row.
    expect(rowsOf(notes[0]).map((r) => [r.so_detail, r.qty])).toEqual([[rowsOf(amended)[0]?.name, -1]]);
    expect(parked(order)).toEqual([]);
  });

  test("a Wix cancel after the amendment cancels the amendment", async () => {
    const { order, original, amended } = await amendedOrder();
    const canceled = h.wix.changeOrder(order.id, { status: "CANCELED" });
    expect(await h.wix.sendEvent("wix.ecom.v1.order_canceled", canceled)).toBe(200);
    await h.wix.webhooksSettled();
    await h.host.drain();
    expect(h.erpnext.get("Sales Order", amended.name)).toMatchObject({ docstatus: 2, status: "Cancelled" });
    expect(h.erpnext.get("Sales Order", original)).toMatchObject({ docstatus: 2 });
    expect(parked(order)).toEqual([]);
  });
});
