import type { AfterSale, PassSettings } from "./after-sale";
import {
  type ChaosSite,
  COMPANY_CURRENCY,
  CONVERGE_SECONDS,
  cents,
  ERP,
  erpRef,
  MULTI_SITE,
  orderLabel,
  PAID_STATUSES,
  QUEUE_NAMES,
  SITES,
} from "./config";
import { publishable } from "./data";
import type { ChildHost } from "./host";
import type { RunResult } from "./scenario";

// --- reading the outcome -------------------------------------------------------------------

export async function erpList<T>(host: ChildHost, doctype: string, fields: string[]): Promise<T[]> {
  const path = `/sandbox/erpnext/api/resource/${encodeURIComponent(doctype)}?fields=${encodeURIComponent(JSON.stringify(fields))}&limit_page_length=0`;
  return (await host.must("GET", path, undefined, ERP)).body.data as T[];
}

/** Every page of a Wix query or search on `site`'s sandbox Wix (`path` under its control path). */
export async function wixPages<T>(
  host: ChildHost,
  path: string,
  key: "query" | "search",
  limit: number,
  list: string,
  site: ChaosSite,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const res = await host.must("POST", path, { [key]: { cursorPaging: { limit, cursor } } }, site.headers);
    out.push(...(res.body[list] as T[]));
    const meta = res.body.metadata ?? res.body.pagingMetadata;
    cursor = meta?.cursors?.next || undefined;
  } while (cursor);
  return out;
}

export interface Parked {
  body: { orderId?: string; itemCodes?: string[]; kind?: string; site?: string };
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
  /** Sales Orders not made with their site's settings (its warehouse). */
  settingsOff: string[];
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
  /** Everything but the after-sale checks (cancelled orders among them) and the audit holds. */
  baseConverged: boolean;
  /** Wix orders cancelled in Wix whose Sales Order is still live. */
  cancelledOff: string[];
  /** Wix orders whose fulfilled quantities per SKU differ from their submitted Delivery Notes'. */
  fulfilmentOff: string[];
  /** FULFILMENT_SOURCE=wix: Wix fulfilments without exactly one submitted Delivery Note, or whose stock stayed. */
  wixNotesOff: string[];
  /** Amended Sales Orders: the original not cancelled, the amendment not live, or not fulfilled in Wix. */
  amendedOff: string[];
  /** Cancelled-then-refunded orders: a live Sales Order, not one payment in and one out, or stock still reserved. */
  cancelRefundOff: string[];
  /** INVOICE_ON=fulfilment: delivered orders without exactly one Sales Invoice equal to the Wix total. */
  invoicesOff: string[];
}

type Money = { amount: string };
type Order = {
  id: string;
  number: string;
  status: string;
  currency: string;
  paymentStatus: string;
  priceSummary: { total: Money };
  buyerInfo?: { email?: string };
  fulfillmentStatus?: string;
  lineItems: { id: string; quantity: number; physicalProperties?: { sku?: string } }[];
};
type SalesOrderRow = {
  name: string;
  po_no: string;
  grand_total: number;
  docstatus: number;
  customer: string;
  status?: string;
  set_warehouse?: string;
  /** The Wix site of the order (setup's Custom Field), read with several sites. */
  wix_site?: string;
};
type Payment = { reference_no: string; docstatus: number; payment_type?: string; paid_to?: string };

/** Everything checked at the end, read through the sandboxes' REST APIs and the control routes. */
export async function outcome(
  host: ChildHost,
  settings: PassSettings,
  afterSales: AfterSale[],
): Promise<Outcome> {
  // ERPNext is one for every site: read once. Order numbers repeat across sites (each Wix site
  // counts its own): ERPNext references a site's order by erpRef, and with several sites a Sales
  // Order must also record its site (wix_site) and a payment go to the site's account.
  const sos = await erpList<SalesOrderRow>(host, "Sales Order", [
    "name",
    "po_no",
    "grand_total",
    "docstatus",
    "customer",
    "status",
    "set_warehouse",
    ...(MULTI_SITE ? ["wix_site"] : []),
  ]);
  const payments = await erpList<Payment>(host, "Payment Entry", [
    "reference_no",
    "docstatus",
    "payment_type",
    "paid_to",
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
    wixOrders: 0,
    exactlyOne: 0,
    parkedByDesign: 0,
    parkedOther: [],
    missing: [],
    doubles: [],
    totalsOff: [],
    phantomSalesOrders: [],
    settingsOff: [],
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
    baseConverged: false,
    cancelledOff: [],
    fulfilmentOff: [],
    wixNotesOff: [],
    amendedOff: [],
    cancelRefundOff: [],
    invoicesOff: [],
  };
  for (const m of Object.values(dlq).flat()) {
    // Reasons grouped by their shape (numbers and ids folded), so a thousand look like one line.
    const shape = (m.reason ?? "(none)").replace(/\d+(\.\d+)?/g, "N").slice(0, 140);
    o.parkedReasons.set(shape, (o.parkedReasons.get(shape) ?? 0) + 1);
  }

  // Orders: exactly one live Sales Order, to the cent, with the site's settings, or parked with a reason.
  const parkedOrders = new Map(
    (dlq.orders ?? []).filter((m) => m.parkedAs !== "retryable").map((m) => [m.body.orderId, m]),
  );
  const catalog: ErpCatalog = {
    items: await erpList(host, "Item", ["name", "disabled"]),
    prices: await erpList(host, "Item Price", ["item_code", "price_list", "price_list_rate"]),
    bins: await erpList(host, "Bin", ["item_code", "warehouse", "actual_qty", "reserved_qty"]),
  };
  const known = new Set(SITES.map((s) => s.name));
  for (const so of sos)
    if (MULTI_SITE && so.docstatus !== 2 && !known.has(so.wix_site ?? ""))
      o.phantomSalesOrders.push(`${so.name} (#${so.po_no}): wix_site ${JSON.stringify(so.wix_site ?? null)}`);
  const paidRefs = new Map<string, number>();
  for (const p of payments)
    if (p.docstatus !== 2) paidRefs.set(paymentKey(p), (paidRefs.get(paymentKey(p)) ?? 0) + 1);
  const customerOfBuyer = new Map<string, Set<string>>();
  const sites: SiteRead[] = [];
  for (const [s, site] of SITES.entries()) {
    const orders = await wixPages<Order>(
      host,
      `${site.wix}/ecom/v1/orders/search`,
      "search",
      100,
      "orders",
      site,
    );
    const mine = MULTI_SITE ? sos.filter((so) => so.wix_site === site.name) : sos;
    sites.push({ site, orders, sos: mine, afterSale: afterSales[s] as AfterSale });
    o.wixOrders += orders.length;
    const label = (number: string) => orderLabel(site, number);
    const soByNumber = new Map<string, SalesOrderRow[]>();
    for (const so of mine) {
      if (so.docstatus === 2) continue;
      soByNumber.set(so.po_no, [...(soByNumber.get(so.po_no) ?? []), so]);
      if (so.set_warehouse !== site.warehouse)
        o.settingsOff.push(`${label(so.po_no)}: ${so.name} from ${so.set_warehouse}, not ${site.warehouse}`);
    }
    const refs = new Set(orders.map((w) => erpRef(site, w.number)));
    for (const po of soByNumber.keys()) if (!refs.has(po)) o.phantomSalesOrders.push(label(po));
    const heldBySku = new Map<string, number>();
    for (const w of orders) {
      const live = soByNumber.get(erpRef(site, w.number)) ?? [];
      const parked = parkedOrders.get(w.id);
      if (w.status === "CANCELED") {
        // Cancelled in Wix: its Sales Order is cancelled too (none live), whatever was paid; an
        // invoiced one is Closed once credited in full (ERPNext refuses to cancel it: orders/cancel.ts).
        const open = live.filter((so) => so.status !== "Closed");
        if (open.length)
          o.cancelledOff.push(`${label(w.number)}: ${open.map((so) => so.name).join(", ")} still live`);
      } else if (live.length > 1) o.doubles.push(`${label(w.number)}: ${live.map((s) => s.name).join(", ")}`);
      else if (live.length === 1) {
        const so = live[0] as SalesOrderRow;
        if (so.docstatus !== 1) o.totalsOff.push(`${label(w.number)}: ${so.name} is a draft`);
        else if (cents(so.grand_total) !== cents(w.priceSummary.total.amount))
          o.totalsOff.push(
            `${label(w.number)}: ${so.name} ${so.grand_total} vs Wix ${w.priceSummary.total.amount}`,
          );
        else o.exactlyOne++;
        const paidCount =
          paidRefs.get(paymentKey({ reference_no: erpRef(site, w.number), paid_to: site.paymentAccount })) ??
          0;
        if (so.docstatus === 1 && paidCount !== (PAID_STATUSES.has(w.paymentStatus) ? 1 : 0))
          o.paymentsOff.push(`${label(w.number)}: ${paidCount} Payment Entries (${w.paymentStatus})`);
        // One buyer on several sites is one customer.
        const email = w.buyerInfo?.email?.trim().toLowerCase() ?? "";
        customerOfBuyer.set(email, (customerOfBuyer.get(email) ?? new Set()).add(so.customer));
      } else if (parked) {
        if (!parked.reason?.trim()) o.parkedOther.push(`${label(w.number)}: parked without a reason`);
        else if (w.currency !== COMPANY_CURRENCY && /currency|books in|in [A-Z]{3}/.test(parked.reason))
          o.parkedByDesign++;
        else o.parkedOther.push(`${label(w.number)} (${w.currency}): ${parked.reason}`);
      } else o.missing.push(`${label(w.number)} (${w.currency})`);
      // Sold in Wix, not reserved by a submitted Sales Order: the oversell guard holds it back.
      if (!live.some((so) => so.docstatus === 1) && w.status === "APPROVED")
        for (const line of w.lineItems) {
          const sku = line.physicalProperties?.sku;
          if (sku) heldBySku.set(sku, (heldBySku.get(sku) ?? 0) + line.quantity);
        }
    }
    await itemChecks(host, o, catalog, site, heldBySku, dlq.products ?? []);
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
  o.converged =
    queued === 0 &&
    o.parkedRetryable === 0 &&
    [
      o.missing,
      o.doubles,
      o.totalsOff,
      o.settingsOff,
      o.paymentsOff,
      o.customersOff,
      o.priceOff,
      o.quantityOff,
      o.itemsMissing,
      o.forSaleWrongly,
      o.phantomSalesOrders,
    ].every((l) => l.length === 0);
  o.baseConverged = o.converged;
  // What the merchant did after the sale, then the books: the audit finds no difference but the
  // orders parked by design (their currency). Both read much more, so only once the rest holds.
  if (o.baseConverged) {
    await afterSaleChecks(host, o, sites, payments, settings);
    await audit(host, o, sites);
    o.converged = [
      o.cancelledOff,
      o.fulfilmentOff,
      o.wixNotesOff,
      o.amendedOff,
      o.cancelRefundOff,
      o.invoicesOff,
      o.auditOff,
    ].every((l) => l.length === 0);
  }
  return o;
}

/** A Payment Entry's key: its order number, and with several sites the site's account it was paid to. */
const paymentKey = (p: { reference_no: string; paid_to?: string }) =>
  MULTI_SITE ? `${p.paid_to} ${p.reference_no}` : p.reference_no;

/** ERPNext's items, prices and stock, read once for every site. */
interface ErpCatalog {
  items: { name: string; disabled?: number }[];
  prices: { item_code: string; price_list: string; price_list_rate: unknown }[];
  bins: { item_code: string; warehouse: string; actual_qty: number; reserved_qty: number }[];
}

/** What outcome() read of one site, for the after-sale checks and the audit. */
interface SiteRead {
  site: ChaosSite;
  orders: Order[];
  /** Its Sales Orders (all, with one site). */
  sos: SalesOrderRow[];
  afterSale: AfterSale;
}

/**
 * Items on one site: every item with a publishable price in the site's price list is for sale on
 * its Wix at that price with the sellable stock of its warehouse (with one site: of them all);
 * none of the others for sale there.
 */
async function itemChecks(
  host: ChildHost,
  o: Outcome,
  catalog: ErpCatalog,
  site: ChaosSite,
  heldBySku: Map<string, number>,
  parkedProducts: Parked[],
): Promise<void> {
  const label = (text: string) => (MULTI_SITE ? `${site.name}: ${text}` : text);
  const { items, prices, bins } = catalog;
  type Variant = {
    sku: string;
    visible?: boolean;
    price: { actualPrice: Money };
    productData: { visible?: boolean };
  };
  const variants = await wixPages<Variant>(
    host,
    `${site.wix}/stores/v3/products/search-variants`,
    "search",
    100,
    "variants",
    site,
  );
  const inventory = await wixPages<{ quantity?: number; product?: { variantSku?: string } }>(
    host,
    `${site.wix}/stores/v3/inventory-items/query`,
    "query",
    1000,
    "inventoryItems",
    site,
  );
  const priceOf = new Map(
    prices.filter((p) => p.price_list === site.priceList).map((p) => [p.item_code, p.price_list_rate]),
  );
  const stockOf = new Map<string, number>();
  for (const b of bins)
    if (!MULTI_SITE || b.warehouse === site.warehouse)
      stockOf.set(b.item_code, (stockOf.get(b.item_code) ?? 0) + b.actual_qty - b.reserved_qty);
  const variantOf = new Map(variants.map((v) => [v.sku, v]));
  const quantityOf = new Map(inventory.map((i) => [i.product?.variantSku, i.quantity]));
  // An item parked for this site (a message naming it), or for every site (naming none).
  const parkedItems = new Map<string, Parked>();
  for (const m of parkedProducts)
    if (!MULTI_SITE || !m.body.site || m.body.site === site.name)
      for (const code of m.body.itemCodes ?? []) parkedItems.set(code, m);
  for (const item of items) {
    const price = priceOf.get(item.name);
    const v = variantOf.get(item.name);
    const forSale = Boolean(v && v.visible !== false && v.productData.visible !== false);
    if (!publishable(price) || item.disabled) {
      o.unpublishable++;
      if (forSale)
        o.forSaleWrongly.push(
          label(
            `${JSON.stringify(item.name)} at ${v?.price.actualPrice.amount} (ERPNext: ${JSON.stringify(price)})`,
          ),
        );
      continue;
    }
    o.publishable++;
    if (!forSale) {
      const parked = parkedItems.get(item.name);
      if (parked) o.parkedOther.push(label(`item ${JSON.stringify(item.name)}: ${parked.reason}`));
      else o.itemsMissing.push(label(JSON.stringify(item.name)));
      continue;
    }
    if (cents(v?.price.actualPrice.amount) !== cents(price))
      o.priceOff.push(
        label(`${JSON.stringify(item.name)}: Wix ${v?.price.actualPrice.amount}, ERPNext ${price}`),
      );
    const expected = Math.max(0, (stockOf.get(item.name) ?? 0) - (heldBySku.get(item.name) ?? 0));
    if (quantityOf.get(item.name) !== expected)
      o.quantityOff.push(
        label(`${JSON.stringify(item.name)}: Wix ${quantityOf.get(item.name)}, expected ${expected}`),
      );
  }
}

type Doc = Record<string, unknown>;
type NoteRow = { item_code: string; qty: number; against_sales_order?: string };
type SoItem = { item_code: string; qty: number; delivered_qty?: number };

/** Quantities per SKU, for comparing one side with the other. */
const add = (m: Map<string, number>, sku: string, qty: number) => m.set(sku, (m.get(sku) ?? 0) + qty);
const same = (a: Map<string, number>, b: Map<string, number>) =>
  [...new Set([...a.keys(), ...b.keys()])].every((k) => (a.get(k) ?? 0) === (b.get(k) ?? 0));
const shown = (m: Map<string, number>) =>
  [...m].map(([sku, q]) => `${JSON.stringify(sku)} x${q}`).join(", ") || "nothing";

/**
 * The after-sale invariants, from both sandboxes' REST APIs:
 * - every Wix order is fulfilled in Wix with exactly the quantities, SKU by SKU, that its own
 *   submitted Delivery Notes deliver (rows matched by `against_sales_order`, so a note for two
 *   orders counts for each its own rows; returns left out: a refund does not unfulfil);
 * - FULFILMENT_SOURCE=wix: each Wix fulfilment has exactly one submitted Delivery Note
 *   (`wix_fulfillment_id`) and its stock left ERPNext (Stock Ledger Entries of the note);
 * - an amended Sales Order: the original cancelled, the amendment submitted, shipped and fulfilled;
 * - cancelled in Wix then refunded: no live Sales Order, one Payment Entry in and one out (the
 *   refund's), nothing reserved for it (the Bins hold what the open orders still owe, no more);
 * - INVOICE_ON=fulfilment: each fully delivered order has exactly one Sales Invoice, of the Wix
 *   total (billing invoices the whole order once its Sales Order is fully delivered); a partly
 *   delivered one has at most one (a refund invoices it first: invoice-then-credit).
 */
async function afterSaleChecks(
  host: ChildHost,
  o: Outcome,
  sites: SiteRead[],
  payments: Payment[],
  settings: PassSettings,
): Promise<void> {
  // The submitted Delivery Notes and their rows, read once for every site.
  const notes: Note[] = [];
  for (const note of await erpList<Omit<Note, "items">>(host, "Delivery Note", [
    "name",
    "docstatus",
    "is_return",
    "wix_fulfillment_id",
  ]))
    if (note.docstatus === 1 && !note.is_return)
      notes.push({ ...note, items: (await erpDoc(host, "Delivery Note", note.name)).items as NoteRow[] });
  for (const read of sites) await siteAfterSaleChecks(host, o, read, notes, payments, settings);
}

type Note = {
  name: string;
  docstatus: number;
  is_return?: number;
  wix_fulfillment_id?: string;
  items: NoteRow[];
};

const erpDoc = async (host: ChildHost, doctype: string, name: string) =>
  (
    await host.must(
      "GET",
      `/sandbox/erpnext/api/resource/${encodeURIComponent(doctype)}/${encodeURIComponent(name)}`,
      undefined,
      ERP,
    )
  ).body.data as Doc;

/** One site's after-sale checks (afterSaleChecks): its orders, its Sales Orders, its Wix. */
async function siteAfterSaleChecks(
  host: ChildHost,
  o: Outcome,
  read: SiteRead,
  notes: Note[],
  payments: Payment[],
  settings: PassSettings,
): Promise<void> {
  const { site, afterSale } = read;
  const label = (number: string) => orderLabel(site, number);
  // Only rows against this site's Sales Orders count (names are unique across sites), by Wix number.
  const numberOf = new Map(read.orders.map((w) => [erpRef(site, w.number), w.number]));
  const poOf = new Map(read.sos.map((so) => [so.name, numberOf.get(so.po_no) ?? `(po_no ${so.po_no})`]));
  const delivered = new Map<string, Map<string, number>>();
  const notesOfSo = new Map<string, string[]>();
  const noteQty = new Map<string, number>();
  for (const note of notes) {
    for (const row of note.items) {
      const number = poOf.get(row.against_sales_order ?? "");
      if (!number) continue;
      if (!delivered.has(number)) delivered.set(number, new Map());
      add(delivered.get(number) as Map<string, number>, row.item_code, Number(row.qty));
      const so = row.against_sales_order as string;
      notesOfSo.set(so, [...new Set([...(notesOfSo.get(so) ?? []), note.name])]);
      noteQty.set(note.name, (noteQty.get(note.name) ?? 0) + Number(row.qty));
    }
  }

  // Wix fulfilments of every order that has some on either side (100 orders a call).
  const byNumber = new Map(read.orders.map((w) => [w.number, w]));
  const shipped = read.orders.filter(
    (w) => (w.fulfillmentStatus && w.fulfillmentStatus !== "NOT_FULFILLED") || delivered.has(w.number),
  );
  type Fulfilment = { id: string; lineItems: { id: string; quantity: number }[] };
  const fulfilmentsOf = new Map<string, Fulfilment[]>();
  for (let i = 0; i < shipped.length; i += 100) {
    const res = await host.must(
      "POST",
      `${site.wix}/ecom/v1/fulfillments/list-by-ids`,
      { orderIds: shipped.slice(i, i + 100).map((w) => w.id) },
      site.headers,
    );
    for (const entry of res.body.ordersWithFulfillments as { orderId: string; fulfillments?: Fulfilment[] }[])
      fulfilmentsOf.set(entry.orderId, entry.fulfillments ?? []);
  }
  for (const w of shipped) {
    const skuOf = new Map(w.lineItems.map((l) => [l.id, l.physicalProperties?.sku ?? `(line ${l.id})`]));
    const inWix = new Map<string, number>();
    for (const f of fulfilmentsOf.get(w.id) ?? [])
      for (const l of f.lineItems) add(inWix, skuOf.get(l.id) ?? `(line ${l.id})`, l.quantity);
    const inErpnext = delivered.get(w.number) ?? new Map();
    if (!same(inWix, inErpnext))
      o.fulfilmentOff.push(`${label(w.number)}: Wix ${shown(inWix)}; Delivery Notes ${shown(inErpnext)}`);
  }

  if (settings.fulfilmentSource === "wix") {
    const ledger = await erpList<{ voucher_no: string; actual_qty: number }>(host, "Stock Ledger Entry", [
      "voucher_no",
      "actual_qty",
    ]);
    const moved = new Map<string, number>();
    for (const sle of ledger)
      moved.set(sle.voucher_no, (moved.get(sle.voucher_no) ?? 0) + Number(sle.actual_qty));
    for (const w of shipped)
      for (const f of fulfilmentsOf.get(w.id) ?? []) {
        const made = notes.filter((n) => n.wix_fulfillment_id === f.id);
        if (made.length !== 1)
          o.wixNotesOff.push(
            `${label(w.number)} fulfilment ${f.id}: ${made.length} submitted Delivery Notes`,
          );
        else if ((moved.get(made[0]?.name as string) ?? 0) !== -(noteQty.get(made[0]?.name as string) ?? 0))
          o.wixNotesOff.push(`${label(w.number)} ${made[0]?.name}: stock did not leave ERPNext`);
      }
  }

  const docstatusOf = new Map(read.sos.map((so) => [so.name, so.docstatus]));
  for (const a of afterSale.amended) {
    const w = byNumber.get(a.number);
    if (docstatusOf.get(a.from) !== 2)
      o.amendedOff.push(`${label(a.number)}: ${a.from} (amended) is not cancelled`);
    if (docstatusOf.get(a.to) !== 1)
      o.amendedOff.push(`${label(a.number)}: ${a.to} (the amendment) is not submitted`);
    if (!notesOfSo.get(a.to)?.length)
      o.amendedOff.push(`${label(a.number)}: no submitted Delivery Note against ${a.to}`);
    if (!w || !(fulfilmentsOf.get(w.id) ?? []).length)
      o.amendedOff.push(`${label(a.number)}: no fulfilment in Wix for ${a.to}`);
  }

  if (afterSale.cancelledAndRefunded.length) {
    // What the site's open orders still owe, per item: the Bins (of its warehouse, with several
    // sites) must reserve exactly that.
    const owed = new Map<string, number>();
    for (const so of read.sos.filter((s) => s.docstatus === 1)) {
      const doc = await erpDoc(host, "Sales Order", so.name);
      if (doc.status === "Closed") continue;
      for (const row of doc.items as SoItem[])
        add(owed, row.item_code, Math.max(0, Number(row.qty) - Number(row.delivered_qty ?? 0)));
    }
    const reserved = new Map<string, number>();
    for (const b of await erpList<{ item_code: string; warehouse: string; reserved_qty: number }>(
      host,
      "Bin",
      ["item_code", "warehouse", "reserved_qty"],
    ))
      if (!MULTI_SITE || b.warehouse === site.warehouse) add(reserved, b.item_code, Number(b.reserved_qty));
    for (const c of afterSale.cancelledAndRefunded) {
      const mine = read.sos.filter((so) => so.po_no === erpRef(site, c.number));
      if (!mine.length || mine.some((so) => so.docstatus !== 2 && so.status !== "Closed"))
        o.cancelRefundOff.push(
          `${label(c.number)}: Sales Orders ${mine.map((so) => `${so.name} (docstatus ${so.docstatus}, ${so.status})`).join(", ") || "none"}`,
        );
      const tx = await host.must(
        "GET",
        `${site.wix}/ecom/v1/payments/orders/${c.id}`,
        undefined,
        site.headers,
      );
      const refundIds = new Set(
        ((tx.body.orderTransactions?.refunds ?? []) as { id: string }[]).map((r) => r.id),
      );
      const live = payments.filter((p) => p.docstatus === 1);
      const inKey = paymentKey({ reference_no: erpRef(site, c.number), paid_to: site.paymentAccount });
      const paidIn = live.filter((p) => p.payment_type === "Receive" && paymentKey(p) === inKey).length;
      const paidOut = live.filter((p) => p.payment_type === "Pay" && refundIds.has(p.reference_no)).length;
      if (paidIn !== 1 || paidOut !== 1)
        o.cancelRefundOff.push(
          `${label(c.number)}: ${paidIn} Payment Entries in, ${paidOut} out (expected 1 and 1)`,
        );
      for (const line of byNumber.get(c.number)?.lineItems ?? []) {
        const sku = line.physicalProperties?.sku;
        if (sku && (reserved.get(sku) ?? 0) !== (owed.get(sku) ?? 0))
          o.cancelRefundOff.push(
            `${label(c.number)}: ${JSON.stringify(sku)} reserved ${reserved.get(sku) ?? 0}, open orders owe ${owed.get(sku) ?? 0}`,
          );
      }
    }
  }

  if (settings.invoiceOn === "fulfilment") {
    const invoices = (
      await erpList<{
        name: string;
        po_no: string;
        grand_total: number;
        docstatus: number;
        is_return?: number;
      }>(host, "Sales Invoice", ["name", "po_no", "grand_total", "docstatus", "is_return"])
    ).filter((si) => si.docstatus === 1 && !si.is_return);
    for (const w of shipped) {
      if (!delivered.has(w.number) || w.status === "CANCELED") continue;
      const ordered = new Map<string, number>();
      for (const l of w.lineItems) add(ordered, l.physicalProperties?.sku ?? `(line ${l.id})`, l.quantity);
      const inErpnext = delivered.get(w.number) ?? new Map<string, number>();
      const whole = [...ordered].every(([sku, qty]) => (inErpnext.get(sku) ?? 0) >= qty);
      const mine = invoices.filter((si) => si.po_no === erpRef(site, w.number));
      if (!whole) {
        if (mine.length > 1)
          o.invoicesOff.push(`${label(w.number)}: partly delivered, ${mine.length} Sales Invoices`);
        continue;
      }
      if (mine.length !== 1)
        o.invoicesOff.push(
          `${label(w.number)}: ${mine.length} Sales Invoices (${mine.map((si) => si.name).join(", ")})`,
        );
      else if (cents(mine[0]?.grand_total) !== cents(w.priceSummary.total.amount))
        o.invoicesOff.push(
          `${label(w.number)}: ${mine[0]?.name} ${mine[0]?.grand_total} vs Wix ${w.priceSummary.total.amount}`,
        );
    }
  }
}

/**
 * The audit job over the run's orders (all updated today, whatever the clock: yesterday to
 * tomorrow). With several sites it runs per site and answers {sites: {name: result}} (functions/jobs.ts).
 */
export async function audit(host: ChildHost, o: Outcome, sites: SiteRead[]): Promise<void> {
  const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
  const res = await host.call("POST", `/jobs/monthly-audit?from=${day(-1)}&to=${day(1)}`);
  if (res.status !== 200) {
    o.auditOff = [`the audit did not run: ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`];
    return;
  }
  type AuditAnswer = {
    checked: number;
    differing: number;
    differences: { orderNumber: string; kind: string; detail: string; reason?: string }[];
    leftOut: number;
  };
  o.auditOff = [];
  o.audited = { checked: 0, differing: 0 };
  for (const { site, orders } of sites) {
    const result = (MULTI_SITE ? res.body.sites?.[site.name] : res.body) as AuditAnswer | undefined;
    if (!result?.differences) {
      o.auditOff.push(`${site.name}: no audit result in ${JSON.stringify(res.body)?.slice(0, 200)}`);
      continue;
    }
    // By the Wix number or the ERPNext reference, whichever the audit names the order by.
    const currencyOf = new Map(
      orders.flatMap((w) => [
        [w.number, w.currency],
        [erpRef(site, w.number), w.currency],
      ]),
    );
    o.audited.checked += result.checked;
    o.audited.differing += result.differing;
    o.auditOff.push(
      ...result.differences
        .filter(
          (d) =>
            !(
              d.kind === "parked" &&
              currencyOf.get(d.orderNumber) !== COMPANY_CURRENCY &&
              /currency|books in|in [A-Z]{3}/.test(d.reason ?? "")
            ),
        )
        .map((d) => `${orderLabel(site, d.orderNumber)} ${d.kind}: ${d.detail}`),
    );
    if (result.leftOut)
      o.auditOff.push(`${orderLabel(site, "")}: ${result.leftOut} more differences not listed`);
  }
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
  list("Sales Orders not from their site's warehouse", f.settingsOff);
  list("paid orders without exactly one Payment Entry", f.paymentsOff);
  list("buyers without exactly one customer", f.customersOff);
  list("items priced differently in Wix", f.priceOff);
  list("items with another quantity in Wix", f.quantityOff);
  list("publishable items not for sale in Wix and not parked (lost, or not synced yet)", f.itemsMissing);
  list("unpriced items for sale in Wix", f.forSaleWrongly);
  list("parked for a reason the faults should not cause", f.parkedOther);
  list("audit differences (other than orders parked by design)", f.auditOff);
  list("Wix orders cancelled in Wix with a live Sales Order", f.cancelledOff);
  list("Wix orders fulfilled in Wix otherwise than their own Delivery Notes deliver", f.fulfilmentOff);
  list("Wix fulfilments without exactly one submitted Delivery Note (or stock that stayed)", f.wixNotesOff);
  list("amended Sales Orders not shipped and fulfilled", f.amendedOff);
  list("orders cancelled then refunded not booked right", f.cancelRefundOff);
  list(
    "fully delivered orders without exactly one Sales Invoice of their total (INVOICE_ON=fulfilment)",
    f.invoicesOff,
  );
  list("orders to ship or refund not booked in ERPNext in time (skipped)", r.afterSale.notReady);
  list("after-sale steps refused by ERPNext or Wix", r.afterSale.refused);
  if (f.parkedWithoutReason)
    out.push(`${r.label}: ${f.parkedWithoutReason} parked message(s) without a reason`);
  return out;
}
