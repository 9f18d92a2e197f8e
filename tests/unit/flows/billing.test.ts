import { beforeEach, describe, expect, test } from "@jest/globals";
import { PermanentError } from "#shared/errors";
import { paymentAccountFor, paymentMethodKeys } from "#shared/flows/billing/accounts";
import { MAKE_SALES_INVOICE } from "#shared/flows/billing/invoice";
import type {
  BillingErpnext,
  BillingRecords,
  BillingSettings,
  BillingState,
  InvoiceRecord,
  PaymentRecord,
} from "#shared/flows/billing/ports";
import { BillingSync } from "#shared/flows/billing/sync";
import type { OrderRecord } from "#shared/flows/records";
import type { WixOrder, WixPayment } from "#shared/flows/wix-orders";
import { FakeErpnext, FakeLog, FakeWix } from "./fakes";

type Doc = Record<string, unknown> & { name: string };
const cents = (n: unknown) => Math.round(Number(n ?? 0) * 100);

/**
 * Just enough of ERPNext's billing: the Sales Order mapper, invoice totals and outstanding,
 * advances pulled from the order, and Payment Entries refused above the outstanding amount.
 */
class FakeBillingErpnext extends FakeErpnext implements BillingErpnext {
  /** A server-side rule that changes an invoice's total. */
  invoiceTotal?: (computed: number) => number;
  /** The next Payment Entry insert commits but its answer is lost. */
  loseNextAnswer = false;

  override async call<T>(method: string, args: Record<string, unknown> = {}) {
    if (method !== MAKE_SALES_INVOICE) return super.call<T>(method, args);
    const so = this.table("Sales Order").get(String(args.source_name)) as Doc;
    const billed = this.all("Sales Invoice").some((si) => si.docstatus === 1 && si.sales_order === so.name);
    return {
      customer: so.customer,
      po_no: so.po_no,
      sales_order: so.name,
      debit_to: "Debtors - C",
      items: billed ? [] : structuredClone(so.items),
      taxes: structuredClone(so.taxes),
    } as T;
  }
  override async insert<T>(doctype: string, doc: Record<string, unknown>) {
    const { name } = await super.insert<Doc>(doctype, doc);
    const stored = this.table(doctype).get(name) as Doc;
    if (doctype === "Sales Invoice") {
      const items = stored.items as { qty: number; rate: number }[];
      const taxes = (stored.taxes as { tax_amount: number }[] | undefined) ?? [];
      const computed =
        (items.reduce((n, i) => n + cents(i.rate) * i.qty, 0) +
          taxes.reduce((n, t) => n + cents(t.tax_amount), 0)) /
        100;
      stored.grand_total = this.invoiceTotal ? this.invoiceTotal(computed) : computed;
    }
    if (doctype === "Payment Entry") this.pay(stored);
    if (doctype === "Payment Entry" && this.loseNextAnswer) {
      this.loseNextAnswer = false;
      throw new Error("socket hang up");
    }
    return structuredClone(stored) as T;
  }
  override async update<T>(doctype: string, name: string, patch: Record<string, unknown>) {
    await super.update(doctype, name, patch);
    const doc = this.table(doctype).get(name) as Doc;
    if (doctype === "Sales Invoice" && patch.docstatus === 1) {
      // allocate_advances_automatically: what was paid against the order comes along.
      const so = this.table("Sales Order").get(String(doc.sales_order)) as Doc;
      doc.outstanding_amount = (cents(doc.grand_total) - cents(so.advance_paid)) / 100;
    }
    return structuredClone(doc) as T;
  }
  private pay(pe: Doc) {
    const [ref] = pe.references as {
      reference_doctype: string;
      reference_name: string;
      allocated_amount: number;
    }[];
    const target = this.table(String(ref?.reference_doctype)).get(String(ref?.reference_name)) as Doc;
    const outstanding =
      ref?.reference_doctype === "Sales Invoice"
        ? cents(target.outstanding_amount)
        : cents(target.grand_total) - cents(target.advance_paid);
    if (cents(ref?.allocated_amount) > outstanding)
      throw new PermanentError("Allocated Amount cannot be greater than outstanding amount.");
    if (ref?.reference_doctype === "Sales Invoice")
      target.outstanding_amount = (outstanding - cents(ref?.allocated_amount)) / 100;
    else target.advance_paid = (cents(target.advance_paid) + cents(ref?.allocated_amount)) / 100;
  }
}

class FakeBillingState implements BillingState {
  readonly orders = new Map<string, OrderRecord>();
  readonly invoices = new Map<string, InvoiceRecord>();
  readonly payments = new Map<string, PaymentRecord>();
  readonly claims = new Map<string, number>();
  readonly billing: BillingRecords = {
    getInvoice: async (id) => structuredClone(this.invoices.get(id)),
    claimInvoice: async (id, lease) => {
      const r = this.invoices.get(id);
      if (r && !(r.state === "claimed" && r.leaseUntil < Date.now())) return false;
      this.invoices.set(id, {
        orderId: id,
        state: "claimed",
        leaseUntil: Date.now() + lease * 1000,
        updatedAt: "",
      });
      return true;
    },
    recordInvoice: async (id, name) => {
      this.invoices.set(id, {
        orderId: id,
        state: "created",
        salesInvoice: name,
        leaseUntil: 0,
        updatedAt: "",
      });
    },
    releaseInvoice: async (id) => {
      const r = this.invoices.get(id);
      if (r?.state === "claimed") r.leaseUntil = 0;
    },
    getPayment: async (id) => structuredClone(this.payments.get(id)),
    recordPayment: async (r) => {
      this.payments.set(r.transactionId, structuredClone(r));
    },
  };
  async getOrder(id: string) {
    return structuredClone(this.orders.get(id));
  }
  async updateOrder(id: string, patch: Partial<OrderRecord>) {
    this.orders.set(id, { ...(this.orders.get(id) as OrderRecord), ...patch });
  }
  async claim(key: string, lease: number) {
    if ((this.claims.get(key) ?? 0) >= Date.now()) return false;
    this.claims.set(key, Date.now() + lease * 1000);
    return true;
  }
  async release(key: string) {
    this.claims.delete(key);
  }
  async markSuccess() {}
}

const settings: BillingSettings = {
  invoiceOn: "payment",
  paymentAccounts: { paypal: "PayPal - C", offline: "Cash - C" },
  paymentAccount: "Bank - C",
  company: "Shop Ltd",
  submit: true,
};

let erpnext: FakeBillingErpnext;
let wix: FakeWix;
let state: FakeBillingState;
const billing = (over: Partial<BillingSettings> = {}) =>
  new BillingSync({ erpnext, wix, state, log: new FakeLog(), settings: { ...settings, ...over } });

/** A Wix order of 40.00 (30.00 of goods, 10.00 shipping) with its submitted Sales Order. */
function paidOrder(...payments: WixPayment[]): WixOrder {
  const order = {
    id: "order-1",
    number: "10001",
    status: "APPROVED",
    paymentStatus: "PAID",
    priceSummary: { total: { amount: "40.00" } },
  } as WixOrder;
  wix.orders.set(order.id, order);
  wix.transactions.set(order.id, { orderId: order.id, payments, refunds: [] });
  state.orders.set(order.id, {
    orderId: order.id,
    orderNumber: order.number,
    state: "created",
    salesOrder: "SO-1",
    claimedAt: "",
    updatedAt: "",
  });
  erpnext.table("Sales Order").set("SO-1", {
    name: "SO-1",
    doctype: "Sales Order",
    docstatus: 1,
    customer: "Ada",
    po_no: "10001",
    grand_total: 40,
    items: [{ item_code: "MUG", qty: 3, rate: 10 }],
    taxes: [{ charge_type: "Actual", tax_amount: 10 }],
  });
  return order;
}

const payment = (id: string, amount: string, over: Partial<WixPayment> = {}): WixPayment => ({
  id,
  amount: { amount },
  status: "APPROVED",
  createdDate: `2026-11-20T10:00:0${id.slice(-1)}.000Z`,
  regularPaymentDetails: {
    offlinePayment: false,
    paymentMethodName: { buyerLanguageName: "Credit / Debit Card", siteLanguageName: "Credit / Debit Card" },
    creditCardDetails: { brand: "VISA", lastFourDigits: "4242" },
  },
  ...over,
});

const entries = () => erpnext.all("Payment Entry");
const refs = (pe: Doc) =>
  (pe.references as Doc[]).map((r) => [r.reference_doctype, r.reference_name, r.allocated_amount]);

beforeEach(() => {
  erpnext = new FakeBillingErpnext();
  wix = new FakeWix();
  state = new FakeBillingState();
});

describe("billing use-case over in-memory ports", () => {
  test("two partial payments: one invoice made on the first, each payment its own entry allocated to it", async () => {
    // prepare
    const order = paidOrder(payment("p1", "15.00"));
    const sync = billing();
    // act
    const first = await sync.sync(order.id);
    wix.transactions.get(order.id)?.payments.push(
      payment("p2", "25.00", {
        regularPaymentDetails: { paymentMethodName: { siteLanguageName: "PayPal" } },
      }),
    );
    const second = await sync.sync(order.id);
    const replay = await sync.sync(order.id);
    // assess
    const [si, ...more] = erpnext.all("Sales Invoice");
    expect(more).toEqual([]);
    expect(si).toMatchObject({
      docstatus: 1,
      grand_total: 40,
      outstanding_amount: 0,
      allocate_advances_automatically: 1,
    });
    expect(first).toMatchObject({ outcome: "created", salesInvoice: si?.name });
    expect(second).toMatchObject({ outcome: "updated", paymentEntries: [entries()[1]?.name] });
    expect(replay).toMatchObject({ outcome: "skipped", paymentEntries: [] });
    expect(entries().map((pe) => [pe.wix_transaction_id, pe.paid_to, refs(pe)])).toEqual([
      ["p1", "Bank - C", [["Sales Invoice", si?.name, 15]]],
      ["p2", "PayPal - C", [["Sales Invoice", si?.name, 25]]],
    ]);
    expect(entries()[0]).toMatchObject({ paid_from: "Debtors - C", reference_no: "10001", party: "Ada" });
  });

  test("an entry whose answer and record were lost is found again by its transaction id, not booked twice", async () => {
    // prepare
    const order = paidOrder(payment("p1", "40.00"));
    erpnext.loseNextAnswer = true;
    // act
    await billing().sync(order.id);
    state.payments.clear(); // the worker crashed before recording it
    await billing().sync(order.id);
    // assess
    expect(entries()).toHaveLength(1);
    expect(state.payments.get("p1")?.paymentEntry).toBe(entries()[0]?.name);
  });

  test("two deliveries at once: one invoice, one entry per payment", async () => {
    // prepare
    const order = paidOrder(payment("p1", "10.00"), payment("p2", "30.00"));
    // act
    await Promise.all([billing().sync(order.id), billing().sync(order.id), billing().sync(order.id)]);
    // assess
    expect(erpnext.all("Sales Invoice")).toHaveLength(1);
    expect(entries().map((pe) => pe.wix_transaction_id)).toEqual(["p1", "p2"]);
  });

  test("only money received is booked: pending, authorized and declined payments wait or are left", async () => {
    // prepare
    const order = paidOrder(
      payment("p1", "10.00", { status: "PENDING" }),
      payment("p2", "10.00", { status: "AUTHORIZED" }),
      payment("p3", "10.00", { status: "DECLINED" }),
    );
    // act
    const result = await billing().sync(order.id);
    // assess
    expect(result).toMatchObject({ outcome: "skipped" });
    expect(erpnext.all("Sales Invoice")).toEqual([]);
    expect(entries()).toEqual([]);
  });

  // "a full refund of one is reported as VOIDED rather than REFUNDED" (PaymentStatus.VOIDED).
  const giftCard = { giftcardPaymentDetails: { giftCardPaymentId: "g-1", obfuscatedCode: "****QXY1" } };
  const membership = { membershipPaymentDetails: { membershipId: "m-1", providerAppId: "plans" } };
  const refundOf = (
    paymentId: string,
    amount: string,
    refundStatus: "SUCCEEDED" | "FAILED" = "SUCCEEDED",
  ) => ({
    id: `r-${paymentId}`,
    transactions: [{ paymentId, amount: { amount }, refundStatus }],
  });

  test.each([
    ["gift card", giftCard, "Gift - C"],
    ["membership", membership, "Plans - C"],
  ])(
    "a %s payment first seen after its full refund (VOIDED) gets its Payment Entry, once",
    async (_kind, details, account) => {
      // prepare
      const order = paidOrder(payment("p1", "40.00", { status: "VOIDED", ...details }));
      wix.transactions.get(order.id)?.refunds.push(refundOf("p1", "40.00"));
      const sync = billing({ paymentAccounts: { giftcard: "Gift - C", membership: "Plans - C" } });
      // act
      const first = await sync.sync(order.id);
      const replay = await sync.sync(order.id);
      // assess
      const [si] = erpnext.all("Sales Invoice");
      expect(first).toMatchObject({ outcome: "created", paymentEntries: [entries()[0]?.name] });
      expect(replay).toMatchObject({ outcome: "skipped", paymentEntries: [] });
      expect(
        entries().map((pe) => [pe.wix_transaction_id, pe.payment_type, pe.paid_amount, refs(pe)]),
      ).toEqual([["p1", "Receive", 40, [["Sales Invoice", si?.name, 40]]]]);
      expect(entries()[0]?.paid_to).toBe(account);
    },
  );

  test("a VOIDED payment that never took money is not booked: a voided authorization, a gift card voided without a refund or whose refund failed", async () => {
    // prepare
    const order = paidOrder(
      payment("p1", "10.00", { status: "VOIDED" }),
      payment("p2", "10.00", { status: "VOIDED", ...giftCard }),
      payment("p3", "10.00", { status: "VOIDED", ...membership }),
    );
    wix.transactions.get(order.id)?.refunds.push(refundOf("p3", "10.00", "FAILED"));
    // act
    const result = await billing().sync(order.id);
    // assess
    expect(result).toMatchObject({ outcome: "skipped", paymentEntries: [] });
    expect(erpnext.all("Sales Invoice")).toEqual([]);
    expect(entries()).toEqual([]);
  });

  test("INVOICE_ON=never: payments go to the Sales Order, never above what is outstanding there", async () => {
    // prepare
    const order = paidOrder(payment("p1", "30.00"), payment("p2", "30.00"), payment("p3", "5.00"));
    // act
    await billing({ invoiceOn: "never" }).sync(order.id);
    // assess
    expect(erpnext.all("Sales Invoice")).toEqual([]);
    expect(entries().map((pe) => [pe.paid_amount, refs(pe)])).toEqual([
      [30, [["Sales Order", "SO-1", 30]]],
      [10, [["Sales Order", "SO-1", 10]]],
    ]);
    expect(state.payments.get("p3")).toMatchObject({ skipped: "nothing outstanding on Sales Order SO-1" });
  });

  test("INVOICE_ON=fulfilment: paid to the order until it is fully delivered, then invoiced with that payment as an advance", async () => {
    // prepare
    const order = paidOrder(payment("p1", "40.00"));
    const sync = billing({ invoiceOn: "fulfilment" });
    // act
    await sync.sync(order.id);
    const before = erpnext.all("Sales Invoice").length;
    (erpnext.table("Sales Order").get("SO-1") as Doc).per_delivered = 100;
    const delivered = await sync.sync(order.id);
    // assess
    expect(before).toBe(0);
    expect(refs(entries()[0] as Doc)).toEqual([["Sales Order", "SO-1", 40]]);
    expect(delivered).toMatchObject({ outcome: "created" });
    expect(erpnext.all("Sales Invoice")[0]).toMatchObject({ docstatus: 1, outstanding_amount: 0 });
  });

  test("INVOICE_ON=order: invoiced before any payment", async () => {
    const order = paidOrder();
    expect(await billing({ invoiceOn: "order" }).sync(order.id)).toMatchObject({ outcome: "created" });
    expect(erpnext.all("Sales Invoice")[0]).toMatchObject({ docstatus: 1, outstanding_amount: 40 });
  });

  test("an invoice whose total differs from Wix stays a draft and is parked with the reason", async () => {
    // prepare
    const order = paidOrder(payment("p1", "40.00"));
    erpnext.invoiceTotal = (computed) => computed + 0.01;
    // act
    const failure = await billing()
      .sync(order.id)
      .catch((error: unknown) => error);
    // assess
    expect(failure).toBeInstanceOf(PermanentError);
    expect(String(failure)).toMatch(/total 40.01 differs from Wix total 40.00: left as a draft/);
    expect(erpnext.all("Sales Invoice")[0]).toMatchObject({ docstatus: 0 });
    expect(entries()).toEqual([]);
    expect(state.invoices.get(order.id)).toMatchObject({ state: "claimed", leaseUntil: 0 });
  });

  test("an order without a Sales Order yet, or with draft Sales Orders, is not billed", async () => {
    const order = paidOrder(payment("p1", "40.00"));
    expect(await billing({ submit: false }).sync(order.id)).toMatchObject({ outcome: "skipped" });
    state.orders.delete(order.id);
    expect(await billing().sync(order.id)).toMatchObject({
      outcome: "skipped",
      reason: "no Sales Order yet",
    });
    expect(entries()).toEqual([]);
  });
});

describe("payment method -> account (ERPNEXT_PAYMENT_ACCOUNTS), without the deprecated paymentMethod", () => {
  const regular = (details: WixPayment["regularPaymentDetails"]): WixPayment => ({
    regularPaymentDetails: details,
  });
  const offline = (userDefinedName: { predefined?: "CASH" | "BANK_TRANSFER" | "CHECK"; custom?: string }) =>
    regular({ offlinePayment: true, paymentMethodName: { userDefinedName } });
  // Each documented key, alone in the map: the payment lands on it, not on the default.
  test.each([
    ["giftcard", { giftcardPaymentDetails: { giftCardPaymentId: "g", obfuscatedCode: "****QXY1" } }],
    ["membership", { membershipPaymentDetails: { membershipId: "m", providerAppId: "app" } }],
    ["cash", offline({ predefined: "CASH" })],
    ["bank_transfer", offline({ predefined: "BANK_TRANSFER" })],
    ["check", offline({ predefined: "CHECK" })],
    ["venmo", offline({ custom: "Venmo" })],
    ["offline", regular({ offlinePayment: true })],
    ["paypal", regular({ offlinePayment: false, paymentMethodName: { siteLanguageName: "PayPal" } })],
    ["klarna", regular({ paymentMethodName: { siteLanguageName: "Klarna", buyerLanguageName: "Klarna." } })],
    ["tarjeta", regular({ paymentMethodName: { buyerLanguageName: "Tarjeta" } })],
    ["creditcard", regular({ creditCardDetails: { brand: "VISA" }, paymentMethodName: {} })],
    ["card", regular({ creditCardDetails: { brand: "AMEX", lastFourDigits: "0005" } })],
  ] as [string, WixPayment][])("%s", (key, p) => {
    const settings = { paymentAccounts: { [key]: "Mapped - C" }, paymentAccount: "Default - C" };
    expect(paymentAccountFor(p, settings)).toBe("Mapped - C");
  });

  test("an unmapped method takes the default account", () => {
    const settings = { paymentAccounts: { card: "Bank - C" }, paymentAccount: "Default - C" };
    expect(paymentAccountFor(regular({ paymentMethodName: { siteLanguageName: "iDEAL" } }), settings)).toBe(
      "Default - C",
    );
  });

  test("keys, most specific first: the merchant's name, the site's, the buyer's, then the kind", () => {
    expect(
      paymentMethodKeys(
        regular({
          creditCardDetails: { brand: "VISA" },
          paymentMethodName: { siteLanguageName: "Credit / Debit Card", buyerLanguageName: "Carte bancaire" },
        }),
      ),
    ).toEqual(["credit / debit card", "carte bancaire", "creditcard", "card"]);
    expect(
      paymentMethodKeys(
        regular({
          offlinePayment: true,
          paymentMethodName: { userDefinedName: { predefined: "CASH" }, siteLanguageName: "Offline" },
        }),
      ),
    ).toEqual(["cash", "offline"]);
  });
});

describe("billing of a Wix site other than the default", () => {
  test("its payments carry the order's reference of its Sales Order (site-prefixed), not the bare number another site's order shares", async () => {
    // prepare: the "eu" site's #10001: its Sales Order's po_no is eu-10001 (orderReference)
    const order = paidOrder(payment("p1", "40.00"));
    Object.assign(erpnext.table("Sales Order").get("SO-1") as Doc, { po_no: "eu-10001" });
    // act
    await billing({ invoiceOn: "never" }).sync(order.id);
    await billing().sync(order.id);
    // assess: the advance on the order, and the invoice made later, both name eu-10001
    expect(entries().map((pe) => pe.reference_no)).toEqual(["eu-10001"]);
    expect(erpnext.all("Sales Invoice").map((si) => si.po_no)).toEqual(["eu-10001"]);
  });
});
