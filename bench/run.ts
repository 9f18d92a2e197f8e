/**
 * `npm run bench`: figures, each with a baseline from the same run. Everything runs on this
 * machine against the local host (dynalite, fauxqs, the sandboxes); call counts are what the
 * sandboxes answered, so they are exact, while times depend on the machine.
 *
 *   BENCH_SIZES=1000,10000  catch-up sizes      BENCH_ORDERS=300  orders for the latency figures
 *   BENCH_SITE_ITEMS=2000   items of the multi-site catch-up (the 10000 takes about 5 times
 *                           longer; its calls are 5 times these, all per 100 items)
 *   BENCH_SITES=1,2,5       its site counts
 *   BENCH_ONLY=bundles      the bundle sizes and cold loads alone (a few seconds)
 *   BENCH_ONLY=sites        the multi-site catch-up alone
 *   BENCH_V1_ITEMS=1000     items of the Catalog V1 first sync
 *   BENCH_ONLY=v1           the Catalog V1 first sync alone
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleFunction } from "#infra/cdk/bundle";
import { FUNCTIONS, type FunctionName } from "#infra/cdk/functions";
import { type LocalHost, startLocalHost } from "#infra/local/host";
import type { ErpnextSandbox } from "#infra/sandbox/erpnext/index";
import type { WixSandbox } from "#infra/sandbox/wix/index";
import { EPOCH_FRAPPE } from "#shared/flows/modified-since";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const sizes = (process.env.BENCH_SIZES ?? "1000,10000").split(",").map(Number);
const orderCount = Number(process.env.BENCH_ORDERS ?? 300);
const siteItems = Number(process.env.BENCH_SITE_ITEMS ?? 2000);
const siteCounts = (process.env.BENCH_SITES ?? "1,2,5").split(",").map(Number);
const v1Items = Number(process.env.BENCH_V1_ITEMS ?? 1000);

async function host(env: Record<string, string> = {}): Promise<LocalHost> {
  return startLocalHost({
    // The sandbox Wix has no rate limit; the budget would only measure itself. Calls are counted.
    env: { PORT: "0", POWERTOOLS_LOG_LEVEL: "SILENT", WIX_REQUESTS_PER_MINUTE: "1000000", ...env },
    inMemory: true,
  });
}

interface Counters {
  wixWrites: number;
  productWrites: number;
  stockWrites: number;
  wixReads: number;
  erpnextCalls: number;
  /** Wix calls by "METHOD /path" (ids folded), to show where the calls go. */
  byEndpoint: Map<string, number>;
}

function counters(erp: ErpnextSandbox, wix: WixSandbox): Counters {
  const log = wix.callLog;
  return {
    wixWrites: wix.calls.writes,
    productWrites: log.filter((c) => /\/products/.test(c) && !/query|search/.test(c) && !c.startsWith("GET"))
      .length,
    stockWrites: log.filter((c) => c.includes("/bulk/inventory-items/")).length,
    wixReads: wix.calls.reads,
    erpnextCalls: erp.calls.reads + erp.calls.writes,
    byEndpoint: log.reduce((m, c) => {
      const key = c.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ":id");
      return m.set(key, (m.get(key) ?? 0) + 1);
    }, new Map<string, number>()),
  };
}

function diff(a: Counters, b: Counters): Counters {
  return {
    wixWrites: b.wixWrites - a.wixWrites,
    productWrites: b.productWrites - a.productWrites,
    stockWrites: b.stockWrites - a.stockWrites,
    wixReads: b.wixReads - a.wixReads,
    erpnextCalls: b.erpnextCalls - a.erpnextCalls,
    byEndpoint: new Map(
      [...b.byEndpoint]
        .map(([k, v]) => [k, v - (a.byEndpoint.get(k) ?? 0)] as const)
        .filter(([, v]) => v > 0),
    ),
  };
}

/**
 * The fewest Wix calls a bulk-only product sync of n new items can make: the catalog version
 * check, one SKU lookup per 100 SKUs (Search Variants) and one Bulk Create Products With
 * Inventory per 100 products (opening stock included). Calls of other jobs running meanwhile
 * (order poll, stock check) show in the by-endpoint table.
 */
function lowerBound(n: number): number {
  return 1 + 2 * Math.ceil(n / 100);
}

/** The calls `run` and the work it queues made, per Wix site (ERPNext's are shared: every row has them all). */
async function measureSites(
  h: LocalHost,
  run: () => Promise<unknown>,
): Promise<{ site: string; calls: Counters }[] & { seconds: number }> {
  const erp = h.erpnext as ErpnextSandbox;
  const sites = Object.entries(h.wixSites);
  const before = sites.map(([, wix]) => counters(erp, wix));
  const started = performance.now();
  await run();
  await h.drain(600_000);
  const seconds = (performance.now() - started) / 1000;
  const perSite = sites.map(([site, wix], i) => ({
    site,
    calls: diff(before[i] as Counters, counters(erp, wix)),
  }));
  return Object.assign(perSite, { seconds });
}

async function measure(h: LocalHost, run: () => Promise<unknown>): Promise<Counters & { seconds: number }> {
  const measured = await measureSites(h, run);
  return { ...(measured[0]?.calls as Counters), seconds: measured.seconds };
}

const table = (rows: Record<string, string | number>[]) => console.table(rows);
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
};

function importCatalog(erp: ErpnextSandbox, n: number, prefix: string): string[] {
  const codes: string[] = [];
  for (let i = 1; i <= n; i++) {
    const code = `${prefix}-${String(i).padStart(5, "0")}`;
    erp.importDoc("Item", {
      item_code: code,
      item_name: `Bench item ${i}`,
      item_group: "Products",
      stock_uom: "Nos",
      description: `<p>Item ${i}</p>`,
      image: `/files/${code}.jpg`,
      weight_per_unit: 0.5,
      weight_uom: "Kg",
    });
    erp.importDoc("Item Price", {
      item_code: code,
      price_list: "Standard Selling",
      price_list_rate: 5 + (i % 50),
      uom: "Nos",
    });
    erp.moveBin(code, "Stores - SC", { actual: 10 + (i % 7) });
    codes.push(code);
  }
  return codes;
}

/**
 * n new items through the product catch-up, then its rerun (watermark) and a full re-read of an
 * unchanged catalog: the two baselines that must write nothing.
 */
async function catchupRuns(h: LocalHost, n: number, prefix: string) {
  importCatalog(h.erpnext as ErpnextSandbox, n, prefix);
  const first = await measure(h, () => h.runJob("product-catchup"));
  const rerun = await measure(h, () => h.runJob("product-catchup"));
  const ctx = await h.context();
  for (const key of ["product-catchup:Item", "product-catchup:Item Price"])
    await ctx.state.setWatermark(key, EPOCH_FRAPPE);
  const resync = await measure(h, () => h.runJob("product-catchup"));
  return { first, rerun, resync };
}

async function catchupBench(): Promise<void> {
  console.log("\n## Product catch-up (ERPNext -> Wix), new items then reruns");
  const rows: Record<string, string | number>[] = [];
  let keep: LocalHost | undefined;
  let largestFirst: Counters | undefined;
  for (const n of sizes) {
    const h = await host();
    const { first, rerun, resync } = await catchupRuns(h, n, "BENCH");
    for (const [label, m] of [
      ["new items", first],
      ["rerun (watermark)", rerun],
      ["full re-read, nothing changed", resync],
    ] as const) {
      rows.push({
        items: n,
        run: label,
        "Wix writes": m.wixWrites,
        "product writes": m.productWrites,
        "stock writes": m.stockWrites,
        "Wix reads": m.wixReads,
        "Wix calls": m.wixReads + m.wixWrites,
        "bulk-only lower bound": label === "new items" ? lowerBound(n) : 0,
        "ERPNext calls": m.erpnextCalls,
        "wall s": m.seconds.toFixed(1),
      });
    }
    if (n === Math.max(...sizes)) {
      keep = h;
      largestFirst = first;
    } else await h.stop();
  }
  table(rows);
  console.log(
    "target: at most 105 Wix writes for 10,000 new items; 0 for an unchanged rerun (the baseline rows).",
  );
  console.log(`Wix calls of the first catch-up of ${Math.max(...sizes)} new items, by endpoint:`);
  table([...(largestFirst?.byEndpoint ?? [])].map(([call, count]) => ({ call, count })));
  if (keep) {
    await stockBench(keep);
    await keep.stop();
  }
}

/** Wix's documented rate: about 200 requests a minute per site. */
const WIX_REQUESTS_PER_MINUTE = 200;

/**
 * The first sync of new items on a Catalog V1 site (WIX_SANDBOX_CATALOG=V1). V1 has no bulk
 * create: every product is created alone, its stock set by Update Inventory Variants (V1 takes no
 * stock on create: Product.stock is read-only) and its image added by Add Product Media (media is
 * read-only on create), so the V1 lower bound is the version check plus 3 calls per product.
 * Ours also creates each product hidden and shows it once stocked (never sellable unstocked: 1
 * call more), and reads the store's variants to link by SKU (the SDK declares no SKU filter).
 */
async function catalogV1Bench(): Promise<void> {
  console.log(`\n## Catalog V1 first sync of ${v1Items} new items (one create per product)`);
  const h = await host({ WIX_SANDBOX_CATALOG: "V1" });
  try {
    const { first, rerun, resync } = await catchupRuns(h, v1Items, "V1BENCH");
    const bound = 1 + 3 * v1Items;
    table(
      (
        [
          ["new items", first, bound],
          ["rerun (watermark)", rerun, 0],
          ["full re-read, nothing changed", resync, 0],
        ] as const
      ).map(([run, m, lower]) => ({
        run,
        "Wix writes": m.wixWrites,
        "Wix reads": m.wixReads,
        "Wix calls": m.wixReads + m.wixWrites,
        "V1 lower bound": lower,
        "minutes at 200/min": ((m.wixReads + m.wixWrites) / WIX_REQUESTS_PER_MINUTE).toFixed(1),
        "bound's minutes": (lower / WIX_REQUESTS_PER_MINUTE).toFixed(1),
        "wall s (sandbox, no rate limit)": m.seconds.toFixed(1),
      })),
    );
    console.log("Wix calls of the V1 first sync, by endpoint:");
    table([...first.byEndpoint].map(([call, count]) => ({ call, count })));
  } finally {
    await h.stop();
  }
}

/**
 * The same catch-up of new items over 1, 2 and 5 Wix sites on one ERPNext (SANDBOX_SITES: one
 * sandbox Wix per site), every site selling the whole catalog from the same price list: ERPNext
 * is read once for all sites (a once-job, then withSharedReads in the workers), so its calls
 * should stay near the one-site baseline while each site gets the Wix calls one site gets.
 */
async function sitesBench(): Promise<void> {
  console.log(`\n## Product catch-up of ${siteItems} new items over several Wix sites`);
  const rows: Record<string, string | number>[] = [];
  /** ERPNext calls by "METHOD /path" (names folded), per site count: where any growth comes from. */
  const erpnextByCall = new Map<string, Record<string, number>>();
  let baseline: { erpnext: number; wix: number } | undefined;
  const ratio = (value: number, base?: number) => (base ? `${(value / base).toFixed(2)}x` : "-");
  for (const count of siteCounts) {
    // One site is today's setup: no SANDBOX_SITES, the environment's site "default".
    const names = Array.from({ length: count }, (_, i) => `site-${i + 1}`);
    const h = await host(count > 1 ? { SANDBOX_SITES: names.join(",") } : {});
    const erp = h.erpnext as ErpnextSandbox;
    importCatalog(erp, siteItems, "SITES");
    const handle = erp.handle.bind(erp);
    erp.handle = (req) => {
      const call = `${req.method} ${req.path.replace(/^(\/api\/resource\/[^/]+)\/.+$/, "$1/:name")}`;
      const tally = erpnextByCall.get(call) ?? {};
      tally[`${count} site(s)`] = (tally[`${count} site(s)`] ?? 0) + 1;
      erpnextByCall.set(call, tally);
      return handle(req);
    };
    const measured = await measureSites(h, () => h.runJob("product-catchup"));
    await h.stop();
    const erpnext = measured[0]?.calls.erpnextCalls ?? 0;
    const wixOf = (c: Counters) => c.wixReads + c.wixWrites;
    if (count === 1) baseline = { erpnext, wix: wixOf(measured[0]?.calls as Counters) };
    measured.forEach(({ site, calls }, i) => {
      rows.push({
        sites: count,
        site,
        "Wix writes": calls.wixWrites,
        "Wix reads": calls.wixReads,
        "Wix calls": wixOf(calls),
        "Wix calls vs 1 site": ratio(wixOf(calls), baseline?.wix),
        // ERPNext is one for all sites: its calls once per run.
        "ERPNext calls": i === 0 ? erpnext : "",
        "ERPNext vs 1 site": i === 0 ? ratio(erpnext, baseline?.erpnext) : "",
        "wall s": i === 0 ? measured.seconds.toFixed(1) : "",
      });
    });
  }
  table(rows);
  console.log(
    "target (issue 18): ERPNext calls for N sites within 1.3x of one site's; each site's Wix calls about one site's.",
  );
  console.log("ERPNext calls by endpoint:");
  table([...erpnextByCall].map(([call, tally]) => ({ call: decodeURIComponent(call), ...tally })));
}

/** Stock entry -> Wix quantity latency, and a reconcile of every item (baseline: a reconcile with drift). */
async function stockBench(h: LocalHost): Promise<void> {
  const erp = h.erpnext as ErpnextSandbox;
  const wix = h.wix as WixSandbox;
  const codes = [...(erp.docs.get("Item")?.keys() ?? [])].slice(0, 50);
  const latencies: number[] = [];
  for (const code of codes) {
    const target = (wix.inventoryForSku(code)?.quantity ?? 0) + 5;
    const started = performance.now();
    erp.insert("Stock Entry", {
      docstatus: 1,
      items: [{ item_code: code, qty: 5, t_warehouse: "Stores - SC" }],
    });
    while (wix.inventoryForSku(code)?.quantity !== target) await new Promise((r) => setTimeout(r, 2));
    latencies.push(performance.now() - started);
  }
  const items = erp.docs.get("Item")?.size ?? 0;
  const clean = await measure(h, () => h.runJob("inventory-reconcile"));
  let drifted = 0;
  for (const inv of [...wix.inventory.values()].slice(0, 100)) {
    inv.quantity = (inv.quantity ?? 0) + 3;
    drifted++;
  }
  const drift = await measure(h, () => h.runJob("inventory-reconcile"));
  console.log("\n## Stock (ERPNext -> Wix)");
  table([
    { figure: "stock entry -> Wix quantity, p50 ms", value: pct(latencies, 50).toFixed(0) },
    { figure: "stock entry -> Wix quantity, p95 ms", value: pct(latencies, 95).toFixed(0) },
    {
      figure: `reconcile ${items} items, nothing off: s / Wix writes / Wix reads`,
      value: `${clean.seconds.toFixed(1)} / ${clean.wixWrites} / ${clean.wixReads}`,
    },
    {
      figure: `reconcile ${items} items, ${drifted} off: s / Wix writes / Wix reads`,
      value: `${drift.seconds.toFixed(1)} / ${drift.wixWrites} / ${drift.wixReads}`,
    },
  ]);
}

/** Webhook -> submitted Sales Order latency and throughput; baseline: the edge alone (ignored event). */
async function orderBench(): Promise<void> {
  const h = await host();
  const erp = h.erpnext as ErpnextSandbox;
  const wix = h.wix as WixSandbox;
  const codes = importCatalog(erp, 20, "ORD");
  await h.runJob("product-catchup");
  await h.drain();
  const url = `${h.url}/webhooks/wix`;
  const edge: number[] = [];
  for (let i = 0; i < 50; i++) {
    const token = await wix.signEvent(
      "wix.ecom.v1.order_fulfilled_ignored",
      wix.placeOrder({ lines: [{ sku: codes[0] as string, quantity: 1 }] }),
    );
    const started = performance.now();
    await fetch(url, { method: "POST", body: token });
    edge.push(performance.now() - started);
  }
  // One order at a time: the latency of the pipeline itself, with no backlog.
  const single: number[] = [];
  for (let i = 0; i < 30; i++) {
    const order = wix.placeOrder({
      lines: [{ sku: codes[i % codes.length] as string, quantity: 1 }],
      buyer: { email: `solo${i}@example.com` },
    });
    const token = await wix.signEvent("wix.ecom.v1.order_approved", order);
    const sent = performance.now();
    await fetch(url, { method: "POST", body: token });
    while (
      ![...(erp.docs.get("Sales Order")?.values() ?? [])].some(
        (so) => so.po_no === order.number && so.docstatus === 1,
      )
    ) {
      await new Promise((r) => setTimeout(r, 2));
    }
    single.push(performance.now() - sent);
  }
  const before = erp.docs.get("Sales Order")?.size ?? 0;
  const soFor = new Map<string, number>();
  const latencies: number[] = [];
  const started = performance.now();
  const batch = 10;
  for (let i = 0; i < orderCount; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, orderCount - i) }, async (_, j) => {
        const order = wix.placeOrder({
          lines: [{ sku: codes[(i + j) % codes.length] as string, quantity: 1 + (j % 3) }],
          taxes: [{ name: "Sales Tax", rate: "0.08" }],
          shipping: "3.00",
          buyer: { email: `buyer${(i + j) % 40}@example.com` },
        });
        const token = await wix.signEvent("wix.ecom.v1.order_approved", order);
        const sent = performance.now();
        await fetch(url, { method: "POST", body: token });
        soFor.set(order.number, sent);
      }),
    );
  }
  const sos = () => [...(erp.docs.get("Sales Order")?.values() ?? [])];
  while (sos().filter((so) => so.docstatus === 1).length < orderCount + before) {
    for (const so of sos()) {
      const sent = soFor.get(String(so.po_no));
      if (sent !== undefined && so.docstatus === 1) {
        latencies.push(performance.now() - sent);
        soFor.delete(String(so.po_no));
      }
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  for (const so of sos()) {
    const sent = soFor.get(String(so.po_no));
    if (sent !== undefined) latencies.push(performance.now() - sent);
  }
  const seconds = (performance.now() - started) / 1000;
  await h.stop();
  console.log("\n## Orders (Wix webhook -> submitted Sales Order)");
  table([
    { figure: "baseline: webhook edge alone (verify + answer), p50 ms", value: pct(edge, 50).toFixed(1) },
    { figure: "webhook -> submitted SO, one order at a time, p50 ms", value: pct(single, 50).toFixed(0) },
    { figure: "webhook -> submitted SO, one order at a time, p95 ms", value: pct(single, 95).toFixed(0) },
    {
      figure: `webhook -> submitted SO, p50 ms (${orderCount} orders, 10 at a time)`,

      value: pct(latencies, 50).toFixed(0),
    },
    { figure: "webhook -> submitted SO, p95 ms", value: pct(latencies, 95).toFixed(0) },
    { figure: "orders per second", value: (orderCount / seconds).toFixed(1) },
  ]);
}

/**
 * Minified KB of each function before issue 10's resilience work (commit 844f346, the same
 * esbuild options): every function beyond the edges bundled undici (about 520 KB) and one
 * context that built every client and every flow.
 */
const BASELINE_KB: Partial<Record<FunctionName, number>> = {
  erpnextWebhook: 95.5,
  wixWebhook: 112.6,
  health: 710.7,
  productsWorker: 710.9,
  inventoryWorker: 710.2,
  ordersWorker: 716.4,
  jobs: 715.6,
};

/**
 * Minified size per function against its budget and its size before (BASELINE_KB), and the cold
 * module load time (a fresh node process requiring the bundle; baseline: an empty module).
 */
async function bundleBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ews-bundles-"));
  const loadMs = (file: string) => {
    const out = execFileSync(
      process.execPath,
      [
        "-e",
        `const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`,
      ],
      {
        // The Lambda runtime provides the AWS SDK; here it comes from node_modules.
        env: {
          ...process.env,
          NODE_PATH: join(process.cwd(), "node_modules"),
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        },
      },
    );
    return Number(out.toString().trim());
  };
  const empty = join(dir, "empty.js");
  writeFileSync(empty, "module.exports = {}");
  const rows: Record<string, string | number>[] = [
    {
      function: "(baseline: empty module)",
      "KB minified": 0,
      "KB before": "",
      budget: "",
      "cold load ms (median of 5)": median(5, () => loadMs(empty)).toFixed(1),
    },
  ];
  for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
    const spec = FUNCTIONS[name];
    const { code, kb } = await bundleFunction(spec);
    const outfile = join(dir, `${name}.js`);
    writeFileSync(outfile, code);
    rows.push({
      function: name,
      "KB minified": kb.toFixed(1),
      // A function added since (a new flow's worker) has no "before".
      "KB before": BASELINE_KB[name]?.toFixed(1) ?? "-",
      budget: `${kb <= spec.budgetKb ? "ok" : "OVER"} (<= ${spec.budgetKb} KB)`,
      "cold load ms (median of 5)": median(5, () => loadMs(outfile)).toFixed(1),
    });
  }
  console.log("\n## Bundles (esbuild, as `cdk deploy` builds them; the AWS SDK comes with the runtime)");
  table(rows);
}

function median(n: number, f: () => number): number {
  return pct(Array.from({ length: n }, f), 50);
}

async function main(): Promise<void> {
  console.log(`erpnext-wix-sync benchmarks on ${process.version}, ${new Date().toISOString()}`);
  if (process.env.BENCH_ONLY === "sites") return sitesBench();
  if (process.env.BENCH_ONLY === "v1") return catalogV1Bench();
  await bundleBench();
  if (process.env.BENCH_ONLY === "bundles") return;
  await orderBench();
  await catchupBench();
  await catalogV1Bench();
  await sitesBench();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
