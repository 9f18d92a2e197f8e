import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Doc } from "#infra/sandbox/erpnext/doctype";
import { createItem, type Harness, startHarness } from "./harness";

/** Merchants who ship from Wix (FULFILMENT_SOURCE=wix): Wix fulfillments make the Delivery Notes. */
describe("FULFILMENT_SOURCE=wix: Wix fulfillment -> Delivery Note", () => {
  let w: Harness;
  beforeAll(async () => {
    // Invoiced once delivered: a Delivery Note made from a Wix fulfillment tells billing.
    w = await startHarness({ FULFILMENT_SOURCE: "wix", INVOICE_ON: "fulfilment", RETRY_BASE_SECONDS: "0" });
    createItem(w.erpnext, "WIX-SHIP", 10);
    w.erpnext.moveBin("WIX-SHIP", "Stores - SC", { actual: 50 });
    await w.host.drain();
  });
  afterAll(async () => {
    await w.host.stop();
  });
  const notesOf = (so: string) =>
    [...(w.erpnext.docs.get("Delivery Note")?.values() ?? [])].filter(
      (d) => (d.items as { against_sales_order: string }[])[0]?.against_sales_order === so,
    );
  const actual = () =>
    Number(
      [...(w.erpnext.docs.get("Bin")?.values() ?? [])].find((b) => b.item_code === "WIX-SHIP")?.actual_qty,
    );

  /** A Wix order of this many WIX-SHIP, approved and in ERPNext as a Sales Order. */
  async function syncedOrder(quantity: number) {
    const order = w.wix.placeOrder({ lines: [{ sku: "WIX-SHIP", quantity }] });
    await w.wix.sendEvent("wix.ecom.v1.order_approved", order);
    await w.host.drain();
    const so = [...(w.erpnext.docs.get("Sales Order")?.values() ?? [])].find(
      (s) => s.po_no === order.number,
    ) as Doc;
    return { order, so };
  }

  test("one Delivery Note per fulfillment, whatever the redeliveries; tracking and cancel follow", async () => {
    const { order, so } = await syncedOrder(3);
    const before = actual();
    const line = order.lineItems[0]?.id;
    const first = w.wix.fulfil(order.id, {
      lineItems: [{ id: line, quantity: 2 }],
      trackingInfo: { trackingNumber: "W-1", shippingProvider: "ups" },
    });
    await w.wix.sendFulfillmentsCopies(order.id, 3);
    await w.host.drain();
    let notes = notesOf(so.name);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      docstatus: 1,
      wix_fulfillment_id: first.id,
      wix_tracking_number: "W-1",
    });
    expect(((notes[0]?.items ?? []) as { qty: number }[]).map((i) => i.qty)).toEqual([2]);
    expect(actual()).toBe(before - 2);
    expect(w.erpnext.get("Sales Order", so.name)).toMatchObject({ delivery_status: "Partly Delivered" });

    // Tracking edited in Wix (Update Fulfillment): the note's tracking fields follow.
    const edited = await w.request(
      "PATCH",
      `/sandbox/wix/ecom/v1/fulfillments/${first.id}/orders/${order.id}`,
      { fulfillment: { id: first.id, trackingInfo: { trackingNumber: "W-1B", shippingProvider: "fedex" } } },
      { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" },
    );
    expect(edited.status).toBe(200);
    await w.host.drain();
    expect(notesOf(so.name)[0]).toMatchObject({ wix_tracking_number: "W-1B", wix_carrier: "fedex" });

    const second = w.wix.fulfil(order.id, { lineItems: [{ id: line, quantity: 1 }] });
    await w.wix.sendFulfillmentsCopies(order.id, 3);
    await w.host.drain();
    notes = notesOf(so.name);
    expect(notes.map((n) => n.wix_fulfillment_id).sort()).toEqual([first.id, second.id].sort());
    expect(actual()).toBe(before - 3);

    // Deleted in the Wix dashboard: its note is cancelled and the stock comes back.
    w.wix.unfulfil(order.id, second.id as string);
    await w.host.drain();
    const cancelled = notesOf(so.name).find((n) => n.wix_fulfillment_id === second.id);
    expect(cancelled?.docstatus).toBe(2);
    expect(actual()).toBe(before - 2);
  });

  /** Changes made in the Wix dashboard whose `fulfillments_updated` never reaches us. */
  async function withoutWebhooks<T>(change: () => T): Promise<T> {
    w.wix.setWebhookTarget(undefined);
    const result = change();
    await w.wix.webhooksSettled();
    w.wix.setWebhookTarget(`${w.host.url}/webhooks/wix`);
    return result;
  }
  const catchup = async () => {
    const res = await w.request("POST", "/jobs/shipment-catchup");
    expect(res.status).toBe(200);
    return (res.body as { enqueued: number }).enqueued;
  };

  test("a fulfillment whose webhook was lost is found by the catch-up: one Delivery Note, a late webhook makes no other", async () => {
    const { order, so } = await syncedOrder(2);
    const before = actual();
    const made = await withoutWebhooks(() =>
      w.wix.fulfil(order.id, { lineItems: [{ id: order.lineItems[0]?.id, quantity: 2 }] }),
    );
    await w.host.drain();
    expect(notesOf(so.name)).toEqual([]); // lost: nothing happened

    expect(await catchup()).toBe(1);
    await w.host.drain();
    const notes = notesOf(so.name);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ docstatus: 1, wix_fulfillment_id: made.id });
    expect(actual()).toBe(before - 2);
    // Delivered in full and not paid (cash on delivery): one invoice, owed in full, to the cent.
    const invoices = () =>
      [...(w.erpnext.docs.get("Sales Invoice")?.values() ?? [])].filter(
        (si) => si.po_no === order.number && si.docstatus === 1,
      );
    expect(invoices()).toHaveLength(1);
    expect(invoices()[0]).toMatchObject({ grand_total: 20, outstanding_amount: 20, status: "Unpaid" });
    // The webhook arrives late, with another catch-up: still one note; in step, nothing is sent.
    const [again] = await Promise.all([catchup(), w.wix.sendFulfillmentsCopies(order.id, 2)]);
    expect(again).toBe(0);
    await w.host.drain();
    expect(notesOf(so.name)).toHaveLength(1);
    expect(invoices()).toHaveLength(1);

    // Deleted in the dashboard, again unannounced: the catch-up cancels its note.
    await withoutWebhooks(() => w.wix.unfulfil(order.id, made.id as string));
    expect(await catchup()).toBe(1);
    await w.host.drain();
    expect(notesOf(so.name)[0]?.docstatus).toBe(2);
    expect(actual()).toBe(before);
    expect(w.host.dlq("shipments")).toEqual([]);
  });
});
