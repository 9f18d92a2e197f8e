import { beforeEach, describe, expect, test } from "@jest/globals";
import { PermanentError, RetryableError } from "#shared/errors";
import { paymentAccountFor } from "#shared/flows/billing/accounts";
import { INVOICE_RETURN } from "#shared/flows/refunds/credit-note";
import type { WixRefund } from "#shared/flows/refunds/mapping";
import type { RefundRecord, RefundsInvoices, RefundsState, RestockRecord } from "#shared/flows/refunds/ports";
import { DELIVERY_RETURN } from "#shared/flows/refunds/restock";
import { RefundSync } from "#shared/flows/refunds/sync";
import type { WixOrder } from "#shared/flows/wix-orders";
import { FakeErpnext, FakeLog, FakeOrderWix } from "./fakes";

const L1 = "line-1";
const L2 = "line-2";

/** ERPNext with the two return mappers and the outstanding amounts a Credit Note and its payment move. */
class ReturnsErpnext extends FakeErpnext {
  override async call<T>(method: string, args?: Record<string, unknown>): Promise<T> {
    this.calls.push(`call ${method}`);
    const source = String(args?.source_name);
    const doctype =
      method === INVOICE_RETURN ? "Sales Invoice" : method === DELIVERY_RETURN ? "Delivery Note" : "";
    const doc = this.table(doctype).get(source);
    if (doc?.docstatus !== 1) throw new PermanentError(`${doctype} ${source} is not submitted`);
    const items = (doc.items as { qty: number }[]).map((r) => ({ ...r, qty: -r.qty }));
    const taxes = ((doc.taxes ?? []) as { tax_amount: number }[]).map((t) => ({
      ...t,
      tax_amount: -t.tax_amount,
    }));
    return {
      customer: doc.customer,
      is_return: 1,
      return_against: source,
      items,
      taxes,
      ...(doc.discount_amount ? { discount_amount: -Number(doc.discount_amount) } : {}),
      debit_to: doc.debit_to,
    } as T;
  }

  override async insert<T>(doctype: string, doc: Record<string, unknown>): Promise<T> {
    const made = (await super.insert<Record<string, unknown>>(doctype, doc)) as Record<string, unknown> & {
      name: string;
    };
    const stored = this.table(doctype).get(made.name) as Record<string, unknown>;
    if (doctype === "Sales Invoice") {
      const items = stored.items as { qty: number; rate: number }[];
      const taxes = (stored.taxes ?? []) as { tax_amount: number }[];
      const c =
        items.reduce((n, r) => n + Math.round(r.rate * 100) * r.qty, 0) -
        Math.round(Number(stored.discount_amount ?? 0) * 100) +
        taxes.reduce((n, t) => n + Math.round(t.tax_amount * 100), 0);
      stored.grand_total = c / 100;
      stored.outstanding_amount = c / 100;
      stored.debit_to = "Debtors - SL";
    }
    if (doctype === "Payment Entry")
      for (const ref of (stored.references ?? []) as { reference_name: string; allocated_amount: number }[]) {
        const si = this.table("Sales Invoice").get(ref.reference_name) as Record<string, unknown>;
        si.outstanding_amount =
          Math.round((Number(si.outstanding_amount) - ref.allocated_amount) * 100) / 100;
      }
    if (doctype === "Delivery Note" && stored.is_return) {
      const so = this.table("Sales Order").get("SO-1") as unknown as {
        items: { name: string; returned_qty?: number }[];
      };
      for (const r of stored.items as { so_detail: string; qty: number }[]) {
        const row = so.items.find((x) => x.name === r.so_detail);
        if (row) row.returned_qty = (row.returned_qty ?? 0) - r.qty;
      }
    }
    return structuredClone(stored) as T;
  }
}

class RefundState implements RefundsState {
  readonly records = new Map<string, RefundRecord>();
  readonly restocks = new Map<string, RestockRecord>();
  readonly claims = new Map<string, number>();
  readonly successes: string[] = [];
  order: { salesOrder?: string; customer?: string } | undefined = { salesOrder: "SO-1", customer: "Ada" };

  async getOrder() {
    return this.order;
  }
  async updateOrder(_orderId: string, patch: { salesOrder: string }) {
    this.order = { ...this.order, ...patch };
  }
  refunds = {
    getMany: async (ids: string[]) =>
      new Map(
        ids.flatMap((id) =>
          this.records.has(id) ? [[id, { ...(this.records.get(id) as RefundRecord) }]] : [],
        ),
      ),
    start: async (refundId: string, orderId: string) => {
      if (this.records.has(refundId)) return false;
      this.records.set(refundId, { refundId, orderId, state: "booking", updatedAt: "" });
      return true;
    },
    update: async (refundId: string, patch: Partial<RefundRecord>) => {
      const r = this.records.get(refundId) as RefundRecord;
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      this.records.set(refundId, { ...r, ...defined });
    },
    getRestock: async (orderId: string) => this.restocks.get(orderId),
    putRestock: async (r: Omit<RestockRecord, "updatedAt">) => {
      this.restocks.set(r.orderId, { ...r, updatedAt: "" });
    },
  };
  async claim(key: string, leaseSeconds: number) {
    if (Number(this.claims.get(key) ?? 0) >= Date.now()) return false;
    this.claims.set(key, Date.now() + leaseSeconds * 1000);
    return true;
  }
  async release(key: string) {
    this.claims.delete(key);
  }
  async markSuccess(flow: string) {
    this.successes.push(flow);
  }
}

let erpnext: ReturnsErpnext;
let wix: FakeOrderWix;
let state: RefundState;
let log: FakeLog;
let invoiceOn: "payment" | "never";

const invoices: RefundsInvoices = {
  invoiceFor: async (_orderId, { make } = { make: true }) => {
    if (invoiceOn === "never") return undefined;
    const made = erpnext.table("Sales Invoice").has("SINV-1");
    if (!made && !make) return undefined;
    if (!made)
      erpnext.seed("Sales Invoice", {
        name: "SINV-1",
        docstatus: 1,
        customer: "Ada",
        debit_to: "Debtors - SL",
        grand_total: 45.36,
        outstanding_amount: 0,
        items: [
          { item_code: "MUG", qty: 2, rate: 12.5, so_detail: "SOI-1" },
          { item_code: "CAP", qty: 1, rate: 15, so_detail: "SOI-2" },
        ],
        taxes: [
          { charge_type: "Actual", description: "Shipping", tax_amount: 4 },
          { charge_type: "Actual", description: "VAT", tax_amount: 3.36 },
        ],
      });
    return { name: "SINV-1" };
  },
};

let resent: string[];
const sync = (paymentAccounts: Record<string, string> = {}) =>
  new RefundSync({
    erpnext,
    wix,
    invoices,
    state,
    log,
    onCanceledRefunded: async (orderId) => {
      resent.push(orderId);
    },
    settings: {
      company: "Shop Ltd",
      paymentAccount: "Bank - SL",
      returnWarehouse: "Returns - SL",
      paymentAccountFor: (payment) => paymentAccountFor(payment, { paymentAccounts }),
    },
  });

/** 2 x 12.50 + 1 x 15.00, 4.00 shipping, 8.4% VAT = 3.36: 47.36. */
function setUp() {
  wix.order = {
    id: "order-1",
    number: "10001",
    createdDate: "2026-11-02T10:00:00.000Z",
    updatedDate: "2026-11-02T10:00:00.000Z",
    status: "APPROVED",
    currency: "EUR",
    priceSummary: { shipping: { amount: "4.00" }, total: { amount: "47.36" } },
    lineItems: [
      { id: L1, quantity: 2, price: { amount: "12.50" } },
      { id: L2, quantity: 1, price: { amount: "15.00" } },
    ],
  };
  erpnext.seed("Sales Order", {
    name: "SO-1",
    customer: "Ada",
    docstatus: 1,
    items: [
      { name: "SOI-1", idx: 1, item_code: "MUG", qty: 2, rate: 12.5 },
      { name: "SOI-2", idx: 2, item_code: "CAP", qty: 1, rate: 15 },
    ],
  });
}

const refund = (
  id: string,
  lines: { lineItemId: string; quantity: number }[],
  amount: string,
  status = "SUCCEEDED",
): WixRefund => ({
  id,
  createdDate: `2026-11-03T10:00:0${id.length % 10}.000Z`,
  transactions: [{ paymentId: "pay-1", amount: { amount }, refundStatus: status as "SUCCEEDED" }],
  details: { lineItems: lines },
});

beforeEach(() => {
  erpnext = new ReturnsErpnext();
  wix = new FakeOrderWix();
  state = new RefundState();
  log = new FakeLog();
  invoiceOn = "payment";
  resent = [];
  setUp();
});

const notes = () => erpnext.all("Sales Invoice").filter((d) => d.is_return);
const payments = () => erpnext.all("Payment Entry");

describe("refunds", () => {
  test("a partial refund is one Credit Note and one payment out, to the cent", async () => {
    // One mug: 12.50 plus its VAT share (3.36 x 12.50/40 = 1.05).
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55")];
    const result = await sync().sync("order-1");
    expect(result.outcome).toBe("created");
    const [note] = notes();
    expect(note).toMatchObject({
      grand_total: -13.55,
      return_against: "SINV-1",
      wix_refund_id: "r1",
      docstatus: 1,
    });
    expect(note?.items).toEqual([expect.objectContaining({ item_code: "MUG", qty: -1 })]);
    const [pe] = payments();
    expect(pe).toMatchObject({
      payment_type: "Pay",
      paid_amount: 13.55,
      paid_from: "Bank - SL",
      paid_to: "Debtors - SL",
      wix_transaction_id: "r1",
      references: [
        { reference_doctype: "Sales Invoice", reference_name: note?.name, allocated_amount: -13.55 },
      ],
    });
    expect(state.records.get("r1")).toMatchObject({
      state: "booked",
      creditNote: note?.name,
      paymentEntry: pe?.name,
    });
  });

  test("an amended Sales Order: credited against the amendment's rows, the order record moved on", async () => {
    // Cancelled and amended at the desk: the amendment's rows are new rows, and the invoice's.
    const original = erpnext.table("Sales Order").get("SO-1") as Record<string, unknown>;
    erpnext.seed("Sales Order", { ...structuredClone(original), name: "SO-1-1", amended_from: "SO-1" });
    original.docstatus = 2;
    original.items = (original.items as { name: string }[]).map((r) => ({ ...r, name: `old-${r.name}` }));
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55")];
    expect((await sync().sync("order-1")).outcome).toBe("created");
    expect(notes()).toEqual([
      expect.objectContaining({ items: [expect.objectContaining({ so_detail: "SOI-1", qty: -1 })] }),
    ]);
    expect(state.order?.salesOrder).toBe("SO-1-1");
  });

  test("a refund leaves from the account its payment came into (ERPNEXT_PAYMENT_ACCOUNTS)", async () => {
    wix.payments = [
      { id: "pay-1", regularPaymentDetails: { paymentMethodName: { siteLanguageName: "PayPal" } } },
    ];
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55")];
    await sync({ paypal: "PayPal - SL" }).sync("order-1");
    expect(payments()).toEqual([expect.objectContaining({ payment_type: "Pay", paid_from: "PayPal - SL" })]);
    // A method with no account of its own: the default one.
    wix.refunds = [refund("r2", [{ lineItemId: L2, quantity: 1 }], "16.26")];
    await sync({ card: "Cards - SL" }).sync("order-1");
    expect(payments().map((p) => p.paid_from)).toEqual(["PayPal - SL", "Bank - SL"]);
  });

  test("a canceled order is not invoiced for its refund: paid out unallocated, its cancel told", async () => {
    wix.order = { ...wix.order, status: "CANCELED", paymentStatus: "FULLY_REFUNDED" };
    const all = [
      { lineItemId: L1, quantity: 2 },
      { lineItemId: L2, quantity: 1 },
    ];
    wix.refunds = [refund("r1", all, "47.36")];
    const result = await sync().sync("order-1");
    expect(result).toMatchObject({ outcome: "created", booked: [expect.any(String)] });
    expect(erpnext.all("Sales Invoice")).toEqual([]);
    expect(payments()).toEqual([
      expect.objectContaining({ payment_type: "Pay", paid_amount: 47.36, party: "Ada", references: [] }),
    ]);
    expect(resent).toEqual(["order-1"]);
    // Copies book nothing more and tell nobody.
    await sync().sync("order-1");
    expect(payments()).toHaveLength(1);
    expect(resent).toEqual(["order-1"]);
  });

  test("an order refunded while still sold is invoiced, then credited; a later cancel changes nothing booked", async () => {
    wix.order = { ...wix.order, paymentStatus: "PARTIALLY_REFUNDED" };
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55")];
    await sync().sync("order-1");
    wix.order = { ...wix.order, status: "CANCELED" };
    wix.refunds.push(refund("r22", [{ lineItemId: L2, quantity: 1 }], "16.26"));
    await sync().sync("order-1");
    // The invoice made for the first refund is credited for the second too.
    expect(notes().map((n) => [n.return_against, n.grand_total])).toEqual([
      ["SINV-1", -13.55],
      ["SINV-1", -16.26],
    ]);
    expect(payments()).toHaveLength(2);
    expect(resent).toEqual(["order-1"]);
  });

  test("three deliveries, in any order, book each refund once", async () => {
    wix.refunds = [
      refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55"),
      refund("r22", [{ lineItemId: L2, quantity: 1 }], "16.26"),
    ];
    for (let i = 0; i < 3; i++) await sync().sync("order-1");
    expect(notes()).toHaveLength(2);
    expect(payments()).toHaveLength(2);
    expect(notes().map((n) => n.grand_total)).toEqual([-13.55, -16.26]);
  });

  test("a crash after the Credit Note: the retry finds it by wix_refund_id and pays it once", async () => {
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55")];
    const original = erpnext.insert.bind(erpnext);
    let failPayment = true;
    erpnext.insert = async <T>(doctype: string, doc: Record<string, unknown>) => {
      if (doctype === "Payment Entry" && failPayment) {
        failPayment = false;
        throw new RetryableError("ERPNext is down");
      }
      return original<T>(doctype, doc);
    };
    await expect(sync().sync("order-1")).rejects.toThrow(RetryableError);
    state.records.delete("r1"); // even with our record lost
    await sync().sync("order-1");
    expect(notes()).toHaveLength(1);
    expect(payments()).toHaveLength(1);
  });

  test("a pending refund waits; a failed one books nothing", async () => {
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55", "PENDING")];
    expect((await sync().sync("order-1")).outcome).toBe("skipped");
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55", "FAILED")];
    await sync().sync("order-1");
    expect(notes()).toHaveLength(0);
    expect(state.records.get("r1")?.state).toBe("failed");
  });

  test("a refund that does not add up is parked with its reason, once per Wix version", async () => {
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "3.00")];
    await expect(sync().sync("order-1")).rejects.toThrow(/does not add up/);
    expect(state.records.get("r1")).toMatchObject({
      state: "parked",
      reason: expect.stringMatching(/does not add up/),
    });
    // Its other copies park nothing more; a person's redrive tries again.
    expect((await sync().sync("order-1")).outcome).toBe("skipped");
    await expect(sync().sync("order-1", { retryParked: true })).rejects.toThrow(PermanentError);
    expect(notes()).toHaveLength(0);
  });

  test("INVOICE_ON=never: an unallocated payment out, no Credit Note", async () => {
    invoiceOn = "never";
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55")];
    await sync().sync("order-1");
    expect(notes()).toHaveLength(0);
    expect(payments()).toEqual([
      expect.objectContaining({ payment_type: "Pay", paid_amount: 13.55, references: [] }),
    ]);
  });

  /** A submitted Delivery Note with these rows; one mug refunded and restocked in Wix. */
  function restockOneMug(poNo: string, items: Record<string, unknown>[]) {
    erpnext.seed("Delivery Note", {
      name: "DN-1",
      docstatus: 1,
      is_return: 0,
      po_no: poNo,
      customer: "Ada",
      items,
    });
    wix.order.lineItems[0] = {
      ...(wix.order.lineItems[0] as WixOrder["lineItems"][number]),
      restockQuantity: 1,
    };
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55")];
  }

  test("restock returns the goods from the Delivery Note, once", async () => {
    restockOneMug("10001", [
      { item_code: "MUG", qty: 2, so_detail: "SOI-1", against_sales_order: "SO-1" },
      { item_code: "CAP", qty: 1, so_detail: "SOI-2", against_sales_order: "SO-1" },
    ]);
    for (let i = 0; i < 3; i++) await sync().sync("order-1");
    const returns = erpnext.all("Delivery Note").filter((d) => d.is_return);
    expect(returns).toHaveLength(1);
    expect(returns[0]?.items).toEqual([
      expect.objectContaining({ item_code: "MUG", qty: -1, warehouse: "Returns - SL" }),
    ]);
  });

  test("restock finds a note that ships this order with another one (po_no joined)", async () => {
    restockOneMug("10002, 10001", [
      { item_code: "MUG", qty: 1, so_detail: "SO2-1", against_sales_order: "SO-2" },
      { item_code: "MUG", qty: 2, so_detail: "SOI-1", against_sales_order: "SO-1" },
    ]);
    await sync().sync("order-1");
    const returns = erpnext.all("Delivery Note").filter((d) => d.is_return);
    expect(returns).toHaveLength(1);
    expect(returns[0]?.items).toEqual([
      expect.objectContaining({ item_code: "MUG", qty: -1, so_detail: "SOI-1" }),
    ]);
  });

  test("restock without a Delivery Note is parked with that reason; the money is booked", async () => {
    wix.order.lineItems[0] = {
      ...(wix.order.lineItems[0] as WixOrder["lineItems"][number]),
      restockQuantity: 1,
    };
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55")];
    await expect(sync().sync("order-1")).rejects.toThrow(/restock without a Delivery Note/);
    expect(notes()).toHaveLength(1);
    expect(payments()).toHaveLength(1);
    expect(state.restocks.get("order-1")?.reason).toMatch(/MUG x 1/);
  });

  test("an order not in ERPNext yet is retried", async () => {
    state.order = undefined;
    wix.refunds = [refund("r1", [{ lineItemId: L1, quantity: 1 }], "13.55")];
    await expect(sync().sync("order-1")).rejects.toThrow(RetryableError);
  });
});
