import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { MAKE_DELIVERY_NOTE } from "#shared/flows/shipments/pull";
import { type Doc, FULL_ORDER, helpers, startBillingHarness } from "./billing-helpers";
import type { Harness } from "./harness";

/**
 * INVOICE_ON=fulfilment: a cash-on-delivery order (approved, not paid) is invoiced once it is
 * fully delivered by Delivery Notes made in the desk; the receivable is the Wix total. (Wix
 * fulfillments making the notes, FULFILMENT_SOURCE=wix: tests/integration/shipments-wix.test.ts.)
 */
describe("INVOICE_ON=fulfilment, FULFILMENT_SOURCE=erpnext", () => {
  let h: Harness;
  const t = helpers(() => h);
  beforeAll(async () => {
    h = await startBillingHarness({ INVOICE_ON: "fulfilment", RETRY_BASE_SECONDS: "0" });
  });
  afterAll(async () => {
    await h.host.stop();
  });

  /** A Delivery Note of these items as a user makes it in the desk (the mapper, submitted: webhook). */
  async function ship(so: Doc, items: string[]) {
    const draft = h.erpnext.method(MAKE_DELIVERY_NOTE)?.({ source_name: so.name }, h.erpnext) as {
      items: { item_code: string }[];
    } & Record<string, unknown>;
    h.erpnext.insert("Delivery Note", {
      ...draft,
      items: draft.items.filter((i) => items.includes(i.item_code)),
      docstatus: 1,
    });
    await h.host.drain();
  }

  test("an unpaid order is invoiced once, when its last line is delivered, for the Wix total to the cent", async () => {
    const order = await t.placeAndApprove({ ...FULL_ORDER, buyer: { email: "cod@example.com" } });
    expect(h.wix.orders.get(order.id)?.paymentStatus).toBe("NOT_PAID");
    const so = t.salesOrderOf(order) as Doc;
    await ship(so, ["INV-A"]);
    expect(h.erpnext.get("Sales Order", so.name)).toMatchObject({ delivery_status: "Partly Delivered" });
    expect(t.invoicesOf(order)).toEqual([]); // partly delivered: not yet
    await ship(so, ["INV-B"]);
    const total = Number(h.wix.orders.get(order.id)?.priceSummary.total.amount);
    const [si, ...more] = t.invoicesOf(order);
    expect(more).toEqual([]);
    expect(si).toMatchObject({ docstatus: 1, status: "Unpaid" });
    expect(Math.round(Number(si?.grand_total) * 100)).toBe(Math.round(total * 100));
    expect(Math.round(Number(si?.outstanding_amount) * 100)).toBe(Math.round(total * 100));
    expect(t.paymentsOf(order)).toEqual([]);
    expect([...t.dlq(), ...h.host.dlq("shipments")]).toEqual([]);
  });
});
