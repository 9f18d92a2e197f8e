import { describe, expect, test } from "@jest/globals";
import type { ErpnextClient } from "#shared/erpnext/client";
import type { WixOrder } from "#shared/flows/wix-orders";
import {
  type AuditContext,
  compareOrder,
  type ErpnextOrderSide,
  type WixOrderSide,
} from "#shared/ops/audit/compare";
import type {
  AuditPeriod,
  ErpnextAuditReader,
  OrderContextReader,
  WixAuditReader,
} from "#shared/ops/audit/ports";
import {
  erpnextAuditReader,
  fulfilledOf,
  type OrderTransactions,
  orderContextReader,
  paymentsOf,
  refundsOf,
  wixAuditReader,
} from "#shared/ops/audit/readers";
import { formatAudit, parsePeriod, previousMonth, runAudit } from "#shared/ops/audit/run";
import { FakeErpnext } from "../flows/fakes";

const CONTEXT: AuditContext = { expect: { submit: true, createOn: "approved", invoiceOn: "payment" } };

/** A paid, shipped, partly refunded order: 2 x MUG at 40.00 + 25.00 shipping... as Wix has it. */
function wixOrder(patch: Partial<WixOrderSide> = {}): WixOrderSide {
  return {
    id: "o-1",
    number: "10001",
    status: "APPROVED",
    paymentStatus: "PARTIALLY_REFUNDED",
    fulfillmentStatus: "FULFILLED",
    currency: "USD",
    total: 10537,
    lines: [
      { id: "l-1", itemCode: "MUG", quantity: 2 },
      { id: "l-2", itemCode: "CUP", quantity: 1 },
    ],
    payments: [{ id: "p-1", amount: 10537 }],
    refunds: [{ id: "r-1", amount: 2000 }],
    fulfilled: { "l-1": 2, "l-2": 1 },
    ...patch,
  };
}

/** The same order, booked in ERPNext to the cent. */
function books(patch: Partial<ErpnextOrderSide> = {}): ErpnextOrderSide {
  return {
    salesOrders: [{ name: "SO-1", grandTotal: 10537, docstatus: 1 }],
    invoices: [{ name: "SI-1", grandTotal: 10537, docstatus: 1 }],
    creditNotes: [{ name: "SI-2", grandTotal: -2000, docstatus: 1 }],
    payments: [
      { name: "PE-1", type: "Receive", amount: 10537, docstatus: 1 },
      { name: "PE-2", type: "Pay", amount: 2000, docstatus: 1 },
    ],
    deliveries: [
      {
        name: "DN-1",
        docstatus: 1,
        isReturn: false,
        items: [
          { itemCode: "MUG", qty: 2 },
          { itemCode: "CUP", qty: 1 },
        ],
      },
    ],
    ...patch,
  };
}

describe("compareOrder", () => {
  test("an order booked to the cent agrees", () => {
    expect(compareOrder(wixOrder(), books(), CONTEXT)).toEqual([]);
  });

  test("missing: no Sales Order for an approved order", () => {
    const found = compareOrder(wixOrder(), books({ salesOrders: [] }), CONTEXT);
    expect(found).toEqual([
      expect.objectContaining({
        kind: "missing",
        document: "Sales Order",
        orderNumber: "10001",
        wix: "105.37",
      }),
    ]);
  });

  test("missing: a paid order without its Sales Invoice", () => {
    const found = compareOrder(wixOrder(), books({ invoices: [] }), CONTEXT);
    expect(found).toEqual([expect.objectContaining({ kind: "missing", document: "Sales Invoice" })]);
  });

  test("amount differs: a Payment Entry changed in ERPNext, both amounts given", () => {
    const erp = books();
    erp.payments[0] = { name: "PE-1", type: "Receive", amount: 10037, docstatus: 1 };
    const found = compareOrder(wixOrder(), erp, CONTEXT);
    expect(found).toEqual([
      expect.objectContaining({
        kind: "amount differs",
        document: "Payment Entry",
        wix: "105.37",
        erpnext: "100.37",
      }),
    ]);
  });

  test("amount differs: a Sales Order off the Wix total by a cent", () => {
    const found = compareOrder(
      wixOrder(),
      books({ salesOrders: [{ name: "SO-1", grandTotal: 10536, docstatus: 1 }] }),
      CONTEXT,
    );
    expect(found).toEqual([
      expect.objectContaining({
        kind: "amount differs",
        document: "Sales Order",
        wix: "105.37",
        erpnext: "105.36",
      }),
    ]);
  });

  test("refund not booked: a Wix refund with no Credit Note nor pay-out", () => {
    const erp = books({ creditNotes: [] });
    erp.payments = erp.payments.filter((p) => p.type === "Receive");
    const found = compareOrder(wixOrder(), erp, CONTEXT);
    expect(found).toEqual([
      expect.objectContaining({ kind: "refund not booked", wix: "20.00", erpnext: "0.00" }),
    ]);
    expect(found[0]?.detail).toContain("r-1");
  });

  test("not fulfilled: a Wix fulfilment without a Delivery Note", () => {
    const found = compareOrder(wixOrder(), books({ deliveries: [] }), CONTEXT);
    expect(found.map((d) => [d.kind, d.wix, d.erpnext])).toEqual([
      ["not fulfilled", "2", "0"],
      ["not fulfilled", "1", "0"],
    ]);
  });

  test("over fulfilled: ERPNext delivered more than Wix fulfilled", () => {
    const found = compareOrder(wixOrder({ fulfilled: { "l-1": 1, "l-2": 1 } }), books(), CONTEXT);
    expect(found).toEqual([
      expect.objectContaining({ kind: "over fulfilled", document: "Delivery Note", wix: "1", erpnext: "2" }),
    ]);
  });

  test("parked: an order parked with its reason explains what is missing", () => {
    const found = compareOrder(wixOrder(), books({ salesOrders: [] }), {
      ...CONTEXT,
      parked: "order is in EUR; the company books in USD",
    });
    expect(found).toEqual([
      expect.objectContaining({
        kind: "parked",
        document: "Sales Order",
        reason: "order is in EUR; the company books in USD",
      }),
    ]);
  });

  test("cancelled documents do not count; a cancelled Sales Order is a missing one", () => {
    const found = compareOrder(
      wixOrder(),
      books({ salesOrders: [{ name: "SO-1", grandTotal: 10537, docstatus: 2 }] }),
      CONTEXT,
    );
    expect(found.map((d) => d.kind)).toEqual(["missing"]);
  });

  test("orders the integration does not book: pending (approved only) and canceled ones with nothing open", () => {
    const none = books({ salesOrders: [], invoices: [], creditNotes: [], payments: [], deliveries: [] });
    expect(compareOrder(wixOrder({ status: "PENDING" }), none, CONTEXT)).toEqual([]);
    expect(compareOrder(wixOrder({ status: "CANCELED" }), none, CONTEXT)).toEqual([]);
    expect(
      compareOrder(wixOrder({ status: "PENDING" }), none, {
        expect: { ...CONTEXT.expect, createOn: "created" },
      }).map((d) => d.kind),
    ).toEqual(["missing"]);
  });

  test("a canceled Wix order whose Sales Order is still open", () => {
    const found = compareOrder(wixOrder({ status: "CANCELED" }), books(), CONTEXT);
    expect(found).toEqual([
      expect.objectContaining({ kind: "amount differs", document: "Sales Order", wix: "0.00" }),
    ]);
  });

  test("a canceled Wix order whose invoiced Sales Order is Closed (credited in full) agrees", () => {
    const closed = books({ salesOrders: [{ name: "SO-1", grandTotal: 10537, docstatus: 1, closed: true }] });
    expect(compareOrder(wixOrder({ status: "CANCELED" }), closed, CONTEXT)).toEqual([]);
  });

  test("a draft Sales Order is not booked when orders are submitted; payments are then not compared", () => {
    const found = compareOrder(
      wixOrder(),
      books({ salesOrders: [{ name: "SO-1", grandTotal: 10537, docstatus: 0 }] }),
      CONTEXT,
    );
    expect(found).toEqual([expect.objectContaining({ kind: "missing", detail: "SO-1 is still a draft" })]);
  });

  test("INVOICE_ON=never: no invoice expected, refunds are pay-outs only", () => {
    const never: AuditContext = { expect: { ...CONTEXT.expect, invoiceOn: "never" } };
    expect(compareOrder(wixOrder(), books({ invoices: [], creditNotes: [] }), never)).toEqual([]);
    const erp = books({ invoices: [], creditNotes: [] });
    erp.payments = erp.payments.filter((p) => p.type === "Receive");
    expect(compareOrder(wixOrder(), erp, never)).toEqual([
      expect.objectContaining({ kind: "refund not booked", document: "Payment Entry" }),
    ]);
  });

  test("a refund credited but not paid out (and the other way round)", () => {
    const erp = books();
    erp.payments = erp.payments.filter((p) => p.type === "Receive");
    expect(compareOrder(wixOrder(), erp, CONTEXT)).toEqual([
      expect.objectContaining({ kind: "refund not booked", document: "Payment Entry" }),
    ]);
    expect(compareOrder(wixOrder(), books({ creditNotes: [] }), CONTEXT)).toEqual([
      expect.objectContaining({ kind: "refund not booked", document: "Credit Note" }),
    ]);
  });

  test("a return Delivery Note does not undo a Wix fulfilment", () => {
    const erp = books();
    erp.deliveries.push({
      name: "DN-2",
      docstatus: 1,
      isReturn: true,
      items: [{ itemCode: "MUG", qty: -1 }],
    });
    expect(compareOrder(wixOrder(), erp, CONTEXT)).toEqual([]);
  });
});

describe("readers", () => {
  test("payments received and completed refunds, from the SDK's OrderTransactions shape", () => {
    const tx: OrderTransactions = {
      payments: [
        { id: "p-1", amount: { amount: "60.00" }, status: "APPROVED" },
        { id: "p-2", amount: { amount: "45.37" }, status: "PARTIALLY_REFUNDED" },
        { id: "p-3", amount: { amount: "9.99" }, status: "DECLINED" },
        { id: "p-4", amount: { amount: "5.00" }, status: "AUTHORIZED" },
      ],
      refunds: [
        {
          id: "r-1",
          transactions: [{ paymentId: "p-2", amount: { amount: "20.00" }, refundStatus: "SUCCEEDED" }],
        },
        {
          id: "r-2",
          transactions: [{ paymentId: "p-1", amount: { amount: "5.00" }, refundStatus: "PENDING" }],
        },
        {
          id: "r-3",
          transactions: [{ paymentId: "p-1", amount: { amount: "7.00" }, refundStatus: "FAILED" }],
        },
      ],
    };
    expect(paymentsOf(tx)).toEqual([
      { id: "p-1", amount: 6000 },
      { id: "p-2", amount: 4537 },
    ]);
    expect(refundsOf(tx)).toEqual([{ id: "r-1", amount: 2000 }]);
  });

  test("fulfilled quantities add up over fulfilments, per order line", () => {
    expect(
      fulfilledOf([
        { id: "f-1", lineItems: [{ id: "l-1", quantity: 1 }] },
        {
          id: "f-2",
          lineItems: [
            { id: "l-1", quantity: 1 },
            { id: "l-2", quantity: 3 },
          ],
        },
      ]),
    ).toEqual({ "l-1": 2, "l-2": 3 });
  });

  const order = (id: string, updatedDate: string, paymentStatus = "PAID"): WixOrder =>
    ({
      id,
      number: id.replace("o-", "100"),
      createdDate: updatedDate,
      updatedDate,
      status: "APPROVED",
      paymentStatus,
      currency: "USD",
      priceSummary: { total: { amount: "10.00" } },
      lineItems: [
        {
          id: `${id}-l`,
          quantity: 1,
          price: { amount: "10.00" },
          catalogReference: { catalogItemId: "prod-1" },
        },
      ],
    }) as WixOrder;

  test("Wix reader: orders updated in the period only, pages stop after it; an order paid in Wix is paid its total without transactions", async () => {
    const all = [
      order("o-1", "2026-11-01T00:00:00.000Z"),
      order("o-2", "2026-11-15T10:00:00.000Z", "NOT_PAID"),
      order("o-3", "2026-11-30T23:59:59.999Z"),
      order("o-4", "2026-12-01T00:00:00.000Z"),
      order("o-5", "2026-12-02T00:00:00.000Z"),
    ];
    const searches: (string | undefined)[] = [];
    const reader = wixAuditReader(
      {
        async searchOrders(since, cursor) {
          searches.push(cursor);
          const start = cursor ? Number(cursor) : all.findIndex((o) => o.updatedDate >= since);
          const page = all.slice(start, start + 2);
          return { orders: page, next: start + 2 < all.length ? String(start + 2) : undefined };
        },
      },
      async (productId) => (productId === "prod-1" ? "MUG" : undefined),
    );
    const seen: WixOrderSide[] = [];
    for await (const page of reader.orders({ from: "2026-11-01", to: "2026-11-30" })) seen.push(...page);
    expect(seen.map((o) => o.id)).toEqual(["o-1", "o-2", "o-3"]);
    expect(searches).toEqual([undefined, "2"]); // the page holding o-4 was the last one read
    expect(seen[0]).toEqual(
      expect.objectContaining({
        total: 1000,
        payments: [{ id: "order 1001", amount: 1000 }],
        lines: [{ id: "o-1-l", quantity: 1, itemCode: "MUG" }],
      }),
    );
    expect(seen[0]?.refunds).toBeUndefined();
    expect(seen[0]?.fulfilled).toBeUndefined();
    expect(seen[1]?.payments).toEqual([]);
  });

  test("order context: the DLQ reason first, else a parked order record; the record's Sales Order", async () => {
    let dlqReads = 0;
    const reader = orderContextReader({
      orders: async () =>
        new Map([
          [
            "o-1",
            {
              orderId: "o-1",
              orderNumber: "1",
              state: "created",
              salesOrder: "SO-1",
              claimedAt: "",
              updatedAt: "",
            },
          ],
          ["o-2", { orderId: "o-2", orderNumber: "2", state: "parked", claimedAt: "", updatedAt: "" }],
        ]),
      parked: async () => {
        dlqReads++;
        return [
          { body: { kind: "order", orderId: "o-3" }, reason: "order is in EUR" },
          { body: { kind: "products", itemCodes: ["X"] }, reason: "unrelated" },
        ];
      },
    });
    const ctx = await reader.of(["o-1", "o-2", "o-3"]);
    await reader.of(["o-1"]);
    expect(dlqReads).toBe(1);
    expect(Object.fromEntries(ctx)).toEqual({
      "o-1": { salesOrder: "SO-1" },
      "o-2": { parked: "parked (order record)" },
      "o-3": { parked: "order is in EUR" },
    });
  });

  test("order context: a parked order's own reason shows when the DLQ has no message for it", async () => {
    const reason = "order 7 is in EUR but company Sandbox Co books in USD: not converted";
    const reader = orderContextReader({
      orders: async () =>
        new Map([
          [
            "o-7",
            {
              orderId: "o-7",
              orderNumber: "7",
              state: "parked",
              parkedReason: reason,
              claimedAt: "",
              updatedAt: "",
            },
          ],
        ]),
      // Redriven, held by another reader or lost with a killed process: not in the DLQ now.
      parked: async () => [],
    });
    expect(Object.fromEntries(await reader.of(["o-7"]))).toEqual({ "o-7": { parked: reason } });
  });
});

describe("runAudit", () => {
  const period: AuditPeriod = { from: "2026-11-01", to: "2026-11-30" };
  const orders = [
    wixOrder(),
    wixOrder({ id: "o-2", number: "10002" }),
    wixOrder({ id: "o-3", number: "10003" }),
  ];
  const wix: WixAuditReader = {
    async *orders() {
      yield orders.slice(0, 2);
      yield orders.slice(2);
    },
  };
  const erpnext: ErpnextAuditReader = {
    async sides(page) {
      return new Map(page.map((o) => [o.id, o.id === "o-2" ? books({ invoices: [] }) : books()]));
    },
  };
  const context: OrderContextReader = { of: async (ids) => new Map(ids.map((id) => [id, {}])) };

  test("summary by cause, each difference, progress per page", async () => {
    const ticks: number[] = [];
    let summary = "";
    const result = await runAudit({ wix, erpnext, context, expect: CONTEXT.expect }, period, {
      progress: { tick: (n = 1) => ticks.push(n), done: (s) => (summary = s ?? "") },
      now: () => new Date("2026-12-01T04:00:00.000Z"),
    });
    expect(result).toEqual(
      expect.objectContaining({
        checked: 3,
        agreeing: 2,
        differing: 1,
        ranAt: "2026-12-01T04:00:00.000Z",
        leftOut: 0,
      }),
    );
    expect(result.byKind).toEqual({
      parked: 0,
      missing: 1,
      "amount differs": 0,
      "not fulfilled": 0,
      "over fulfilled": 0,
      "refund not booked": 0,
    });
    expect(ticks).toEqual([2, 1]);
    expect(summary).toBe("1 of 3 orders differ");
    const text = formatAudit(result);
    expect(text).toContain("3 orders checked, 2 agree, 1 differ");
    expect(text).toContain("#10002 missing");
  });

  test("differences beyond the cap are counted, not kept", async () => {
    const result = await runAudit(
      {
        wix,
        erpnext: { sides: async (page) => new Map(page.map((o) => [o.id, books({ salesOrders: [] })])) },
        context,
        expect: CONTEXT.expect,
      },
      period,
      { maxDifferences: 2 },
    );
    expect(result.differing).toBe(3);
    expect(result.differences).toHaveLength(2);
    expect(result.leftOut).toBe(1);
  });
});

describe("period", () => {
  test("parses days and refuses what is not one", () => {
    expect(parsePeriod("2026-11-01", "2026-11-30")).toEqual({
      period: { from: "2026-11-01", to: "2026-11-30" },
      problems: [],
    });
    expect(parsePeriod("2026-11-31", "2026-11-30").problems).toEqual([
      'from: expected a day as YYYY-MM-DD, got "2026-11-31"',
    ]);
    expect(parsePeriod(undefined, "30/11/2026").problems).toHaveLength(2);
    expect(parsePeriod("2026-12-01", "2026-11-30").problems).toEqual([
      "from 2026-12-01 is after to 2026-11-30",
    ]);
  });

  test("the monthly job audits the calendar month before (UTC), across a year", () => {
    expect(previousMonth(new Date("2026-12-01T04:00:00Z"))).toEqual({ from: "2026-11-01", to: "2026-11-30" });
    expect(previousMonth(new Date("2027-01-01T04:00:00Z"))).toEqual({ from: "2026-12-01", to: "2026-12-31" });
    expect(previousMonth(new Date("2028-03-01T00:00:00Z"))).toEqual({ from: "2028-02-01", to: "2028-02-29" });
  });
});

describe("readers with the billing flow's transactions", () => {
  test("payments and refunds come from WixClient.orderTransactions when the client has it", async () => {
    const order = {
      id: "o-9",
      number: "10009",
      createdDate: "2026-11-02T00:00:00.000Z",
      updatedDate: "2026-11-02T00:00:00.000Z",
      status: "APPROVED",
      paymentStatus: "PARTIALLY_REFUNDED",
      currency: "USD",
      priceSummary: { total: { amount: "50.00" } },
      lineItems: [{ id: "l-9", quantity: 1, price: { amount: "50.00" }, physicalProperties: { sku: "MUG" } }],
    } as WixOrder;
    const reader = wixAuditReader({
      searchOrders: async () => ({ orders: [order] }),
      orderTransactions: async (ids) =>
        new Map(
          ids.map((id) => [
            id,
            {
              payments: [
                { id: "p-a", amount: { amount: "20.00" }, status: "APPROVED" },
                { id: "p-b", amount: { amount: "30.00" }, status: "PARTIALLY_REFUNDED" },
              ],
              refunds: [
                { id: "r-a", transactions: [{ amount: { amount: "5.00" }, refundStatus: "SUCCEEDED" }] },
              ],
            },
          ]),
        ),
      orderFulfillments: async (ids) => new Map(ids.map((id) => [id, []])),
    });
    const seen: WixOrderSide[] = [];
    for await (const page of reader.orders({ from: "2026-11-01", to: "2026-11-30" })) seen.push(...page);
    expect(seen[0]).toEqual(
      expect.objectContaining({
        payments: [
          { id: "p-a", amount: 2000 },
          { id: "p-b", amount: 3000 },
        ],
        refunds: [{ id: "r-a", amount: 500 }],
        fulfilled: {},
      }),
    );
  });
});

describe("the ERPNext side of an order on a Wix site other than the default", () => {
  test("its documents are those of its site-prefixed reference, not the default site's order of the same number", async () => {
    // prepare: #10001 on the default site and on "eu", one buyer, each invoiced and paid
    const erpnext = new FakeErpnext();
    for (const [n, reference] of [
      [1, "10001"],
      [2, "eu-10001"],
    ] as const) {
      erpnext.seed("Sales Order", {
        name: `SO-${n}`,
        po_no: reference,
        customer: "Ada",
        grand_total: 25,
        docstatus: 1,
      });
      erpnext.seed("Sales Invoice", {
        name: `SINV-${n}`,
        po_no: reference,
        grand_total: 25,
        docstatus: 1,
        is_return: 0,
      });
      erpnext.seed("Payment Entry", {
        name: `PE-${n}`,
        reference_no: reference,
        payment_type: "Receive",
        paid_amount: 25,
        docstatus: 1,
      });
    }
    const reader = erpnextAuditReader(erpnext as unknown as ErpnextClient, { invoices: true, site: "eu" });
    // act
    const sides = await reader.sides(
      [wixOrder({ id: "o-eu", number: "10001", fulfilled: undefined })],
      new Map(),
    );
    // assess
    const side = sides.get("o-eu");
    expect(side?.salesOrders.map((so) => so.name)).toEqual(["SO-2"]);
    expect(side?.invoices.map((si) => si.name)).toEqual(["SINV-2"]);
    expect(side?.payments.map((pe) => pe.name)).toEqual(["PE-2"]);
  });
});
