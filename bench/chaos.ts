/**
 * `npm run chaos`: the local host (`npm start`, a child process with its own DATA_DIR) against the
 * sandboxes, fed a hostile catalog and a stream of checkouts whose order events arrive three times
 * each, at once and out of order, while both APIs fail a share of their calls (429, 5xx, timeouts,
 * and writes that commit but lose their answer), Wix goes down for longer than the retry budget,
 * and the host is killed with SIGKILL half-way. Still under the faults, the merchant ships some
 * orders (Delivery Notes in ERPNext: the shipments flow makes the Wix fulfilments) and refunds
 * some paid ones in Wix (partly or fully: the refunds flow books Credit Notes and payments out).
 * Once the faults stop it waits for the integration
 * to converge by itself (its jobs, nudged), then reads both sandboxes through their REST APIs and
 * checks the invariants, the audit last (`POST /jobs/monthly-audit` over the run's day: no
 * difference but the orders parked by design). A clean run of the same scenario (no faults, no kill) in the same
 * invocation is the baseline. Exits 1 if an invariant fails, 0 otherwise.
 *
 * Only 127.0.0.1 is ever contacted. Figures are printed, never asserted on time.
 *
 *   CHAOS_ITEMS=500 CHAOS_ORDERS=250            size of the chaos run (full size: 2000 and 1000,
 *                                               with CHAOS_CONVERGE_SECONDS=1200)
 *   CHAOS_BASELINE_ITEMS=200 CHAOS_BASELINE_ORDERS=100   size of the clean baseline run
 *   CHAOS_FAULT_RATE=0.2      share of API calls failed while the faults are on (0-0.5)
 *   CHAOS_OUTAGE_SECONDS=120  Wix answers 503 to everything this long (5 receives take ~90 s)
 *   CHAOS_CONVERGE_SECONDS=300  how long the integration gets to converge once faults stop
 *   CHAOS_KEEP=1              keep the DATA_DIRs (host.log, sandbox.json) for a post-mortem
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ERPNEXT_COUNTRIES } from "#infra/sandbox/countries";
import { MAKE_DELIVERY_NOTE } from "#shared/erpnext/client";

function knob(name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = process.env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > max) {
    console.error(`${name}: expected a number from 0 to ${max}, got "${text}"`);
    process.exit(2);
  }
  return value;
}

/**
 * The issue asks for 2,000 items and 1,000 orders; on a 2-core machine the local host does not work
 * that backlog off within a 5-minute window (README: "Chaos run"), so the default run is a quarter
 * of it (about 8 minutes).
 */
const FULL = { items: 2000, orders: 1000 };
const CHAOS = { items: knob("CHAOS_ITEMS", 500), orders: knob("CHAOS_ORDERS", 250) };
const BASELINE = { items: knob("CHAOS_BASELINE_ITEMS", 200), orders: knob("CHAOS_BASELINE_ORDERS", 100) };
const FAULT_RATE = knob("CHAOS_FAULT_RATE", 0.2, 0.5);
const OUTAGE_SECONDS = knob("CHAOS_OUTAGE_SECONDS", 120, 600);
const CONVERGE_SECONDS = knob("CHAOS_CONVERGE_SECONDS", 300, 3600);
const KEEP = process.env.CHAOS_KEEP === "1";

// A person at the desk (the integration user's own writes are not announced: the echo condition).
const ERP = { authorization: "token sandbox-desk-key:sandbox-desk-secret" };
const WIX = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };
const QUEUE_NAMES = ["products", "inventory", "orders", "billing", "refunds", "shipments"];
const COMPANY_CURRENCY = "USD"; // the sandbox company's default_currency
const EVENT = (name: string) => `wix.ecom.v1.${name}`;
/** Paid, later refunds included: one Payment Entry received (payments out name the refund). */
const PAID_STATUSES = new Set(["PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cents = (v: unknown) => Math.round(Number(v) * 100);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

// --- the host as a child process -----------------------------------------------------------

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON read back from the sandboxes' REST APIs
  body: any;
}

/** `npm start` as a merchant runs it: node with tsx as a loader, so SIGKILL reaches the host itself. */
class ChildHost {
  readonly dataDir = mkdtempSync(join(tmpdir(), "ews-chaos-"));
  private child?: ChildProcess;
  private port = 0;

  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<number> {
    const started = Date.now();
    this.port ||= await freePort();
    const log = openSync(join(this.dataDir, "host.log"), "a");
    this.child = spawn(process.execPath, ["--import", "tsx", "infra/local/main.ts"], {
      env: {
        ...process.env,
        NODE_OPTIONS: "",
        HOST: "127.0.0.1",
        PORT: String(this.port),
        DATA_DIR: this.dataDir,
        DEMO_ITEMS: "0",
        DEMO_ORDER: "0",
        POWERTOOLS_LOG_LEVEL: "WARN",
        ...this.env,
      },
      stdio: ["ignore", log, log],
    });
    // Until start-up is complete every request gets 503 "starting"; then /health answers a report.
    await until(async () => typeof (await this.call("GET", "/health")).body?.status === "string", 120_000);
    return Date.now() - started;
  }

  async kill(signal: "SIGKILL" | "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {}
      return { status: res.status, body: parsed };
    } catch {
      return { status: 0, body: undefined };
    }
  }

  /** A driver call that must get through: retried while the host is down or starting (not on 4xx). */
  async must(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.call(method, path, body, headers);
      if (res.status >= 200 && res.status < 300) return res;
      if (attempt >= 60 || (res.status >= 400 && res.status < 500))
        throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`);
      await sleep(500);
    }
  }

  cleanUp(): void {
    if (KEEP) console.log(`  data kept in ${this.dataDir} (host.log, sandbox.json)`);
    else rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the local host");
    await sleep(200);
  }
}

/** Runs `work` over `list` with at most `width` at once. */
async function pool<T>(list: T[], width: number, work: (x: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < list.length) {
        const i = next++;
        await work(list[i] as T, i);
      }
    }),
  );
}

// --- the scenario's data -------------------------------------------------------------------

interface ItemPlan {
  code: string;
  name: string;
  price: number | string;
}

/**
 * A hostile catalog: emoji, control characters, tabs and surrounding spaces in codes and names,
 * markup in names, prices of 0 and prices that are not numbers (those must never be for sale).
 */
function catalog(n: number, prefix: string): ItemPlan[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    const pad = String(i).padStart(5, "0");
    const code = [
      `${prefix}-${pad}`,
      `${prefix}-${pad}-☕🚀`,
      `${prefix}-${pad}\u0007\u001f`,
      ` ${prefix}-${pad}\tÜ `,
      `${prefix}-${pad}-\u{1F9EA}\u200d`,
    ][i % 5] as string;
    const name = [
      `Mug ${i}`,
      `Tasse "☕" <b>${i}</b> 🚀`,
      `Bell\u0007 ${i}\u0000 & co`,
      `Zoë's naïve café ${i}\r\n`,
      `${"\u{1F600}".repeat(3)} ${i}`,
    ][(i * 3) % 5] as string;
    const price = i % 25 === 5 ? 0 : i % 25 === 15 ? "12,50" : ((i * 37) % 9000) / 100 + 1;
    return { code, name, price };
  });
}

const storedCode = (code: string) => code.trim(); // ERPNext strips item codes (Item.autoname)
const publishable = (price: unknown) =>
  typeof price === "number" ? Number.isFinite(price) && price > 0 : false;

/** 40 countries ERPNext knows, spread over its list. */
const COUNTRIES = Array.from(
  { length: 40 },
  (_, i) => ERPNEXT_COUNTRIES[Math.floor((i * ERPNEXT_COUNTRIES.length) / 40)]?.[1].toUpperCase() as string,
);

function checkouts(n: number, items: ItemPlan[]) {
  const forSale = items.filter((it) => publishable(it.price));
  const buyers = Math.max(5, Math.ceil(n / 4));
  return Array.from({ length: n }, (_, k) => {
    const buyer = k % buyers;
    const lineCount = 1 + (k % 3);
    const lines = Array.from({ length: lineCount }, (_, j) => {
      const item = forSale[(k * 7 + j * 13) % forSale.length] as ItemPlan;
      return {
        sku: storedCode(item.code),
        quantity: 1 + ((k + j) % 3),
        price: Number(item.price).toFixed(2),
      };
    });
    const country = COUNTRIES[k % COUNTRIES.length] as string;
    const taxes = [
      [],
      [{ name: "Sales Tax", rate: "0.08" }],
      [{ name: "VAT", rate: "0.2" }],
      [
        { name: "State", rate: "0.0625" },
        { name: "City", rate: "0.01" },
      ],
    ][k % 4];
    const paid = k % 2 === 0;
    return {
      lines,
      // One buyer, however the e-mail is spelled on each order: one customer.
      buyer: {
        email: k % 3 === 0 ? `  Buyer${buyer}@Example.COM ` : `buyer${buyer}@example.com`,
        firstName: ["Zoë", "李", "O'Brien", "Ada"][buyer % 4],
        lastName: `Chaos${buyer}`,
      },
      address: {
        country,
        city: `City ${country}`,
        postalCode: String(10000 + (buyer % 900)),
        addressLine: `${buyer} Rue de l'Été`,
        subdivision: "",
      },
      shipping: ["4.95", "0", "12.40"][k % 3],
      taxes,
      taxIncluded: k % 4 === 2,
      discount: k % 7 === 0 ? "1.25" : undefined,
      fees: k % 11 === 0 ? [{ name: "Handling", amount: "1.50" }] : undefined,
      // Not the company's currency: parked with the reason, by design.
      currency: k % 20 === 7 ? "EUR" : k % 20 === 13 ? "GBP" : COMPANY_CURRENCY,
      paymentStatus: paid ? "PAID" : "NOT_PAID",
      events: [
        EVENT("order_created"),
        EVENT("order_approved"),
        ...(paid ? [EVENT("order_payment_status_updated")] : []),
      ],
      copies: 3,
    };
  });
}

// --- after the sale: shipments and refunds ------------------------------------------------

/** A placed checkout as the control route answers it (the parts the after-sale steps use). */
interface PlacedOrder {
  id: string;
  number: string;
  currency: string;
  paymentStatus: string;
  lineItems: { id: string; quantity: number }[];
  additionalFees?: { id: string }[];
  priceSummary: { shipping?: { amount: string } };
}

/**
 * What the merchant does after the sale, by checkout index (deterministic): every 5th order of the
 * company's currency is shipped (every other one of those in part: its first line only), every
 * 8th paid one refunded in part (one unit of its first line) and every 8th + 4 in full. Some are
 * both shipped and refunded. Orders parked by design (another currency) are left alone.
 */
function afterSalePlan(k: number, order: PlacedOrder) {
  if (order.currency !== COMPANY_CURRENCY) return {};
  const ship = k % 5 === 1 ? (k % 10 === 1 ? ("all" as const) : ("first line" as const)) : undefined;
  const paid = order.paymentStatus === "PAID";
  const refund =
    paid && k % 8 === 0 ? ("part" as const) : paid && k % 8 === 4 ? ("full" as const) : undefined;
  return { ship, refund };
}

interface AfterSale {
  shipped: number;
  partlyRefunded: number;
  fullyRefunded: number;
  /** Orders not booked in ERPNext in time to ship or refund them (skipped, listed). */
  notReady: string[];
}

/** A Delivery Note as a user makes it in the desk: ERPNext's mapper, then submitted (announced). */
async function ship(host: ChildHost, salesOrder: string, which: "all" | "first line"): Promise<void> {
  const draft = (
    await host.must(
      "POST",
      `/sandbox/erpnext/api/method/${MAKE_DELIVERY_NOTE}?${DRIVER}`,
      { source_name: salesOrder },
      ERP,
    )
  ).body.message as { items: unknown[] };
  const items = which === "all" ? draft.items : draft.items.slice(0, 1);
  await host.must(
    "POST",
    `/sandbox/erpnext/api/resource/Delivery%20Note?${DRIVER}`,
    { ...draft, items, docstatus: 1 },
    ERP,
  );
}

/** A refund made in the Wix dashboard: Calculate Refund for the items, then Refund Payments. */
async function refund(host: ChildHost, order: PlacedOrder, how: "part" | "full"): Promise<void> {
  const first = order.lineItems[0] as PlacedOrder["lineItems"][number];
  const refundItems =
    how === "part"
      ? { lineItems: [{ lineItemId: first.id, quantity: 1 }] }
      : {
          lineItems: order.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity })),
          additionalFees: (order.additionalFees ?? []).map((f) => ({ additionalFeeId: f.id })),
          ...(cents(order.priceSummary.shipping?.amount ?? 0) > 0 ? { shipping: {} } : {}),
        };
  const calc = await host.must(
    "POST",
    `/sandbox/wix/ecom/v1/order-billing/calculate-refund?${DRIVER}`,
    { orderId: order.id, refundItems },
    WIX,
  );
  const tx = await host.must(
    "GET",
    `/sandbox/wix/ecom/v1/payments/orders/${order.id}?${DRIVER}`,
    undefined,
    WIX,
  );
  const payment = tx.body.orderTransactions.payments[0] as { id: string; amount: { amount: string } };
  // Never more than the payment (Refund Payments refuses it).
  const amount = Math.min(cents(calc.body.summary.total.amount), cents(payment.amount.amount));
  await host.must(
    "POST",
    `/sandbox/wix/ecom/v1/order-billing/refund-payments?${DRIVER}`,
    {
      orderId: order.id,
      paymentRefunds: [{ paymentId: payment.id, amount: { amount: (amount / 100).toFixed(2) } }],
      refundItems,
    },
    WIX,
  );
}

/**
 * Ships and refunds the planned orders as soon as each is booked in ERPNext (a submitted Sales
 * Order; for a refund also its Sales Invoice and Payment Entry, as a merchant refunds a booked
 * sale), while the faults go on. Orders not booked within `waitMs` are skipped and listed.
 */
async function afterSales(host: ChildHost, placed: PlacedOrder[], waitMs: number): Promise<AfterSale> {
  const done: AfterSale = { shipped: 0, partlyRefunded: 0, fullyRefunded: 0, notReady: [] };
  const todo = placed
    .map((order, k) => ({ order, ...afterSalePlan(k, order) }))
    .filter((t) => t.ship || t.refund);
  const deadline = Date.now() + waitMs;
  const submitted = encodeURIComponent(JSON.stringify([["docstatus", "=", 1]]));
  const list = async <T>(doctype: string, fields: string[]) =>
    (
      await host.must(
        "GET",
        `/sandbox/erpnext/api/resource/${encodeURIComponent(doctype)}?fields=${encodeURIComponent(JSON.stringify(fields))}&filters=${submitted}&limit_page_length=0&${DRIVER}`,
        undefined,
        ERP,
      )
    ).body.data as T[];
  while (todo.length && Date.now() < deadline) {
    const sos = new Map(
      (await list<{ name: string; po_no: string }>("Sales Order", ["name", "po_no"])).map((so) => [
        so.po_no,
        so.name,
      ]),
    );
    const invoiced = new Set(
      (await list<{ po_no: string }>("Sales Invoice", ["po_no"])).map((si) => si.po_no),
    );
    const received = new Set(
      (await list<{ reference_no: string }>("Payment Entry", ["reference_no"])).map((pe) => pe.reference_no),
    );
    for (const t of [...todo]) {
      const so = sos.get(t.order.number);
      if (!so) continue;
      if (t.ship) {
        await ship(host, so, t.ship);
        done.shipped++;
        t.ship = undefined;
      }
      if (t.refund && invoiced.has(t.order.number) && received.has(t.order.number)) {
        await refund(host, t.order, t.refund);
        if (t.refund === "part") done.partlyRefunded++;
        else done.fullyRefunded++;
        t.refund = undefined;
      }
      if (!t.ship && !t.refund) todo.splice(todo.indexOf(t), 1);
    }
    if (todo.length) await sleep(2000);
  }
  done.notReady = todo.map((t) => `#${t.order.number}`);
  return done;
}

// --- faults --------------------------------------------------------------------------------

/**
 * A schedule of `count` faults, each after `gap` calls that pass: 1 in (gap + 1) calls fails.
 * A mix of what both APIs do: rate limits, server errors, gateway errors, writes that commit but
 * lose their answer, and (rarely, they cost 10 s each) timeouts.
 */
function faultSchedule(count: number, gap: number) {
  const kinds = [
    { status: 429 },
    { status: 500 },
    { status: 502 },
    { status: 503 },
    { status: 500, late: true },
    { status: 504, late: true },
    { status: 429 },
    { status: 500 },
    { status: 503 },
    { status: 500, late: true },
  ];
  return Array.from({ length: count }, (_, i) => ({
    count: 1,
    after: gap,
    match: INTEGRATION_ONLY,
    // One in 50 is a timeout: no answer for longer than the client waits (10 s).
    ...(i % 50 === 49 ? { status: 504, latencyMs: 11_000 } : kinds[i % kinds.length]),
  }));
}

const SCHEDULE_LENGTH = 3000;
/** The run's own data entry (the merchant typing into ERPNext) is marked so faults spare it. */
const DRIVER = "by=chaos-driver";
const INTEGRATION_ONLY = `^(?!.*[?&]${DRIVER})`;

async function armFaults(host: ChildHost, systems: ("erpnext" | "wix")[]): Promise<number> {
  if (FAULT_RATE <= 0) return 0;
  const gap = Math.max(0, Math.round(1 / FAULT_RATE) - 1);
  for (const sys of systems)
    await host.must("POST", `/sandbox/${sys}/_faults`, faultSchedule(SCHEDULE_LENGTH, gap));
  return SCHEDULE_LENGTH * systems.length;
}

/** Faults that fired: armed minus still pending. */
async function disarm(host: ChildHost, sys: "erpnext" | "wix"): Promise<number> {
  const pending = Number((await host.must("GET", `/sandbox/${sys}/_faults`)).body?.pending ?? 0);
  await host.must("DELETE", `/sandbox/${sys}/_faults`);
  return pending;
}

// --- reading the outcome -------------------------------------------------------------------

async function erpList<T>(host: ChildHost, doctype: string, fields: string[]): Promise<T[]> {
  const path = `/sandbox/erpnext/api/resource/${encodeURIComponent(doctype)}?fields=${encodeURIComponent(JSON.stringify(fields))}&limit_page_length=0`;
  return (await host.must("GET", path, undefined, ERP)).body.data as T[];
}

async function wixPages<T>(
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

interface Parked {
  body: { orderId?: string; itemCodes?: string[]; kind?: string };
  reason?: string;
  parkedAs?: string;
}

interface Outcome {
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
async function outcome(host: ChildHost): Promise<Outcome> {
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
async function audit(host: ChildHost, o: Outcome, currencyOf: Map<string, string>): Promise<void> {
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

// --- one run -------------------------------------------------------------------------------

interface RunResult {
  label: string;
  items: number;
  orders: number;
  placed: number;
  catalogMs: number;
  ordersMs: number;
  restartMs?: number;
  faultsFired: { erpnext: number; wix: number };
  outageMs?: number;
  deliveriesRefused: number;
  afterSale: AfterSale;
  convergeMs?: number;
  final: Outcome;
}

const JOBS_TO_NUDGE = ["dlq-redrive", "order-poll", "product-catchup", "inventory-delta", "shipment-catchup"];

async function run(
  label: string,
  size: { items: number; orders: number },
  chaos: boolean,
): Promise<RunResult> {
  console.log(`\n## ${label}: ${size.items} items, ${size.orders} orders${chaos ? ", with faults" : ""}`);
  const host = new ChildHost({
    // Retries after about 1, 4, 16 and 64 s, so five receives pass within the outage; the
    // dlq-redrive job brings back what they parked (as retryable) once both APIs answer. (With 0,
    // retries would outrun the 120 s order claim and 60 s in-progress event leases a SIGKILL
    // leaves behind, and ten redrives would give up on messages that only had to wait.)
    RETRY_BASE_SECONDS: "1",
    HEALTH_CACHE_SECONDS: "0",
    // The sandbox Wix has no rate limit; the default budget (200 a minute) would only stretch the run.
    WIX_REQUESTS_PER_MINUTE: "1000000",
    JOB_ORDER_POLL_EVERY: "60s",
    JOB_DLQ_REDRIVE_EVERY: "20s",
    JOB_INVENTORY_DELTA_EVERY: "20s",
    JOB_PRODUCT_CATCHUP_EVERY: "30s",
  });
  const log = (line: string) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`);
  try {
    await host.start();
    const fired = { erpnext: 0, wix: 0 };
    let armed = { erpnext: 0, wix: 0 };
    const arm = async () => {
      if (!chaos) return;
      await armFaults(host, ["erpnext", "wix"]);
      armed = { erpnext: SCHEDULE_LENGTH, wix: SCHEDULE_LENGTH };
    };
    const stopFaults = async (systems: ("erpnext" | "wix")[]) => {
      for (const sys of systems) {
        if (!armed[sys]) continue;
        fired[sys] += armed[sys] - (await disarm(host, sys));
        armed[sys] = 0;
      }
    };
    await arm();

    // Catalog: each item and its price through ERPNext's REST API (webhooks follow), then stock.
    const started = Date.now();
    const plan = catalog(size.items, chaos ? "CHAOS" : "CLEAN");
    await pool(plan, 8, async (item) => {
      await host.must(
        "POST",
        `/sandbox/erpnext/api/resource/Item?${DRIVER}`,
        {
          item_code: item.code,
          item_name: item.name,
          item_group: "Products",
          stock_uom: "Nos",
          is_stock_item: 1,
        },
        ERP,
      );
      await host.must(
        "POST",
        `/sandbox/erpnext/api/resource/Item%20Price?${DRIVER}`,
        {
          item_code: storedCode(item.code),
          price_list: "Standard Selling",
          price_list_rate: item.price,
          uom: "Nos",
        },
        ERP,
      );
    });
    for (let i = 0; i < plan.length; i += 100) {
      const rows = plan
        .slice(i, i + 100)
        .map((it) => ({ item_code: storedCode(it.code), qty: 500, t_warehouse: "Stores - SC" }));
      await host.must(
        "POST",
        `/sandbox/erpnext/api/resource/Stock%20Entry?${DRIVER}`,
        { docstatus: 1, items: rows },
        ERP,
      );
    }
    const catalogMs = Date.now() - started;
    log(`catalog entered in ERPNext in ${seconds(catalogMs)} s; checkouts start (the catalog still syncs)`);

    // Checkouts, each order's events delivered 3 times at once and out of order.
    const orders = checkouts(size.orders, plan);
    const killAt = chaos ? Math.floor(orders.length * 0.35) : -1;
    const outageAt = chaos ? Math.floor(orders.length * 0.65) : -1;
    let restartMs: number | undefined;
    let outage: Promise<number> | undefined;
    let deliveriesRefused = 0;
    let placed = 0;
    const placedOrders: PlacedOrder[] = [];
    let paused: Promise<void> | undefined;
    const ordersStarted = Date.now();
    await pool(orders, 6, async (order, i) => {
      if (i === killAt) {
        paused = (async () => {
          log(`SIGKILL after ${i} checkouts`);
          await host.kill("SIGKILL");
          restartMs = await host.start();
          log(`restarted in ${seconds(restartMs)} s (same DATA_DIR); faults re-armed`);
          await arm();
        })();
      }
      if (i === outageAt) {
        outage = (async () => {
          const began = Date.now();
          log(`Wix outage: every Wix call answers 503 for ${OUTAGE_SECONDS} s`);
          await stopFaults(["wix"]);
          await host.must("POST", "/sandbox/wix/_faults", { status: 503, count: 1_000_000 });
          armed.wix = 1_000_000;
          await sleep(OUTAGE_SECONDS * 1000);
          await stopFaults(["wix"]); // the outage's 503s count as fired faults too
          await armFaults(host, ["wix"]);
          armed.wix = SCHEDULE_LENGTH;
          log("Wix outage over; 20% faults again");
          return Date.now() - began;
        })();
      }
      await paused;
      const res = await host.must("POST", "/sandbox/wix/_orders", order);
      placedOrders[i] = res.body.order as PlacedOrder;
      placed++;
      deliveriesRefused += ((res.body.delivered ?? []) as { status: unknown }[]).filter(
        (d) => d.status !== 200,
      ).length;
    });
    const outageMs = await outage;
    const ordersMs = Date.now() - ordersStarted;
    log(`${placed} checkouts in ${seconds(ordersMs)} s`);
    const afterSale = await afterSales(host, placedOrders, CONVERGE_SECONDS * 1000);
    log(
      `${afterSale.shipped} orders shipped in ERPNext, ${afterSale.partlyRefunded} refunded in part and ${afterSale.fullyRefunded} in full in Wix` +
        (afterSale.notReady.length ? `; not booked in time, skipped: ${afterSale.notReady.join(", ")}` : ""),
    );
    await stopFaults(["erpnext", "wix"]);
    const faultsOff = Date.now();
    log(`faults off (${fired.erpnext} ERPNext and ${fired.wix} Wix calls failed); waiting for convergence`);

    // Converge: the scheduled jobs run on their own timers; each is also run once now and once a
    // minute while anything is off. (Not more often: every order poll re-sends all orders of its
    // 5-minute overlap, and redrives are counted.)
    let final = await outcome(host);
    let convergeMs: number | undefined;
    let nudged = 0;
    while (!final.converged && Date.now() - faultsOff < CONVERGE_SECONDS * 1000) {
      if (Date.now() - nudged >= 60_000) {
        for (const job of JOBS_TO_NUDGE) await host.call("POST", `/jobs/${job}`);
        nudged = Date.now();
      }
      await sleep(3000);
      final = await outcome(host);
    }
    if (final.converged) convergeMs = Date.now() - faultsOff;
    log(
      final.converged
        ? `converged ${seconds(convergeMs ?? 0)} s after the faults stopped`
        : `NOT converged after ${CONVERGE_SECONDS} s`,
    );
    return {
      label,
      items: size.items,
      orders: size.orders,
      placed,
      catalogMs,
      ordersMs,
      restartMs,
      faultsFired: fired,
      outageMs,
      deliveriesRefused,
      afterSale,
      convergeMs,
      final,
    };
  } finally {
    await host.kill("SIGTERM");
    host.cleanUp();
  }
}

// --- report --------------------------------------------------------------------------------

/** The invariants; each failure is a line. */
function failures(r: RunResult): string[] {
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

function report(results: RunResult[]): void {
  const row = (figure: string, value: (r: RunResult) => string | number) =>
    Object.fromEntries([["figure", figure], ...results.map((r) => [r.label, String(value(r))])]);
  const f = (r: RunResult) => r.final;
  console.log("\n## Figures (chaos run, and the clean baseline of the same invocation)");
  console.table([
    row(
      "items (hostile names and codes; 0 and non-numeric prices)",
      (r) => `${r.items} (${f(r).publishable} publishable)`,
    ),
    row(
      "Wix orders (placed by the run; all 3x delivered, out of order)",
      (r) => `${f(r).wixOrders} (${r.placed})`,
    ),
    row(
      "API calls failed by injected faults (ERPNext / Wix)",
      (r) => `${r.faultsFired.erpnext} / ${r.faultsFired.wix}`,
    ),
    row("Wix outage (all calls 503), s", (r) => (r.outageMs ? seconds(r.outageMs) : "-")),
    row("SIGKILL + restart, s", (r) => (r.restartMs ? seconds(r.restartMs) : "-")),
    row("webhook deliveries refused after the sender's retries", (r) => r.deliveriesRefused),
    row(
      "orders shipped in ERPNext / refunded in Wix (in part / in full)",
      (r) => `${r.afterSale.shipped} / ${r.afterSale.partlyRefunded} / ${r.afterSale.fullyRefunded}`,
    ),
    row("catalog entered / checkouts placed, s", (r) => `${seconds(r.catalogMs)} / ${seconds(r.ordersMs)}`),
    row("time to converge after the faults stop, s", (r) =>
      r.convergeMs === undefined ? "NOT CONVERGED" : seconds(r.convergeMs),
    ),
    row("Wix orders with exactly 1 Sales Order, total to the cent", (r) => f(r).exactlyOne),
    row("Wix orders parked by design (not the company currency)", (r) => f(r).parkedByDesign),
    row("Wix orders with 2+ Sales Orders", (r) => f(r).doubles.length),
    row("Sales Orders off the Wix total", (r) => f(r).totalsOff.length),
    row("paid orders without exactly 1 Payment Entry", (r) => f(r).paymentsOff.length),
    row("buyers / buyers without exactly 1 customer", (r) => `${f(r).buyers} / ${f(r).customersOff.length}`),
    row(
      "publishable items off in Wix (price / quantity)",
      (r) => `${f(r).priceOff.length} / ${f(r).quantityOff.length}`,
    ),
    row("unpriced items for sale in Wix", (r) => f(r).forSaleWrongly.length),
    row(
      "audit: orders checked / differing / not parked by design",
      (r) => `${f(r).audited?.checked ?? "-"} / ${f(r).audited?.differing ?? "-"} / ${f(r).auditOff.length}`,
    ),
    row("messages lost (orders + items)", (r) => f(r).missing.length + f(r).itemsMissing.length),
    row(`messages parked (${QUEUE_NAMES.join(" / ")})`, (r) =>
      QUEUE_NAMES.map((q) => f(r).parkedMessages[q]).join(" / "),
    ),
    row(
      "parked without a reason / still parked as retryable",
      (r) => `${f(r).parkedWithoutReason} / ${f(r).parkedRetryable}`,
    ),
  ]);
  for (const r of results) {
    if (!r.final.parkedReasons.size) continue;
    console.log(`parked in ${r.label}, by reason:`);
    for (const [reason, n] of [...r.final.parkedReasons].sort((a, b) => b[1] - a[1]))
      console.log(`  ${String(n).padStart(5)}  ${reason}`);
  }
}

async function main(): Promise<void> {
  console.log(`erpnext-wix-sync chaos run on ${process.version}, ${new Date().toISOString()}`);
  if (CHAOS.items < FULL.items || CHAOS.orders < FULL.orders)
    console.log(
      `(smaller than the issue's size; the full-size run, which needs a longer convergence window on 2 cores: CHAOS_ITEMS=${FULL.items} CHAOS_ORDERS=${FULL.orders} CHAOS_CONVERGE_SECONDS=1200 npm run chaos)`,
    );
  const started = Date.now();
  const results = [await run("baseline", BASELINE, false), await run("chaos", CHAOS, true)];
  report(results);
  const failed = results.flatMap(failures);
  console.log(`\n${seconds(Date.now() - started)} s in all.`);
  if (failed.length) {
    console.log(`\nINVARIANTS FAILED (${failed.length}):`);
    for (const line of failed) console.log(`- ${line}`);
    process.exit(1);
  }
  console.log("\nAll invariants hold.");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
