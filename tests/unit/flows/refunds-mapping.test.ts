import { PermanentError } from "#shared/errors";
import {
  type MappedReturn,
  planRefund,
  refundStatus,
  restockFromOrder,
  restockLines,
  type SalesOrderRow,
  toCreditNote,
  type WixRefund,
} from "#shared/flows/refunds/mapping";
import type { WixOrder } from "#shared/flows/wix-orders";

const L1 = "11111111-1111-4111-8111-111111111111";
const L2 = "22222222-2222-4222-8222-222222222222";
const FEE = "33333333-3333-4333-8333-333333333333";

/** Two lines (2 x 10.00, 1 x 30.00), 5.00 shipping, a 2.00 fee, 4.00 discount, 8% tax = 3.68. */
const order = {
  id: "o1",
  number: "10001",
  createdDate: "2026-11-02T10:00:00Z",
  updatedDate: "2026-11-02T10:00:00Z",
  status: "APPROVED",
  currency: "USD",
  priceSummary: {
    subtotal: { amount: "50.00" },
    shipping: { amount: "5.00" },
    discount: { amount: "4.00" },
    tax: { amount: "3.68" },
    totalAdditionalFees: { amount: "2.00" },
    total: { amount: "56.68" },
  },
  additionalFees: [{ id: FEE, name: "Handling", price: { amount: "2.00" } }],
  lineItems: [
    { id: L1, quantity: 2, price: { amount: "10.00" } },
    { id: L2, quantity: 1, price: { amount: "30.00" } },
  ],
} as WixOrder;

const soItems: SalesOrderRow[] = [
  { name: "SOI-1", idx: 1, item_code: "A", qty: 2, rate: 10 },
  { name: "SOI-2", idx: 2, item_code: "B", qty: 1, rate: 30 },
];

/** What make_sales_return maps from the invoice: every row and charge negated. */
const mapped = (): MappedReturn => ({
  is_return: 1,
  return_against: "SINV-1",
  discount_amount: -4,
  items: [
    { item_code: "A", qty: -2, rate: 10, so_detail: "SOI-1" },
    { item_code: "B", qty: -1, rate: 30, so_detail: "SOI-2" },
  ],
  taxes: [
    { charge_type: "Actual", description: "Shipping", tax_amount: -5 },
    { charge_type: "Actual", description: "Fee: Handling", tax_amount: -2 },
    { charge_type: "Actual", description: "State (6%)", tax_amount: -2.76 },
    { charge_type: "Actual", description: "City (2%)", tax_amount: -0.92 },
  ],
});

const refund = (over: Partial<WixRefund["details"]>, amount: string, status = "SUCCEEDED"): WixRefund => ({
  id: "r1",
  transactions: [{ paymentId: "p1", amount: { amount }, refundStatus: status as "SUCCEEDED" }],
  details: over,
});

/** Grand total as ERPNext computes it: rows less discount plus charges, in cents. */
const total = (doc: MappedReturn) =>
  Math.round(
    doc.items.reduce((n, r) => n + r.qty * r.rate * 100, 0) -
      (doc.discount_amount ?? 0) * 100 +
      (doc.taxes ?? []).reduce((n, t) => n + t.tax_amount * 100, 0),
  );

describe("refund -> credit note", () => {
  test("a full refund returns every line, shipping, fee, discount and tax to the cent", () => {
    const plan = planRefund(
      refund(
        {
          lineItems: [
            { lineItemId: L1, quantity: 2 },
            { lineItemId: L2, quantity: 1 },
          ],
          shipping: { amount: { amount: "5.00" } },
          additionalFees: [{ additionalFeeId: FEE, amount: { amount: "2.00" } }],
        },
        "56.68",
      ),
      order,
    );
    const { doc } = toCreditNote(plan, order, soItems, mapped());
    expect(total(doc)).toBe(-5668);
    expect(doc.discount_amount).toBe(-4);
    expect(doc.taxes).toEqual(mapped().taxes);
    expect(doc.items.map((r) => r.qty)).toEqual([-2, -1]);
  });

  test("a partial refund keeps only the refunded line and quantity, with its discount and tax share", () => {
    // One of line A: 10.00 less its discount share (4.00 x 10/50 = 0.80) plus 8% tax = 0.74,
    // spread over the tax rows by their amounts (0.74 x 2.76/3.68 = 0.555 -> 0.56, the rest 0.18).
    const plan = planRefund(refund({ lineItems: [{ lineItemId: L1, quantity: 1 }] }, "9.94"), order);
    const { doc } = toCreditNote(plan, order, soItems, mapped());
    expect(doc.items).toEqual([{ item_code: "A", qty: -1, rate: 10, so_detail: "SOI-1" }]);
    expect(doc.discount_amount).toBe(-0.8);
    expect(doc.taxes?.map((t) => [t.description, t.tax_amount])).toEqual([
      ["State (6%)", -0.56],
      ["City (2%)", -0.18],
    ]);
    expect(total(doc)).toBe(-994);
  });

  test("shipping only: refused, a Credit Note needs a returned item", () => {
    const plan = planRefund(refund({ shipping: { amount: { amount: "2.50" } } }, "2.50"), order);
    expect(() => toCreditNote(plan, order, soItems, mapped())).toThrow(/shipping or fees only/);
  });

  test("a line with shipping and its fee: rows set to what was refunded", () => {
    // Line B: 30.00 less its discount share 2.40, plus 2.50 shipping, the 2.00 fee and tax 2.21.
    const plan = planRefund(
      refund(
        {
          lineItems: [{ lineItemId: L2, quantity: 1 }],
          shipping: { amount: { amount: "2.50" } },
          additionalFees: [{ additionalFeeId: FEE, amount: { amount: "2.00" } }],
        },
        "34.31",
      ),
      order,
    );
    const { doc } = toCreditNote(plan, order, soItems, mapped());
    expect(doc.taxes?.slice(0, 2)).toEqual([
      { charge_type: "Actual", description: "Shipping", tax_amount: -2.5 },
      { charge_type: "Actual", description: "Fee: Handling", tax_amount: -2 },
    ]);
    expect(doc.discount_amount).toBe(-2.4);
    expect(total(doc)).toBe(-3431);
  });

  test("legacy details: `items` and `shippingIncluded` are read", () => {
    const plan = planRefund(
      refund({ items: [{ lineItemId: L2, quantity: 1 }], shippingIncluded: true }, "37.00"),
      order,
    );
    expect(plan).toMatchObject({ lines: [{ lineItemId: L2, quantity: 1 }], shippingCents: 500 });
  });

  test("a refund whose amount does not add up is refused with the reason", () => {
    const plan = planRefund(refund({ lineItems: [{ lineItemId: L1, quantity: 1 }] }, "5.00"), order);
    expect(() => toCreditNote(plan, order, soItems, mapped())).toThrow(/does not add up/);
    const tooMuch = planRefund(refund({ lineItems: [{ lineItemId: L1, quantity: 1 }] }, "20.00"), order);
    expect(() => toCreditNote(tooMuch, order, soItems, mapped())).toThrow(PermanentError);
  });

  test("an amount-only refund and an unknown line are refused", () => {
    expect(() => toCreditNote(planRefund(refund({}, "3.00"), order), order, soItems, mapped())).toThrow(
      /amount-only/,
    );
    const unknown = planRefund(refund({ lineItems: [{ lineItemId: "nope", quantity: 1 }] }, "1.00"), order);
    expect(() => toCreditNote(unknown, order, soItems, mapped())).toThrow(/not on order/);
  });

  test("only SUCCEEDED money is booked, and not while a transaction is in flight", () => {
    expect(refundStatus(refund({}, "1.00", "PENDING"))).toBe("pending");
    expect(refundStatus(refund({}, "1.00", "FAILED"))).toBe("failed");
    expect(refundStatus({ ...refund({}, "1.00"), summary: { pending: true } })).toBe("pending");
    const mixed: WixRefund = {
      id: "r2",
      transactions: [
        { amount: { amount: "4.00" }, refundStatus: "SUCCEEDED" },
        { amount: { amount: "6.00" }, refundStatus: "FAILED" },
      ],
    };
    expect(refundStatus(mixed)).toBe("succeeded");
    expect(planRefund(mixed, order).amountCents).toBe(400);
  });
});

describe("restock", () => {
  const plan = planRefund(
    refund(
      {
        lineItems: [
          { lineItemId: L1, quantity: 2 },
          { lineItemId: L2, quantity: 1 },
        ],
      },
      "0",
    ),
    order,
  );
  test("from the event: ALL_ITEMS, SOME_ITEMS capped by the refund, NO_ITEMS", () => {
    expect(restockLines({ type: "ALL_ITEMS" }, plan)).toEqual(plan.lines);
    expect(restockLines({ type: "SOME_ITEMS", items: [{ lineItemId: L1, quantity: 5 }] }, plan)).toEqual([
      { lineItemId: L1, quantity: 2 },
    ]);
    expect(restockLines({ type: "NO_ITEMS" }, plan)).toEqual([]);
    expect(restockLines(undefined, plan)).toEqual([]);
  });
  test("from the order (the poll): restockQuantity less what is already back", () => {
    const restocked = {
      ...order,
      lineItems: order.lineItems.map((l, i) => ({ ...l, restockQuantity: i === 0 ? 2 : 0 })),
    };
    expect(restockFromOrder(restocked, plan, new Map())).toEqual([{ lineItemId: L1, quantity: 2 }]);
    expect(restockFromOrder(restocked, plan, new Map([[L1, 1]]))).toEqual([{ lineItemId: L1, quantity: 1 }]);
  });
});
