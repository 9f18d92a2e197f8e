import { COMPANY_CURRENCY, CONVERGE_SECONDS, cents, ERP, PAID_STATUSES, QUEUE_NAMES, WIX } from "./config";
import { publishable } from "./data";
import type { ChildHost } from "./host";
import type { RunResult } from "./scenario";

// --- reading the outcome -------------------------------------------------------------------

export async function erpList<T>(host: ChildHost, doctype: string, fields: string[]): Promise<T[]> {
  const path = `/sandbox/erpnext/api/resource/${encodeURIComponent(doctype)}?fields=${encodeURIComponent(JSON.stringify(fields))}&limit_page_length=0`;
  return (await host.must("GET", path, undefined, ERP)).body.data as T[];
}

export async function wixPages<T>(
  host: ChildHost,
  path: string,
  key: "query" | "search",
  limit: number,
  list: string,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const res = await host.must("POST", path, { [key]: { cursorPaging: { limit, cursor } } }, WIX);
    out.push(...(res.body[list] as T[]));
    const meta = res.body.metadata ?? res.body.pagingMetadata;
    cursor = meta?.cursors?.next || undefined;
  } while (cursor);
  return out;
}

export interface Parked {
  body: { orderId?: string; itemCodes?: string[]; kind?: string };
  reason?: string;
  parkedAs?: string;
}

export interface Outcome {
  converged: boolean;
  wixOrders: number;
  exactlyOne: number;
  parkedByDesign: number;
  parkedOther: string[];
  missing: string[];
  doubles: string[];
  totalsOff: string[];
  phantomSalesOrders: string[];
  paymentsOff: string[];
  customersOff: string[];
  buyers: number;
  publishable: number;
  unpublishable: number;
  priceOff: string[];
  quantityOff: string[];
  itemsMissing: string[];
  forSaleWrongly: string[];
  parkedMessages: Record<string, number>;
  parkedWithoutReason: number;
  parkedRetryable: number;
  parkedReasons: Map<string, number>;
  queued: number;
  /** The audit (POST /jobs/monthly-audit) over the run's day: differences other than parked-by-design. */
  auditOff: string[];
  audited?: { checked: number; differing: number };
}

/** Everything checked at the end, read through the sandboxes' REST APIs and the control routes. */
export async function outcome(host: ChildHost): Promise<Outcome> {
  type Money = { amount: string };
  type Order = {
    id: string;
    number: string;
    status: string;
    currency: string;
    paymentStatus: string;
    priceSummary: { total: Money };
    buyerInfo?: { email?: string };
    lineItems: { quantity: number; physicalProperties?: { sku?: string } }[];
  };
  const orders = await wixPages<Order>(host, "/sandbox/wix/ecom/v1/orders/search", "search", 100, "orders");
  const sos = await erpList<{
    name: string;
    po_no: string;
    grand_total: number;
    docstatus: number;
    customer: string;
  }>(host, "Sales Order", ["name", "po_no", "grand_total", "docstatus", "customer"]);
  const payments = await erpList<{ reference_no: string; docstatus: number }>(host, "Payment Entry", [
    "reference_no",
    "docstatus",
  ]);
  const customers = await erpList<{ name: string; email_id?: string }>(host, "Customer", [
    "name",
    "email_id",
  ]);
  const dlq: Record<string, Parked[]> = {};
  for (const q of QUEUE_NAMES)
    dlq[q] = ((await host.must("GET", `/dlq/${q}`)).body.messages ?? []) as Parked[];
  // 503 while failing (a DLQ not empty is enough): the report is read whatever the status.
  const health = (await host.call("GET", "/health")).body;
  const queued = Object.values(
    (health?.queues ?? {}) as Record<string, { depth?: number; inFlight?: number }>,
  ).reduce((n, q) => n + (q.depth ?? 0) + (q.inFlight ?? 0), 0);

  const o: Outcome = {
    converged: false,
    wixOrders: orders.length,
    exactlyOne: 0,
    parkedByDesign: 0,
    parkedOther: [],
    missing: [],
    doubles: [],
    totalsOff: [],
    phantomSalesOrders: [],
    paymentsOff: [],
    customersOff: [],
    buyers: 0,
    publishable: 0,
    unpublishable: 0,
    priceOff: [],
    quantityOff: [],
    itemsMissing: [],
    forSaleWrongly: [],
    parkedMessages: Object.fromEntries(Object.entries(dlq).map(([q, m]) => [q, m.length])),
    parkedWithoutReason: Object.values(dlq)
      .flat()
      .filter((m) => !m.reason?.trim()).length,
    parkedRetryable: Object.values(dlq)
      .flat()
      .filter((m) => m.parkedAs === "retryable").length,
    parkedReasons: new Map(),
    queued,
    auditOff: [],
  };
  for (const m of Object.values(dlq).flat()) {
    // Reasons grouped by their shape (numbers and ids folded), so a thousand look like one line.
    const shape = (m.reason ?? "(none)").replace(/\d+(\.\d+)?/g, "N").slice(0, 140);
    o.parkedReasons.set(shape, (o.parkedReasons.get(shape) ?? 0) + 1);
  }

  // Orders: exactly one live Sales Order, to the cent, or parked with a reason.
  const parkedOrders = new Map(
    (dlq.orders ?? []).filter((m) => m.parkedAs !== "retryable").map((m) => [m.body.orderId, m]),
  );
  const soByNumber = new Map<string, typeof sos>();
  for (const so of sos) {
    if (so.docstatus === 2) continue;
    soByNumber.set(so.po_no, [...(soByNumber.get(so.po_no) ?? []), so]);
  }
  const numbers = new Set(orders.map((w) => w.number));
  for (const po of soByNumber.keys()) if (!numbers.has(po)) o.phantomSalesOrders.push(po);
  const paidRefs = new Map<string, number>();
  for (const p of payments)
    if (p.docstatus !== 2) paidRefs.set(p.reference_no, (paidRefs.get(p.reference_no) ?? 0) + 1);
  const customerOfBuyer = new Map<string, Set<string>>();
  const heldBySku = new Map<string, number>();
  for (const w of orders) {
    const live = soByNumber.get(w.number) ?? [];
    const parked = parkedOrders.get(w.id);
    if (live.length > 1) o.doubles.push(`#${w.number}: ${live.map((s) => s.name).join(", ")}`);
    else if (live.length === 1) {
      const so = live[0] as (typeof sos)[number];
      if (so.docstatus !== 1) o.totalsOff.push(`#${w.number}: ${so.name} is a draft`);
      else if (cents(so.grand_total) !== cents(w.priceSummary.total.amount))
        o.totalsOff.push(`#${w.number}: ${so.name} ${so.grand_total} vs Wix ${w.priceSummary.total.amount}`);
      else o.exactlyOne++;
      const paidCount = paidRefs.get(w.number) ?? 0;
      if (so.docstatus === 1 && paidCount !== (PAID_STATUSES.has(w.paymentStatus) ? 1 : 0))
        o.paymentsOff.push(`#${w.number}: ${paidCount} Payment Entries (${w.paymentStatus})`);
      const email = w.buyerInfo?.email?.trim().toLowerCase() ?? "";
      customerOfBuyer.set(email, (customerOfBuyer.get(email) ?? new Set()).add(so.customer));
    } else if (parked) {
      if (!parked.reason?.trim()) o.parkedOther.push(`#${w.number}: parked without a reason`);
      else if (w.currency !== COMPANY_CURRENCY && /currency|books in|in [A-Z]{3}/.test(parked.reason))
        o.parkedByDesign++;
      else o.parkedOther.push(`#${w.number} (${w.currency}): ${parked.reason}`);
    } else o.missing.push(`#${w.number} (${w.currency})`);
    // Sold in Wix, not reserved by a submitted Sales Order: the oversell guard holds it back.
    if (!live.some((so) => so.docstatus === 1) && w.status === "APPROVED")
      for (const line of w.lineItems) {
        const sku = line.physicalProperties?.sku;
        if (sku) heldBySku.set(sku, (heldBySku.get(sku) ?? 0) + line.quantity);
      }
  }
  // One customer per buyer: every Sales Order of a buyer names the same customer, and ERPNext
  // holds one customer with that e-mail.
  const byEmail = new Map<string, number>();
  for (const c of customers) {
    const email = c.email_id?.trim().toLowerCase();
    if (email) byEmail.set(email, (byEmail.get(email) ?? 0) + 1);
  }
  o.buyers = customerOfBuyer.size;
  for (const [email, names] of customerOfBuyer) {
    if (names.size !== 1 || byEmail.get(email) !== 1)
      o.customersOff.push(
        `${email}: ${[...names].join(", ")} on orders, ${byEmail.get(email) ?? 0} with the e-mail`,
      );
  }

  // Items: every publishable item for sale in Wix at its ERPNext price with its sellable stock;
  // none of the others for sale.
  const items = await erpList<{ name: string; disabled?: number }>(host, "Item", ["name", "disabled"]);
  const prices = await erpList<{ item_code: string; price_list: string; price_list_rate: unknown }>(
    host,
    "Item Price",
    ["item_code", "price_list", "price_list_rate"],
  );
  const bins = await erpList<{ item_code: string; actual_qty: number; reserved_qty: number }>(host, "Bin", [
    "item_code",
    "actual_qty",
    "reserved_qty",
  ]);
  type Variant = {
    sku: string;
    visible?: boolean;
    price: { actualPrice: Money };
    productData: { visible?: boolean };
  };
  const variants = await wixPages<Variant>(
    host,
    "/sandbox/wix/stores/v3/products/search-variants",
    "search",
    100,
    "variants",
  );
  const inventory = await wixPages<{ quantity?: number; product?: { variantSku?: string } }>(
    host,
    "/sandbox/wix/stores/v3/inventory-items/query",
    "query",
    1000,
    "inventoryItems",
  );
  const priceOf = new Map(
    prices.filter((p) => p.price_list === "Standard Selling").map((p) => [p.item_code, p.price_list_rate]),
  );
  const stockOf = new Map<string, number>();
  for (const b of bins)
    stockOf.set(b.item_code, (stockOf.get(b.item_code) ?? 0) + b.actual_qty - b.reserved_qty);
  const variantOf = new Map(variants.map((v) => [v.sku, v]));
  const quantityOf = new Map(inventory.map((i) => [i.product?.variantSku, i.quantity]));
  const parkedItems = new Map<string, Parked>();
  for (const m of dlq.products ?? []) for (const code of m.body.itemCodes ?? []) parkedItems.set(code, m);
  for (const item of items) {
    const price = priceOf.get(item.name);
    const v = variantOf.get(item.name);
    const forSale = Boolean(v && v.visible !== false && v.productData.visible !== false);
    if (!publishable(price) || item.disabled) {
      o.unpublishable++;
      if (forSale)
        o.forSaleWrongly.push(
          `${JSON.stringify(item.name)} at ${v?.price.actualPrice.amount} (ERPNext: ${JSON.stringify(price)})`,
        );
      continue;
    }
    o.publishable++;
    if (!forSale) {
      const parked = parkedItems.get(item.name);
      if (parked) o.parkedOther.push(`item ${JSON.stringify(item.name)}: ${parked.reason}`);
      else o.itemsMissing.push(JSON.stringify(item.name));
      continue;
    }
    if (cents(v?.price.actualPrice.amount) !== cents(price))
      o.priceOff.push(`${JSON.stringify(item.name)}: Wix ${v?.price.actualPrice.amount}, ERPNext ${price}`);
    const expected = Math.max(0, (stockOf.get(item.name) ?? 0) - (heldBySku.get(item.name) ?? 0));
    if (quantityOf.get(item.name) !== expected)
      o.quantityOff.push(
        `${JSON.stringify(item.name)}: Wix ${quantityOf.get(item.name)}, expected ${expected}`,
      );
  }
  o.converged =
    queued === 0 &&
    o.parkedRetryable === 0 &&
    [
      o.missing,
      o.doubles,
      o.totalsOff,
      o.paymentsOff,
      o.customersOff,
      o.priceOff,
      o.quantityOff,
      o.itemsMissing,
      o.forSaleWrongly,
      o.phantomSalesOrders,
    ].every((l) => l.length === 0);
  // The books agree: the audit finds no difference but the orders parked by design (their currency).
  if (o.converged) {
    await audit(host, o, new Map(orders.map((w) => [w.number, w.currency])));
    o.converged = o.auditOff.length === 0;
  }
  return o;
}

/** The audit job over the run's orders (all updated today, whatever the clock: yesterday to tomorrow). */
export async function audit(host: ChildHost, o: Outcome, currencyOf: Map<string, string>): Promise<void> {
  const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
  const res = await host.call("POST", `/jobs/monthly-audit?from=${day(-1)}&to=${day(1)}`);
  if (res.status !== 200) {
    o.auditOff = [`the audit did not run: ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`];
    return;
  }
  const result = res.body as {
    checked: number;
    differing: number;
    differences: { orderNumber: string; kind: string; detail: string; reason?: string }[];
    leftOut: number;
  };
  o.audited = { checked: result.checked, differing: result.differing };
  o.auditOff = result.differences
    .filter(
      (d) =>
        !(
          d.kind === "parked" &&
          currencyOf.get(d.orderNumber) !== COMPANY_CURRENCY &&
          /currency|books in|in [A-Z]{3}/.test(d.reason ?? "")
        ),
    )
    .map((d) => `#${d.orderNumber} ${d.kind}: ${d.detail}`);
  if (result.leftOut) o.auditOff.push(`${result.leftOut} more differences not listed`);
}

// --- report --------------------------------------------------------------------------------

/** The invariants; each failure is a line. */
export function failures(r: RunResult): string[] {
  const f = r.final;
  const out: string[] = [];
  const list = (what: string, lines: string[]) => {
    if (lines.length) out.push(`${r.label}: ${lines.length} ${what}: ${lines.slice(0, 5).join("; ")}`);
  };
  if (!f.converged) out.push(`${r.label}: did not converge within ${CONVERGE_SECONDS} s`);
  list("Wix orders with more than one Sales Order", f.doubles);
  list("Wix orders with no Sales Order and not parked (lost, or not synced yet if not converged)", f.missing);
  list("Sales Orders off the Wix total (or left drafts)", f.totalsOff);
  list("Sales Orders of no Wix order", f.phantomSalesOrders);
  list("paid orders without exactly one Payment Entry", f.paymentsOff);
  list("buyers without exactly one customer", f.customersOff);
  list("items priced differently in Wix", f.priceOff);
  list("items with another quantity in Wix", f.quantityOff);
  list("publishable items not for sale in Wix and not parked (lost, or not synced yet)", f.itemsMissing);
  list("unpriced items for sale in Wix", f.forSaleWrongly);
  list("parked for a reason the faults should not cause", f.parkedOther);
  list("audit differences (other than orders parked by design)", f.auditOff);
  list("orders to ship or refund not booked in ERPNext in time (skipped)", r.afterSale.notReady);
  if (f.parkedWithoutReason)
    out.push(`${r.label}: ${f.parkedWithoutReason} parked message(s) without a reason`);
  return out;
}
