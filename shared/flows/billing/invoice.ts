import { errorMessage, isRetryable, PermanentError, RetryableError, SyncError } from "../../errors";
import type { WixOrder } from "../wix-orders";
import type { BillingDeps, BillingErpnext } from "./ports";

/** ERPNext's own Sales Order -> Sales Invoice mapper (erpnext/selling/doctype/sales_order/sales_order.py). */
export const MAKE_SALES_INVOICE = "erpnext.selling.doctype.sales_order.sales_order.make_sales_invoice";
/** Long enough for a mapper call, an insert and a submit. */
const INVOICE_CLAIM_SECONDS = 120;

/** The order's Sales Invoice as the billing and refunds flows need it. */
export interface SalesInvoiceHead {
  name: string;
  grandTotal: number;
  /** What is still owed on it (`outstanding_amount`): grand total less advances and payments. */
  outstanding: number;
}

interface InvoiceDoc {
  name: string;
  docstatus: number;
  grand_total: number;
  outstanding_amount?: number;
}

interface SalesOrderDoc {
  name: string;
  docstatus: number;
  customer: string;
  po_no?: string;
}

export type InvoiceDeps = Pick<BillingDeps, "erpnext" | "wix" | "state">;

/**
 * The Wix order's submitted Sales Invoice, made from its Sales Order if it has none yet, exactly
 * once: a conditional claim on the order's invoice record, then ERPNext is asked first (a crashed
 * attempt may have inserted it), then the mapper's draft is inserted with
 * `allocate_advances_automatically` (payments already allocated to the Sales Order are pulled in
 * as advances: set_advances, erpnext/controllers/accounts_controller.py), its grand total checked
 * against the Wix total to the cent, and submitted. A total that differs stays a draft and the
 * order is parked with the reason, as for Sales Orders.
 *
 * Throws RetryableError while the order has no Sales Order yet or another delivery is making the
 * invoice. The refunds flow calls this before booking a credit note. Both callers have moved the
 * order record on to an amended Sales Order first (followAmendments, shared/flows/amendments.ts).
 */
export async function ensureSalesInvoice(
  deps: InvoiceDeps,
  { orderId, order }: { orderId: string; order?: WixOrder },
): Promise<SalesInvoiceHead> {
  const { erpnext, state } = deps;
  const known = await state.billing.getInvoice(orderId);
  if (known?.state === "created" && known.salesInvoice)
    return head(await erpnext.get<InvoiceDoc>("Sales Invoice", known.salesInvoice));
  const record = await state.getOrder(orderId);
  if (record?.canceled)
    throw new PermanentError(`order ${record.orderNumber} is canceled: it is not invoiced`);
  if (record?.state !== "created" || !record.salesOrder)
    throw new RetryableError(`order ${orderId} has no Sales Order yet`);
  const wixOrder = order ?? (await deps.wix.getOrder(orderId));
  if (!wixOrder) throw new RetryableError(`Wix order ${orderId} not found`);

  if (!(await state.billing.claimInvoice(orderId, INVOICE_CLAIM_SECONDS))) {
    const now = await state.billing.getInvoice(orderId);
    if (now?.state === "created" && now.salesInvoice)
      return head(await erpnext.get<InvoiceDoc>("Sales Invoice", now.salesInvoice));
    throw new RetryableError(`the invoice of order ${wixOrder.number} is being made by another delivery`);
  }
  try {
    const invoice = await makeInvoice(erpnext, record.salesOrder, wixOrder);
    await state.billing.recordInvoice(orderId, invoice.name);
    return head(invoice);
  } catch (error) {
    // Released, so a retry (or a redrive once the cause is fixed) may claim it straight away.
    await state.billing.releaseInvoice(orderId);
    if (!isRetryable(error) && !(error instanceof PermanentError))
      throw new PermanentError(errorMessage(error), error instanceof SyncError ? error.details : {});
    throw error;
  }
}

/** Under the claim: adopt ours if ERPNext has it, else map, insert as a draft, check, submit. */
async function makeInvoice(
  erpnext: BillingErpnext,
  salesOrder: string,
  order: WixOrder,
): Promise<InvoiceDoc> {
  const so = await erpnext.get<SalesOrderDoc>("Sales Order", salesOrder);
  // Every mapper refuses a source that is not submitted ("validation": {"docstatus": ["=", 1]}).
  if (so.docstatus !== 1)
    throw new PermanentError(`Sales Order ${so.name} is not submitted: it cannot be invoiced`);
  const poNo = so.po_no || order.number;
  let invoice = await findInvoice(erpnext, poNo, so.customer);
  if (!invoice) {
    const draft = await erpnext.call<Record<string, unknown>>(MAKE_SALES_INVOICE, { source_name: so.name });
    // The mapper maps only what is not billed yet: an empty draft means someone invoiced it by hand.
    if (!Array.isArray(draft?.items) || !draft.items.length)
      throw new PermanentError(`Sales Order ${so.name} is billed already by an invoice we did not make`);
    const doc = { ...draft, po_no: poNo, allocate_advances_automatically: 1, docstatus: 0 };
    try {
      invoice = await erpnext.insert<InvoiceDoc>("Sales Invoice", doc);
    } catch (error) {
      // The insert may have committed with its answer lost: if it is there, it is ours.
      const committed = await findInvoice(erpnext, poNo, so.customer);
      if (!committed) throw error;
      invoice = committed;
    }
  }
  if (invoice.docstatus === 0) {
    // grand_total, never rounded_total: that is 0 with disable_rounded_total (copied from the
    // Sales Order; set_rounded_total, erpnext/controllers/taxes_and_totals.py).
    const expected = order.priceSummary.total.amount;
    if (cents(invoice.grand_total) !== cents(expected))
      throw new PermanentError(
        `Sales Invoice ${invoice.name} total ${invoice.grand_total} differs from Wix total ${expected}: left as a draft`,
      );
    invoice = await submit(erpnext, invoice.name);
  }
  return invoice;
}

/** Our live invoice of a Wix order: the order number as `po_no` (copied from the Sales Order), not a return. */
async function findInvoice(
  erpnext: BillingErpnext,
  poNo: string,
  customer: string,
): Promise<InvoiceDoc | undefined> {
  const [found] = await erpnext.list<InvoiceDoc>("Sales Invoice", {
    fields: ["name", "docstatus", "grand_total", "outstanding_amount"],
    filters: [
      ["po_no", "=", poNo],
      ["customer", "=", customer],
      ["is_return", "=", 0],
      ["docstatus", "!=", 2],
    ],
    orderBy: "creation asc",
    pageLength: 1,
  });
  return found;
}

/** Submits a checked draft; a submit whose answer was lost is recognised on the re-read. */
async function submit(erpnext: BillingErpnext, name: string): Promise<InvoiceDoc> {
  try {
    return await erpnext.update<InvoiceDoc>("Sales Invoice", name, { docstatus: 1 });
  } catch (error) {
    const now = await erpnext.get<InvoiceDoc>("Sales Invoice", name).catch(() => undefined);
    if (now?.docstatus !== 1) throw error;
    return now;
  }
}

function head(doc: InvoiceDoc): SalesInvoiceHead {
  return {
    name: doc.name,
    grandTotal: Number(doc.grand_total),
    outstanding: Number(doc.outstanding_amount ?? doc.grand_total),
  };
}

export const cents = (amount: number | string | undefined) => Math.round(Number(amount ?? 0) * 100);
