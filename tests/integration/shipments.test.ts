import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Doc } from "#infra/sandbox/erpnext/doctype";
import { MAKE_DELIVERY_NOTE } from "#shared/flows/shipments/pull";
import type { WixOrder } from "#shared/flows/wix-orders";
import { createItem, type Harness, startHarness } from "./harness";

/** Delivery Notes in ERPNext become Wix fulfillments (FULFILMENT_SOURCE=erpnext, the default). */
let h: Harness;
beforeAll(async () => {
  // A retried message comes back at once (the backoff schedule has tests of its own).
  h = await startHarness({ RETRY_BASE_SECONDS: "0" });
  for (const code of ["SHIP-A", "SHIP-B"]) {
    createItem(h.erpnext, code, 10);
    h.erpnext.moveBin(code, "Stores - SC", { actual: 100 });
  }
  await h.host.drain();
});
afterAll(async () => {
  await h.host.stop();
});

const salesOrderOf = (order: WixOrder) =>
  [...(h.erpnext.docs.get("Sales Order")?.values() ?? [])].find((so) => so.po_no === order.number) as Doc;

async function syncedOrder(
  lines: { sku: string; quantity: number }[],
): Promise<{ order: WixOrder; so: Doc }> {
  const order = h.wix.placeOrder({ lines });
  expect(await h.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
  await h.host.drain();
  return { order, so: salesOrderOf(order) };
}

/** A Delivery Note as a user makes it in the desk: the mapper, quantities edited, submitted (webhook fires). */
function ship(so: Doc, qty: Record<string, number>, fields: Record<string, unknown> = {}): Doc {
  const draft = h.erpnext.method(MAKE_DELIVERY_NOTE)?.({ source_name: so.name }, h.erpnext) as {
    items: { item_code: string; qty: number }[];
  } & Record<string, unknown>;
  const items = draft.items.filter((i) => qty[i.item_code]).map((i) => ({ ...i, qty: qty[i.item_code] }));
  return h.erpnext.insert("Delivery Note", { ...draft, items, ...fields, docstatus: 1 });
}

const fulfillments = (order: WixOrder) => h.wix.fulfillmentsOf(order.id);
const lineOf = (order: WixOrder, sku: string) =>
  order.lineItems.find((l) => l.physicalProperties?.sku === sku)?.id as string;

describe("Delivery Note -> Wix fulfillment", () => {
  test("a full shipment with a known carrier reaches Wix with its tracking; the order is FULFILLED", async () => {
    const { order, so } = await syncedOrder([
      { sku: "SHIP-A", quantity: 2 },
      { sku: "SHIP-B", quantity: 1 },
    ]);
    const dn = ship(
      so,
      { "SHIP-A": 2, "SHIP-B": 1 },
      { wix_tracking_number: "1Z999AA1", wix_carrier: "UPS" },
    );
    await h.host.drain();
    const [f, ...others] = fulfillments(order);
    expect(others).toEqual([]);
    expect(f?.lineItems).toEqual([
      { id: lineOf(order, "SHIP-A"), quantity: 2 },
      { id: lineOf(order, "SHIP-B"), quantity: 1 },
    ]);
    expect(f?.trackingInfo).toMatchObject({ trackingNumber: "1Z999AA1", shippingProvider: "ups" });
    expect(h.wix.orders.get(order.id)?.fulfillmentStatus).toBe("FULFILLED");
    const record = await (await h.host.context()).state.shipments.get(dn.name);
    expect(record).toMatchObject({ state: "created", fulfillmentId: f?.id, orderId: order.id });
  });

  test("partial deliveries make partial fulfillments; a custom carrier goes with its link; lr_no as fallback", async () => {
    const { order, so } = await syncedOrder([{ sku: "SHIP-A", quantity: 3 }]);
    ship(
      so,
      { "SHIP-A": 1 },
      { lr_no: "LR-1", wix_carrier: "Local Couriers", wix_tracking_link: "https://track.example.com/LR-1" },
    );
    await h.host.drain();
    expect(h.wix.orders.get(order.id)?.fulfillmentStatus).toBe("PARTIALLY_FULFILLED");
    ship(so, { "SHIP-A": 2 });
    await h.host.drain();
    const list = fulfillments(order);
    expect(list.map((f) => f.lineItems)).toEqual([
      [{ id: lineOf(order, "SHIP-A"), quantity: 1 }],
      [{ id: lineOf(order, "SHIP-A"), quantity: 2 }],
    ]);
    expect(list[0]?.trackingInfo).toEqual({
      trackingNumber: "LR-1",
      shippingProvider: "Local Couriers",
      trackingLink: "https://track.example.com/LR-1",
    });
    expect(h.wix.orders.get(order.id)?.fulfillmentStatus).toBe("FULFILLED");
  });

  test("an edited tracking number updates the fulfillment; a cancelled note deletes it", async () => {
    const { order, so } = await syncedOrder([{ sku: "SHIP-B", quantity: 1 }]);
    const dn = ship(so, { "SHIP-B": 1 }, { wix_tracking_number: "OLD-1", wix_carrier: "FedEx" });
    await h.host.drain();
    h.erpnext.update("Delivery Note", dn.name, { wix_tracking_number: "NEW-2" });
    await h.host.drain();
    expect(fulfillments(order)[0]?.trackingInfo).toMatchObject({
      trackingNumber: "NEW-2",
      shippingProvider: "fedex",
    });
    h.erpnext.update("Delivery Note", dn.name, { docstatus: 2 });
    await h.host.drain();
    expect(fulfillments(order)).toEqual([]);
    expect(h.wix.orders.get(order.id)?.fulfillmentStatus).toBe("NOT_FULFILLED");
  });

  test("each event delivered 3 times, out of order, makes one fulfillment; a late submit after cancel none", async () => {
    const { order, so } = await syncedOrder([
      { sku: "SHIP-A", quantity: 1 },
      { sku: "SHIP-B", quantity: 1 },
    ]);
    h.erpnext.setWebhookTarget(undefined); // the test delivers the webhooks itself
    try {
      const dn = ship(so, { "SHIP-A": 1 }, { wix_tracking_number: "DUP-1", wix_carrier: "dhl" });
      const event = { doctype: "Delivery Note", name: dn.name, modified: dn.modified, docstatus: 1 };
      const sent = await Promise.all([1, 2, 3].map(() => h.erpnextWebhook(event)));
      expect(sent.map((r) => r.status)).toEqual([200, 200, 200]);
      await h.host.drain();
      expect(fulfillments(order)).toHaveLength(1);
      // A second note: cancelled before its submit event is handled; events arrive cancel first.
      const second = ship(so, { "SHIP-B": 1 });
      h.erpnext.update("Delivery Note", second.name, { docstatus: 2 });
      const cancel = { doctype: "Delivery Note", name: second.name, modified: second.modified, docstatus: 2 };
      const submit = { ...cancel, docstatus: 1 };
      for (const body of [cancel, submit, cancel, submit, submit, cancel])
        expect((await h.erpnextWebhook(body)).status).toBe(200);
      await h.host.drain();
      expect(fulfillments(order)).toHaveLength(1);
    } finally {
      h.erpnext.setWebhookTarget(`${h.host.url}/webhooks/erpnext`);
    }
  });

  test("a create whose answer was lost is adopted, not made twice", async () => {
    // 4 ordered, 2 shipped: Wix would take a second fulfillment of 2.
    const { order, so } = await syncedOrder([{ sku: "SHIP-A", quantity: 4 }]);
    // The fulfillment is made, then the answer fails: the retry finds it by its lines.
    h.wix.faults.add({ status: 504, count: 1, late: true, match: "create-fulfillment" });
    ship(so, { "SHIP-A": 2 });
    await h.host.drain();
    expect(h.wix.faults.pending).toBe(0);
    expect(fulfillments(order).map((f) => f.lineItems)).toEqual([
      [{ id: lineOf(order, "SHIP-A"), quantity: 2 }],
    ]);
  });

  test("the catch-up job pushes a note whose webhooks were all lost", async () => {
    const { order, so } = await syncedOrder([{ sku: "SHIP-B", quantity: 2 }]);
    h.erpnext.setWebhookTarget(undefined);
    ship(so, { "SHIP-B": 2 }, { wix_tracking_number: "CATCH-1", wix_carrier: "usps" });
    h.erpnext.setWebhookTarget(`${h.host.url}/webhooks/erpnext`);
    expect(fulfillments(order)).toEqual([]);
    await h.host.runJob("shipment-catchup");
    await h.host.drain();
    expect(fulfillments(order)[0]?.trackingInfo).toMatchObject({
      trackingNumber: "CATCH-1",
      shippingProvider: "usps",
    });
  });

  test("in erpnext mode the fulfillments webhook is acknowledged and ignored", async () => {
    const { order } = await syncedOrder([{ sku: "SHIP-A", quantity: 1 }]);
    h.wix.fulfil(order.id, { lineItems: [{ id: order.lineItems[0]?.id, quantity: 1 }] });
    await h.host.drain();
    const log = h.wix.webhookLog.filter((e) => e.eventType === "wix.ecom.v1.fulfillments_updated");
    expect(log.at(-1)?.status).toBe(200);
    const notes = [...(h.erpnext.docs.get("Delivery Note")?.values() ?? [])].filter(
      (d) =>
        (d.items as { against_sales_order: string }[])[0]?.against_sales_order === salesOrderOf(order).name,
    );
    expect(notes).toEqual([]);
  });
});
