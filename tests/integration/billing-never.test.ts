import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { card, type Doc, helpers } from "./billing-helpers";
import { createItem, type Harness, startHarness } from "./harness";

/** Its own file: a Lambda container (the webhook functions) keeps one queue client, as in AWS. */
describe("INVOICE_ON=never", () => {
  let h: Harness;
  const t = helpers(() => h);
  beforeAll(async () => {
    h = await startHarness({ INVOICE_ON: "never" });
    createItem(h.erpnext, "INV-A", 12.99);
    h.erpnext.moveBin("INV-A", "Stores - SC", { actual: 50 });
    await h.host.drain();
  });
  afterAll(async () => {
    await h.host.stop();
  });

  test("no invoice: each payment is allocated to the Sales Order, never above what is outstanding", async () => {
    const order = await t.placeAndApprove({
      lines: [{ sku: "INV-A", quantity: 2, price: "10.00" }],
      buyer: { email: "never@example.com" },
    });
    const so = t.salesOrderOf(order) as Doc;
    // The merchant took 5.00 at the counter and booked it by hand.
    h.erpnext.insert("Payment Entry", {
      payment_type: "Receive",
      party_type: "Customer",
      party: so.customer,
      paid_amount: 5,
      received_amount: 5,
      paid_to: "Cash - SC",
      references: [{ reference_doctype: "Sales Order", reference_name: so.name, allocated_amount: 5 }],
      docstatus: 1,
    });
    await t.pay(order, card("8.00"));
    await t.pay(order, card("12.00"));
    expect(t.invoicesOf(order)).toEqual([]);
    expect(t.paymentsOf(order).map((pe) => [pe.paid_amount, t.refsOf(pe)])).toEqual([
      [8, [["Sales Order", so.name, 8]]],
      [7, [["Sales Order", so.name, 7]]],
    ]);
    expect(h.erpnext.get("Sales Order", so.name)).toMatchObject({ advance_paid: 20 });
    expect(t.dlq()).toEqual([]);
  });
});
