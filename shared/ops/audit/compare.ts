/**
 * The audit's comparison of one Wix order with what ERPNext holds for it, to the cent. Pure: the
 * readers (readers.ts) fetch both sides, this decides what differs and why.
 */

/** Money in integer cents, so 0.1 + 0.2 is never "off by a cent". */
export type Cents = number;

export const toCents = (amount: unknown): Cents => Math.round(Number(amount ?? 0) * 100);
export const money = (cents: Cents): string => (cents / 100).toFixed(2);

/** What Wix says about one order (Search Orders, its transactions and its fulfilments). */
export interface WixOrderSide {
  id: string;
  number: string;
  /** OrderStatus (@wix/auto_sdk_ecom_orders): APPROVED, PENDING, CANCELED, REJECTED. */
  status: string;
  paymentStatus?: string;
  fulfillmentStatus?: string;
  currency: string;
  total: Cents;
  /** Each line with the ERPNext item code it was ordered as (its SKU, or the product mapping's). */
  lines: { id: string; itemCode?: string; quantity: number }[];
  /** Money received (approved payments, later refunds included); undefined when not read. */
  payments?: { id: string; amount: Cents }[];
  /** Completed refunds (every transaction SUCCEEDED); undefined when not read. */
  refunds?: { id: string; amount: Cents }[];
  /** Fulfilled quantity per order line id over all fulfilments; undefined when not read. */
  fulfilled?: Record<string, number>;
}

/** ERPNext documents of one order; cancelled ones (docstatus 2) included, the comparison skips them. */
export interface ErpnextOrderSide {
  /**
   * `closed`: status Closed, which ERPNext uses for an invoiced order that is cancelled in Wix and
   * credited in full (it refuses to cancel an invoiced Sales Order; orders/cancel.ts).
   */
  salesOrders: { name: string; grandTotal: Cents; docstatus: number; closed?: boolean }[];
  /** Sales Invoices that are not returns. */
  invoices: { name: string; grandTotal: Cents; docstatus: number }[];
  /** Sales Invoices with `is_return: 1`: a negative grand total. */
  creditNotes: { name: string; grandTotal: Cents; docstatus: number }[];
  /** `Receive`: money in; `Pay`: a refund paid out. */
  payments: { name: string; type: "Receive" | "Pay"; amount: Cents; docstatus: number }[];
  deliveries: {
    name: string;
    docstatus: number;
    isReturn: boolean;
    items: { itemCode: string; qty: number }[];
  }[];
}

/** What the integration is configured to put into ERPNext (settings). */
export interface AuditExpectations {
  /** ORDER_SUBMIT: Sales Orders submitted and payments recorded. */
  submit: boolean;
  /** ORDER_CREATE_ON: `created` takes unpaid PENDING orders too. */
  createOn: "approved" | "created";
  /** INVOICE_ON: when a Sales Invoice is due; `never` checks no invoices and no credit notes. */
  invoiceOn: "payment" | "fulfilment" | "order" | "never";
}

export interface AuditContext {
  expect: AuditExpectations;
  /** Why the order (or one of its messages) is parked: the DLQ reason or the order record's state. */
  parked?: string;
}

export const DIFFERENCE_KINDS = [
  "parked",
  "missing",
  "amount differs",
  "not fulfilled",
  "over fulfilled",
  "refund not booked",
] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

export type AuditedDocument =
  | "Sales Order"
  | "Sales Invoice"
  | "Payment Entry"
  | "Credit Note"
  | "Delivery Note";

export interface Difference {
  orderId: string;
  orderNumber: string;
  /** The cause: parked, missing, amount differs, not/over fulfilled, refund not booked. */
  kind: DifferenceKind;
  document: AuditedDocument;
  /** One line for a person: what differs, with both figures. */
  detail: string;
  /** The Wix figure and the ERPNext one ("105.37", "2"), when there are figures. */
  wix?: string;
  erpnext?: string;
  /** Kind `parked`: the reason it was parked with. */
  reason?: string;
}

const live = <T extends { docstatus: number }>(docs: T[]) => docs.filter((d) => d.docstatus !== 2);
const submitted = <T extends { docstatus: number }>(docs: T[]) => docs.filter((d) => d.docstatus === 1);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Every difference between a Wix order and its ERPNext documents. An order that is parked explains
 * its differences: they are reported as `parked`, with the reason, and what they would be.
 */
export function compareOrder(wix: WixOrderSide, erp: ErpnextOrderSide, context: AuditContext): Difference[] {
  const found: Omit<Difference, "orderId" | "orderNumber">[] = [];
  const { expect } = context;
  const salesOrders = live(erp.salesOrders);

  // Orders the integration does not book: canceled before they reached ERPNext, rejected, or
  // pending while only approved orders are taken. A canceled one must not stay open in ERPNext.
  const booked = wix.status === "APPROVED" || (wix.status === "PENDING" && expect.createOn === "created");
  if (!booked) {
    const open = salesOrders.filter((so) => so.docstatus === 1 && !so.closed);
    if (wix.status === "CANCELED" && open.length)
      found.push({
        kind: "amount differs",
        document: "Sales Order",
        detail: `canceled in Wix, ${open.map((so) => so.name).join(", ")} still open in ERPNext`,
        wix: "0.00",
        erpnext: money(sum(open.map((so) => so.grandTotal))),
      });
    return withOrder(wix, found, context);
  }

  if (!salesOrders.length) {
    found.push({ kind: "missing", document: "Sales Order", detail: "no Sales Order", wix: money(wix.total) });
    return withOrder(wix, found, context);
  }
  const total = sum(salesOrders.map((so) => so.grandTotal));
  const names = salesOrders.map((so) => so.name).join(", ");
  if (salesOrders.length > 1)
    found.push({
      kind: "amount differs",
      document: "Sales Order",
      detail: `${salesOrders.length} live Sales Orders (${names}) for one order`,
      wix: money(wix.total),
      erpnext: money(total),
    });
  else if (total !== wix.total)
    found.push({
      kind: "amount differs",
      document: "Sales Order",
      detail: `${names} grand total ${money(total)}, Wix total ${money(wix.total)}`,
      wix: money(wix.total),
      erpnext: money(total),
    });
  const draft = salesOrders.find((so) => so.docstatus === 0);
  if (expect.submit && draft)
    found.push({ kind: "missing", document: "Sales Order", detail: `${draft.name} is still a draft` });
  // Payments, invoices and deliveries hang off a submitted Sales Order.
  if (!expect.submit || draft) return withOrder(wix, found, context);

  found.push(...paymentDifferences(wix, erp));
  found.push(...invoiceDifferences(wix, erp, expect));
  found.push(...refundDifferences(wix, erp, expect));
  found.push(...fulfilmentDifferences(wix, erp));
  return withOrder(wix, found, context);
}

function paymentDifferences(
  wix: WixOrderSide,
  erp: ErpnextOrderSide,
): Omit<Difference, "orderId" | "orderNumber">[] {
  if (!wix.payments) return [];
  const paid = sum(wix.payments.map((p) => p.amount));
  const entries = submitted(erp.payments).filter((p) => p.type === "Receive");
  const received = sum(entries.map((p) => p.amount));
  if (paid === received) return [];
  if (!entries.length)
    return [
      {
        kind: "missing",
        document: "Payment Entry",
        detail: `paid ${money(paid)} in Wix, no Payment Entry`,
        wix: money(paid),
        erpnext: "0.00",
      },
    ];
  return [
    {
      kind: "amount differs",
      document: "Payment Entry",
      detail: `paid ${money(paid)} in Wix, ${money(received)} received in ERPNext (${entries.map((p) => p.name).join(", ")})`,
      wix: money(paid),
      erpnext: money(received),
    },
  ];
}

/** When a Sales Invoice is due under INVOICE_ON. */
function invoiceDue(wix: WixOrderSide, invoiceOn: AuditExpectations["invoiceOn"]): boolean {
  if (invoiceOn === "order") return true;
  if (invoiceOn === "payment") return Boolean(wix.payments?.length);
  if (invoiceOn === "fulfilment") return wix.fulfillmentStatus === "FULFILLED" && Boolean(wix.fulfilled);
  return false;
}

function invoiceDifferences(
  wix: WixOrderSide,
  erp: ErpnextOrderSide,
  expect: AuditExpectations,
): Omit<Difference, "orderId" | "orderNumber">[] {
  if (expect.invoiceOn === "never") return [];
  const invoices = submitted(erp.invoices);
  const invoiced = sum(invoices.map((i) => i.grandTotal));
  const due = invoiceDue(wix, expect.invoiceOn);
  if (!invoices.length)
    return due
      ? [
          {
            kind: "missing",
            document: "Sales Invoice",
            detail: `no Sales Invoice (INVOICE_ON=${expect.invoiceOn})`,
            wix: money(wix.total),
            erpnext: "0.00",
          },
        ]
      : [];
  // Invoicing per delivery bills part of the order until it is all shipped.
  if (invoiced === wix.total || (expect.invoiceOn === "fulfilment" && !due && invoiced < wix.total))
    return [];
  return [
    {
      kind: "amount differs",
      document: "Sales Invoice",
      detail: `invoiced ${money(invoiced)} (${invoices.map((i) => i.name).join(", ")}), Wix total ${money(wix.total)}`,
      wix: money(wix.total),
      erpnext: money(invoiced),
    },
  ];
}

function refundDifferences(
  wix: WixOrderSide,
  erp: ErpnextOrderSide,
  expect: AuditExpectations,
): Omit<Difference, "orderId" | "orderNumber">[] {
  if (!wix.refunds) return [];
  const refunded = sum(wix.refunds.map((r) => r.amount));
  const ids = wix.refunds.map((r) => r.id).join(", ");
  const notes = submitted(erp.creditNotes);
  const credited = -sum(notes.map((n) => n.grandTotal));
  const payouts = submitted(erp.payments).filter((p) => p.type === "Pay");
  const paidOut = sum(payouts.map((p) => p.amount));
  const checkNotes = expect.invoiceOn !== "never"; // INVOICE_ON=never: refunds are payments only
  const out: Omit<Difference, "orderId" | "orderNumber">[] = [];
  if (refunded > 0 && !payouts.length && (!checkNotes || !notes.length)) {
    out.push({
      kind: "refund not booked",
      document: checkNotes ? "Credit Note" : "Payment Entry",
      detail: `refunded ${money(refunded)} in Wix (${ids}), no ${checkNotes ? "Credit Note nor " : ""}Payment Entry paying it out`,
      wix: money(refunded),
      erpnext: "0.00",
    });
    return out;
  }
  if (checkNotes && credited !== refunded)
    out.push(
      refunded > 0 && !notes.length
        ? {
            kind: "refund not booked",
            document: "Credit Note",
            detail: `refunded ${money(refunded)} in Wix (${ids}), no Credit Note`,
            wix: money(refunded),
            erpnext: "0.00",
          }
        : {
            kind: "amount differs",
            document: "Credit Note",
            detail: `refunded ${money(refunded)} in Wix, credited ${money(credited)} in ERPNext (${notes.map((n) => n.name).join(", ")})`,
            wix: money(refunded),
            erpnext: money(credited),
          },
    );
  if (paidOut !== refunded)
    out.push(
      refunded > 0 && !payouts.length
        ? {
            kind: "refund not booked",
            document: "Payment Entry",
            detail: `refunded ${money(refunded)} in Wix (${ids}), no Payment Entry paying it out`,
            wix: money(refunded),
            erpnext: "0.00",
          }
        : {
            kind: "amount differs",
            document: "Payment Entry",
            detail: `refunded ${money(refunded)} in Wix, paid out ${money(paidOut)} in ERPNext (${payouts.map((p) => p.name).join(", ")})`,
            wix: money(refunded),
            erpnext: money(paidOut),
          },
    );
  return out;
}

/** Wix fulfilled quantities against submitted (non-return) Delivery Notes, per item. */
function fulfilmentDifferences(
  wix: WixOrderSide,
  erp: ErpnextOrderSide,
): Omit<Difference, "orderId" | "orderNumber">[] {
  if (!wix.fulfilled) return [];
  const shipped = new Map<string, number>();
  for (const line of wix.lines) {
    const key = line.itemCode ?? `line ${line.id}`;
    shipped.set(key, (shipped.get(key) ?? 0) + (wix.fulfilled[line.id] ?? 0));
  }
  const delivered = new Map<string, number>();
  const notes = submitted(erp.deliveries).filter((d) => !d.isReturn);
  for (const dn of notes)
    for (const item of dn.items) delivered.set(item.itemCode, (delivered.get(item.itemCode) ?? 0) + item.qty);
  const out: Omit<Difference, "orderId" | "orderNumber">[] = [];
  for (const item of new Set([...shipped.keys(), ...delivered.keys()])) {
    const w = shipped.get(item) ?? 0;
    const e = delivered.get(item) ?? 0;
    if (w === e) continue;
    const where = notes.length ? ` (${notes.map((d) => d.name).join(", ")})` : "";
    out.push({
      kind: e < w ? "not fulfilled" : "over fulfilled",
      document: "Delivery Note",
      detail: `${item}: fulfilled ${w} in Wix, delivered ${e} in ERPNext${where}`,
      wix: String(w),
      erpnext: String(e),
    });
  }
  return out;
}

function withOrder(
  wix: WixOrderSide,
  found: Omit<Difference, "orderId" | "orderNumber">[],
  context: AuditContext,
): Difference[] {
  const { parked } = context;
  return found.map((d) => ({
    orderId: wix.id,
    orderNumber: wix.number,
    ...d,
    ...(parked ? { kind: "parked" as const, detail: `${d.detail}; parked: ${parked}`, reason: parked } : {}),
  }));
}
