import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Doc } from "#infra/sandbox/erpnext/doctype";
import { MAKE_DELIVERY_NOTE } from "#shared/flows/shipments/pull";
import type { WixOrder } from "#shared/flows/wix-orders";
import type { AuditResult } from "#shared/ops/audit/run";
import { amendOf } from "./amend";
import { createItem, type Harness, startHarness } from "./harness";

/**
 * Delivery Notes as people make them in the desk, beyond one note per Sales Order: one note for
 * several orders of a customer (the mapper run once per order on the same note), and a note against
 * an amended Sales Order (cancelled, then amended as `<name>-1`).
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ RETRY_BASE_SECONDS: "0" });
  for (const code of ["JOIN-A", "JOIN-B"]) {
    createItem(h.erpnext, code, 10);
    h.erpnext.moveBin(code, "Stores - SC", { actual: 100 });
  }
  await h.host.drain();
});
afterAll(async () => {
  await h.host.stop();
});

const docs = (doctype: string) => [...(h.erpnext.docs.get(doctype)?.values() ?? [])];
const liveSalesOrderOf = (order: WixOrder) =>
  docs("Sales Order").find((so) => so.po_no === order.number && so.docstatus === 1) as Doc;
const buyer = { email: "two-orders@example.com", contactId: "c0ffee00-0000-4000-8000-000000000001" };

async function syncedOrder(lines: { sku: string; quantity: number }[]): Promise<WixOrder> {
  const order = h.wix.placeOrder({ lines, buyer });
  expect(await h.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
  await h.host.drain();
  return order;
}

/** One note for several Sales Orders: the mapper once per order on the same draft, quantities set. */
function ship(orders: WixOrder[], qty: (so: string, itemCode: string) => number, fields = {}): Doc {
  type Draft = { items: { item_code: string; against_sales_order: string }[] } & Record<string, unknown>;
  const mapper = h.erpnext.method(MAKE_DELIVERY_NOTE);
  if (!mapper) throw new Error("no make_delivery_note");
  let draft: Draft | undefined;
  for (const order of orders)
    draft = mapper({ source_name: liveSalesOrderOf(order).name, target_doc: draft }, h.erpnext) as Draft;
  const items = (draft?.items ?? [])
    .map((i) => ({ ...i, qty: qty(i.against_sales_order, i.item_code) }))
    .filter((i) => i.qty > 0);
  return h.erpnext.insert("Delivery Note", { ...draft, items, ...fields, docstatus: 1 });
}

const lineOf = (order: WixOrder, sku: string) =>
  order.lineItems.find((l) => l.physicalProperties?.sku === sku)?.id as string;
const fulfilled = (order: WixOrder) => h.wix.fulfillmentsOf(order.id).map((f) => f.lineItems);

describe("one Delivery Note for two Wix orders of one buyer", () => {
  test("each order gets a fulfillment of its own lines; tracking edits and the cancel reach both; the audit matches both", async () => {
    const first = await syncedOrder([
      { sku: "JOIN-A", quantity: 2 },
      { sku: "JOIN-B", quantity: 1 },
    ]);
    const second = await syncedOrder([{ sku: "JOIN-A", quantity: 2 }]);
    expect(liveSalesOrderOf(second).customer).toBe(liveSalesOrderOf(first).customer);

    // One unit of JOIN-A from each order, and the first's JOIN-B.
    const one = ship([first, second], () => 1);
    // ERPNext joins the orders' PO numbers (selling_controller.py set_pos_for_delivery_note).
    expect(String(one.po_no).split(", ").sort()).toEqual([first.number, second.number].sort());
    await h.host.drain();
    expect(fulfilled(first)).toEqual([
      [
        { id: lineOf(first, "JOIN-A"), quantity: 1 },
        { id: lineOf(first, "JOIN-B"), quantity: 1 },
      ],
    ]);
    expect(fulfilled(second)).toEqual([[{ id: lineOf(second, "JOIN-A"), quantity: 1 }]]);

    // The unit still owed on each order: not refused as more than the order has left.
    const two = ship([first, second], (_so, item) => (item === "JOIN-A" ? 1 : 0), {
      wix_tracking_number: "JOIN-T1",
      wix_carrier: "UPS",
    });
    await h.host.drain();
    for (const order of [first, second]) {
      expect(h.wix.orders.get(order.id)?.fulfillmentStatus).toBe("FULFILLED");
      expect(h.wix.fulfillmentsOf(order.id)[1]?.trackingInfo).toMatchObject({ trackingNumber: "JOIN-T1" });
    }
    h.erpnext.update("Delivery Note", two.name, { wix_tracking_number: "JOIN-T2" });
    await h.host.drain();
    for (const order of [first, second])
      expect(h.wix.fulfillmentsOf(order.id)[1]?.trackingInfo).toMatchObject({ trackingNumber: "JOIN-T2" });

    // The audit reads the notes by their rows' Sales Order, not by po_no: both orders agree.
    const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
    const res = await h.request("POST", `/jobs/monthly-audit?from=${day(-1)}&to=${day(1)}`);
    expect(res.status).toBe(200);
    const ours = (res.body as AuditResult).differences.filter((d) =>
      [first.number, second.number].includes(d.orderNumber),
    );
    expect(ours).toEqual([]);

    h.erpnext.update("Delivery Note", two.name, { docstatus: 2 });
    await h.host.drain();
    expect(fulfilled(first)).toHaveLength(1);
    expect(fulfilled(second)).toEqual([[{ id: lineOf(second, "JOIN-A"), quantity: 1 }]]);
  });
});

describe("a Delivery Note against an amended Sales Order", () => {
  test("is fulfilled on the Wix order of the Sales Order it amends", async () => {
    const order = await syncedOrder([{ sku: "JOIN-B", quantity: 2 }]);
    const original = liveSalesOrderOf(order);
    h.erpnext.update("Sales Order", original.name, { docstatus: 2 });
    // Amend as the desk does (copy_doc keeps even our no_copy wix_* fields): a new `<name>-1`.
    const amended = h.erpnext.insert("Sales Order", {
      ...amendOf(h.erpnext.get("Sales Order", original.name)),
      docstatus: 1,
    });
    expect(amended.name).toBe(`${original.name}-1`);
    await h.host.drain();

    ship([order], () => 2);
    await h.host.drain();
    expect(fulfilled(order)).toEqual([[{ id: lineOf(order, "JOIN-B"), quantity: 2 }]]);
  });
});
