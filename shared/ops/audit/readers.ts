/**
 * The audit's readers over the real adapters: Wix (Search Orders, order transactions, order
 * fulfilments), ERPNext (generic lists with filters) and what the integration itself knows (order
 * records, DLQs).
 */

import type { PaymentOriginal, RefundOriginal } from "@wix/auto_sdk_ecom_order-transactions/meta";
import type { ErpnextClient, Filter } from "../../erpnext/client";
import { ERPNEXT_IN_FILTER } from "../../flows/erpnext-documents";
import { itemForLine } from "../../flows/line-items";
import type { OrderRecord } from "../../flows/records";
import { parkReason } from "../../flows/records";
import { orderReference } from "../../flows/site-field";
import type { WixFulfillment } from "../../flows/wix-fulfillments";
import { orderPages, type Wire, type WixOrder } from "../../flows/wix-orders";
import { type ErpnextOrderSide, toCents, type WixOrderSide } from "./compare";
import type { AuditPeriod, ErpnextAuditReader, OrderContextReader, WixAuditReader } from "./ports";
import { periodBounds } from "./run";

/** One order's payments and refunds (`OrderTransactions`, @wix/auto_sdk_ecom_order-transactions meta). */
export interface OrderTransactions {
  payments?: Wire<PaymentOriginal>[];
  refunds?: Wire<RefundOriginal>[];
}

export interface WixAuditSource {
  searchOrders(since: string, cursor?: string): Promise<{ orders: WixOrder[]; next?: string }>;
  /**
   * Payments and refunds by order id (POST /ecom/v1/payments/list-by-ids): the billing flow's
   * `WixClient.orderTransactions`. Until it is merged the WixClient has none, and the reader
   * falls back on the order's payment status.
   */
  orderTransactions?(orderIds: string[]): Promise<Map<string, OrderTransactions>>;
  /** Fulfilments by order id, every order asked for present (POST /ecom/v1/fulfillments/list-by-ids). */
  orderFulfillments?(orderIds: string[]): Promise<Map<string, WixFulfillment[]>>;
}

/**
 * Payment statuses that mean money was received: a payment later (partly) refunded keeps its
 * Payment Entry, the refund is booked on its own (PaymentStatus, @wix/auto_sdk_ecom_order-transactions meta).
 */
const RECEIVED = new Set(["APPROVED", "REFUNDED", "PARTIALLY_REFUNDED"]);
/** Refund transactions still moving (RefundStatus, same package): such a refund is not due yet. */
const REFUND_IN_PROGRESS = new Set(["PENDING", "STARTED", "SCHEDULED"]);
/** Payment statuses of an order paid at some point (PaymentStatus, @wix/auto_sdk_ecom_orders). */
const PAID_ORDER = new Set(["PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"]);

export function paymentsOf(tx: OrderTransactions): NonNullable<WixOrderSide["payments"]> {
  return (tx.payments ?? [])
    .filter((p) => p.id && RECEIVED.has(p.status ?? ""))
    .map((p) => ({ id: p.id as string, amount: toCents(p.amount?.amount) }));
}

/** Completed refunds: none of their transactions still moving; what SUCCEEDED is what left. */
export function refundsOf(tx: OrderTransactions): NonNullable<WixOrderSide["refunds"]> {
  return (tx.refunds ?? [])
    .filter((r) => r.id && !(r.transactions ?? []).some((t) => REFUND_IN_PROGRESS.has(t.refundStatus ?? "")))
    .map((r) => ({
      id: r.id as string,
      amount: (r.transactions ?? [])
        .filter((t) => t.refundStatus === "SUCCEEDED")
        .reduce((sum, t) => sum + toCents(t.amount?.amount), 0),
    }))
    .filter((r) => r.amount > 0);
}

export function fulfilledOf(fulfillments: WixFulfillment[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of fulfillments)
    for (const line of f.lineItems ?? [])
      if (line.id) out[line.id] = (out[line.id] ?? 0) + (line.quantity ?? 0);
  return out;
}

/**
 * Orders updated in the period, sorted by `updatedDate` (Search Orders has no upper bound in our
 * client: the pages stop at the first order past the period). Transactions and fulfilments are
 * read per page when the source has them; without transactions an order's payment is its total
 * when Wix says it was paid, and refunds are not checked.
 */
export function wixAuditReader(
  wix: WixAuditSource,
  itemFor?: (productId: string, variantId?: string) => Promise<string | undefined>,
): WixAuditReader {
  return {
    async *orders(period: AuditPeriod) {
      const { since, until } = periodBounds(period);
      for await (const orders of orderPages(wix, since)) {
        const inPeriod = orders.filter((o) => o.updatedDate >= since && o.updatedDate < until);
        if (inPeriod.length) yield await sidesOf(wix, inPeriod, itemFor);
        if (orders.some((o) => o.updatedDate >= until)) return;
      }
    },
  };
}

async function sidesOf(
  wix: WixAuditSource,
  orders: WixOrder[],
  itemFor?: (productId: string, variantId?: string) => Promise<string | undefined>,
): Promise<WixOrderSide[]> {
  const ids = orders.map((o) => o.id);
  const tx = wix.orderTransactions ? await wix.orderTransactions(ids) : undefined;
  const ful = wix.orderFulfillments ? await wix.orderFulfillments(ids) : undefined;
  const sides: WixOrderSide[] = [];
  for (const o of orders) {
    const lines: WixOrderSide["lines"] = [];
    for (const line of o.lineItems) {
      const itemCode = await itemForLine(line, { itemForProduct: itemFor ?? (async () => undefined) });
      lines.push({ id: line.id, quantity: line.quantity, ...(itemCode ? { itemCode } : {}) });
    }
    const total = toCents(o.priceSummary.total.amount);
    const t = tx?.get(o.id);
    const f = ful?.get(o.id);
    sides.push({
      id: o.id,
      number: o.number,
      status: o.status,
      ...(o.paymentStatus ? { paymentStatus: o.paymentStatus } : {}),
      ...(o.fulfillmentStatus ? { fulfillmentStatus: o.fulfillmentStatus } : {}),
      currency: o.currency,
      total,
      lines,
      payments: tx
        ? t
          ? paymentsOf(t)
          : []
        : PAID_ORDER.has(o.paymentStatus ?? "")
          ? [{ id: `order ${o.number}`, amount: total }]
          : [],
      ...(tx ? { refunds: t ? refundsOf(t) : [] } : {}),
      ...(ful ? { fulfilled: f ? fulfilledOf(f) : {} } : {}),
    });
  }
  return sides;
}

const chunks = <T>(list: T[], size = ERPNEXT_IN_FILTER): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));

interface SalesOrderRow {
  name: string;
  po_no?: string;
  grand_total: number;
  docstatus: number;
  status?: string;
}
interface InvoiceRow {
  name: string;
  po_no?: string;
  wix_refund_id?: string;
  grand_total: number;
  docstatus: number;
  is_return?: number;
}
interface PaymentRow {
  name: string;
  reference_no?: string;
  payment_type: string;
  paid_amount: number;
  docstatus: number;
}
interface DeliveryRow {
  name: string;
  docstatus: number;
  is_return?: number;
}
interface DeliveryItem {
  item_code: string;
  qty: number;
  against_sales_order?: string;
}

/**
 * The ERPNext documents of a page of orders, in a few list calls with `in` filters (100 values a
 * call). Documents are tied to a Wix order by the order number: `po_no` on the Sales Order (our
 * mapping; Amend copies it) and on the Sales Invoice (`make_sales_invoice` maps it, erpnext
 * selling/doctype/sales_order/sales_order.py), `reference_no` on Payment Entries; Delivery Notes by
 * their rows' Sales Order (`against_sales_order`), as one note may ship several orders. A Sales
 * Order the order record names is read by name too. Invoices are read only when some are expected
 * (`invoices`), Delivery Notes only when Wix fulfilments were read: nothing to compare otherwise.
 * On a Wix site other than the default one the number is prefixed with the site's name
 * (orderReference, shared/flows/site-field.ts): another site's order of the same number is not
 * this one's.
 */
export function erpnextAuditReader(
  erpnext: ErpnextClient,
  options: { invoices: boolean; site: string },
): ErpnextAuditReader {
  const reference = (o: { number: string }) => orderReference(o.number, options.site);
  /** `field` is the doctype's, or `[child doctype, field]` for a field of its rows. */
  const listIn = async <T extends { name: string }>(
    doctype: string,
    field: string | [string, string],
    values: string[],
    fields: string[],
  ) => {
    const rows = new Map<string, T>();
    for (const part of chunks([...new Set(values)])) {
      const filter: Filter = typeof field === "string" ? [field, "in", part] : [...field, "in", part];
      // A child-table filter answers a document once per matching row: kept once.
      for (const row of await erpnext.listAll<T>(doctype, { fields, filters: [filter] }))
        rows.set(row.name, row);
    }
    return [...rows.values()];
  };
  return {
    async sides(orders, known) {
      const numbers = orders.map(reference);
      const sos = await listIn<SalesOrderRow>("Sales Order", "po_no", numbers, [
        "name",
        "po_no",
        "grand_total",
        "docstatus",
        "status",
      ]);
      const seen = new Set(sos.map((so) => so.name));
      const named = orders
        .map((o) => known.get(o.id)?.salesOrder)
        .filter((n): n is string => !!n && !seen.has(n));
      if (named.length)
        sos.push(
          ...(await listIn<SalesOrderRow>("Sales Order", "name", named, [
            "name",
            "po_no",
            "grand_total",
            "docstatus",
            "status",
          ])),
        );
      const invoices = !options.invoices
        ? []
        : await listIn<InvoiceRow>("Sales Invoice", "po_no", numbers, [
            "name",
            "po_no",
            "grand_total",
            "docstatus",
            "is_return",
          ]);
      // Refunds are booked per Wix refund id (the refunds flow: Credit Note `wix_refund_id`, pay-out
      // `reference_no`); those fields are read only when Wix has refunds to look for.
      const refundIds = orders.flatMap((o) => (o.refunds ?? []).map((r) => r.id));
      if (options.invoices && refundIds.length) {
        const known = new Set(invoices.map((i) => i.name));
        const notes = await listIn<InvoiceRow>("Sales Invoice", "wix_refund_id", refundIds, [
          "name",
          "po_no",
          "grand_total",
          "docstatus",
          "is_return",
          "wix_refund_id",
        ]);
        invoices.push(...notes.filter((n) => !known.has(n.name)));
      }
      const payments = await listIn<PaymentRow>(
        "Payment Entry",
        "reference_no",
        [...numbers, ...refundIds],
        ["name", "reference_no", "payment_type", "paid_amount", "docstatus"],
      );
      const sosOf = new Map(
        orders.map((o) => {
          const soName = known.get(o.id)?.salesOrder;
          return [o.id, sos.filter((so) => so.po_no === reference(o) || so.name === soName)];
        }),
      );
      // Delivery Notes by their rows' Sales Order: one note may join several orders, its po_no
      // then "10018, 10019" (erpnext/controllers/selling_controller.py set_pos_for_delivery_note).
      const deliveries = !orders.some((o) => o.fulfilled)
        ? []
        : await listIn<DeliveryRow>(
            "Delivery Note",
            ["Delivery Note Item", "against_sales_order"],
            sos.map((so) => so.name),
            ["name", "docstatus", "is_return"],
          );
      // Delivered quantities sit on the child rows: each submitted note is read whole.
      const rows = new Map<string, DeliveryItem[]>();
      for (const dn of deliveries.filter((d) => d.docstatus === 1 && !d.is_return))
        rows.set(
          dn.name,
          (await erpnext.get<{ items?: DeliveryItem[] }>("Delivery Note", dn.name)).items ?? [],
        );

      const out = new Map<string, ErpnextOrderSide>();
      for (const o of orders) {
        const ours = new Set((o.refunds ?? []).map((r) => r.id));
        const mine = new Set((sosOf.get(o.id) ?? []).map((so) => so.name));
        const against = (dn: DeliveryRow) =>
          (rows.get(dn.name) ?? []).filter((i) => mine.has(i.against_sales_order ?? ""));
        out.set(o.id, {
          salesOrders: (sosOf.get(o.id) ?? []).map((so) => ({
            name: so.name,
            grandTotal: toCents(so.grand_total),
            docstatus: so.docstatus,
            closed: so.status === "Closed",
          })),
          invoices: invoices
            .filter((i) => i.po_no === reference(o) && !i.is_return)
            .map((i) => ({ name: i.name, grandTotal: toCents(i.grand_total), docstatus: i.docstatus })),
          creditNotes: invoices
            .filter((i) => i.is_return && (i.po_no === reference(o) || ours.has(i.wix_refund_id ?? "")))
            .map((i) => ({ name: i.name, grandTotal: toCents(i.grand_total), docstatus: i.docstatus })),
          payments: payments
            .filter((p) => p.reference_no === reference(o) || ours.has(p.reference_no ?? ""))
            .map((p) => ({
              name: p.name,
              type: p.payment_type === "Pay" ? ("Pay" as const) : ("Receive" as const),
              amount: toCents(p.paid_amount),
              docstatus: p.docstatus,
            })),
          // The submitted notes (returns aside: the compare counts only these) with rows of this
          // order's Sales Orders, with those rows only.
          deliveries: deliveries
            .filter((d) => against(d).length)
            .map((d) => ({
              name: d.name,
              docstatus: d.docstatus,
              isReturn: Boolean(d.is_return),
              items: against(d).map((i) => ({ itemCode: i.item_code, qty: Number(i.qty) })),
            })),
        });
      }
      return out;
    },
  };
}

/** A DLQ's parked messages, bodies parsed. */
export type ParkedSource = () => Promise<{ body: unknown; reason: string }[]>;

/**
 * The order records (their Sales Order, a parked state and its reason) and the DLQs (the reason a
 * message of the order is parked with, for what the record does not say). The DLQs are read once,
 * on the first page.
 */
export function orderContextReader(deps: {
  orders: (ids: string[]) => Promise<Map<string, OrderRecord>>;
  parked: ParkedSource;
}): OrderContextReader {
  let reasons: Promise<Map<string, string>> | undefined;
  const parkedReasons = async () => {
    const out = new Map<string, string>();
    for (const m of await deps.parked()) {
      const orderId = (m.body as { orderId?: unknown } | undefined)?.orderId;
      if (typeof orderId === "string" && !out.has(orderId)) out.set(orderId, m.reason);
    }
    return out;
  };
  return {
    async of(ids) {
      reasons ??= parkedReasons();
      const [records, parked] = await Promise.all([deps.orders(ids), reasons]);
      const out = new Map<string, { salesOrder?: string; parked?: string }>();
      for (const id of ids) {
        const record = records.get(id);
        // The record's own reason first: the DLQ message may be gone (redriven, held by another
        // reader, lost with a killed process) when the order is still parked.
        const reason =
          parkReason(record) ??
          parked.get(id) ??
          (record?.state === "parked" ? "parked (order record)" : undefined);
        out.set(id, {
          ...(record?.salesOrder ? { salesOrder: record.salesOrder } : {}),
          ...(reason ? { parked: reason } : {}),
        });
      }
      return out;
    },
  };
}
