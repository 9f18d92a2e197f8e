import { type AfterSale, afterSales, type PassSettings, type PlacedOrder, together } from "./after-sale";
import {
  AFTER_SALE_SECONDS,
  CONVERGE_SECONDS,
  DRIVER,
  ERP,
  MULTI_SITE,
  OUTAGE_SECONDS,
  SITES,
  SITES_ENV,
  seconds,
  sleep,
} from "./config";
import { buyerCount, catalog, checkouts, storedCode } from "./data";
import { armFaults, disarm, ERPNEXT_SANDBOX, SCHEDULE_LENGTH } from "./faults";
import { ChildHost, pool } from "./host";
import { type Outcome, outcome } from "./invariants";

// --- one run -------------------------------------------------------------------------------

/** One pass of the scenario: its size, what goes wrong, and how the integration is set. */
export interface Pass {
  label: string;
  size: { items: number; orders: number };
  /** 20% of API calls fail (CHAOS_FAULT_RATE) while checkouts and after-sales go on. */
  faults: boolean;
  /**
   * Wix answers 503 to everything for CHAOS_OUTAGE_SECONDS, a third of the way before the end
   * (with several sites, the first site's Wix only: the others go on).
   */
  outage: boolean;
  /** The host is killed (SIGKILL) a third of the way in and started again on the same DATA_DIR. */
  kill: boolean;
  settings: PassSettings;
  /** Item code prefix (each pass has its own DATA_DIR; the prefix only tells the logs apart). */
  prefix: string;
}

export interface RunResult {
  label: string;
  settings: PassSettings;
  items: number;
  orders: number;
  placed: number;
  catalogMs: number;
  ordersMs: number;
  restartMs?: number;
  faultsFired: { erpnext: number; wix: number };
  outageMs?: number;
  deliveriesRefused: number;
  /** Every site's after-sale work together (the figures). */
  afterSale: AfterSale;
  /** Each site's (SITES' order), for its invariants. */
  afterSales: AfterSale[];
  convergeMs?: number;
  /** When orders, payments, customers and items first agreed (before the after-sale checks and the audit). */
  coreMs?: number;
  final: Outcome;
}

export const JOBS_TO_NUDGE = [
  "dlq-redrive",
  "order-poll",
  "product-catchup",
  "inventory-delta",
  "shipment-catchup",
];

export async function run(pass: Pass): Promise<RunResult> {
  const { label, size, settings } = pass;
  const what = [pass.faults && "faults", pass.outage && "a Wix outage", pass.kill && "a SIGKILL"].filter(
    Boolean,
  );
  console.log(
    `\n## ${label}: ${size.items} items, ${size.orders} orders${MULTI_SITE ? ` on each of ${SITES.length} Wix sites (${SITES.map((s) => s.name).join(", ")})` : ""}${what.length ? `, with ${what.join(", ")}` : ""}; FULFILMENT_SOURCE=${settings.fulfilmentSource} INVOICE_ON=${settings.invoiceOn}`,
  );
  const host = new ChildHost({
    FULFILMENT_SOURCE: settings.fulfilmentSource,
    INVOICE_ON: settings.invoiceOn,
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
    ...SITES_ENV,
  });
  const log = (line: string) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`);
  try {
    await host.start();
    const fired = { erpnext: 0, wix: 0 };
    // Faults armed on each sandbox, by its control path (ERPNext's, each site's Wix).
    const wixes = SITES.map((s) => s.wix);
    const armed = new Map<string, number>();
    const arm = async () => {
      if (!pass.faults) return;
      await armFaults(host, [ERPNEXT_SANDBOX, ...wixes]);
      for (const path of [ERPNEXT_SANDBOX, ...wixes]) armed.set(path, SCHEDULE_LENGTH);
    };
    const stopFaults = async (paths: string[]) => {
      for (const path of paths) {
        const count = armed.get(path);
        if (!count) continue;
        fired[path === ERPNEXT_SANDBOX ? "erpnext" : "wix"] += count - (await disarm(host, path));
        armed.delete(path);
      }
    };
    await arm();

    // Catalog: each item and its price through ERPNext's REST API (webhooks follow), then stock.
    const started = Date.now();
    const plan = catalog(size.items, pass.prefix, SITES.length);
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
      // Each site's price list (an item may be in one only).
      for (const [s, site] of SITES.entries()) {
        if (item.prices[s] === undefined) continue;
        await host.must(
          "POST",
          `/sandbox/erpnext/api/resource/Item%20Price?${DRIVER}`,
          {
            item_code: storedCode(item.code),
            price_list: site.priceList,
            price_list_rate: item.prices[s],
            uom: "Nos",
          },
          ERP,
        );
      }
    });
    // Stock in each site's warehouse, a different quantity in each.
    for (const [s, site] of SITES.entries())
      for (let i = 0; i < plan.length; i += 100) {
        const rows = plan
          .slice(i, i + 100)
          .map((it) => ({ item_code: storedCode(it.code), qty: 500 - 200 * s, t_warehouse: site.warehouse }));
        await host.must(
          "POST",
          `/sandbox/erpnext/api/resource/Stock%20Entry?${DRIVER}`,
          { docstatus: 1, items: rows },
          ERP,
        );
      }
    const catalogMs = Date.now() - started;
    log(`catalog entered in ERPNext in ${seconds(catalogMs)} s; checkouts start (the catalog still syncs)`);

    // Checkouts, each order's events delivered 3 times at once and out of order; with several
    // sites each gets its own (the same buyers), the sites' taken in turn.
    const perSite = SITES.map((_, s) => checkouts(size.orders, plan, s));
    const orders =
      perSite[0]?.flatMap((_, k) => perSite.map((list, s) => ({ s, k, checkout: list[k] }))) ?? [];
    const killAt = pass.kill ? Math.floor(orders.length * 0.35) : -1;
    const outageAt = pass.outage ? Math.floor(orders.length * 0.65) : -1;
    let restartMs: number | undefined;
    let outage: Promise<number> | undefined;
    let deliveriesRefused = 0;
    let placed = 0;
    const placedOrders: PlacedOrder[][] = SITES.map(() => []);
    let paused: Promise<void> | undefined;
    const ordersStarted = Date.now();
    await pool(orders, 6, async ({ s, k, checkout }, i) => {
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
          const down = SITES[0]?.wix as string;
          const which = MULTI_SITE ? ` of site ${SITES[0]?.name} (the others go on)` : "";
          log(`Wix outage: every Wix call${which} answers 503 for ${OUTAGE_SECONDS} s`);
          await stopFaults([down]);
          await host.must("POST", `${down}/_faults`, { status: 503, count: 1_000_000 });
          armed.set(down, 1_000_000);
          await sleep(OUTAGE_SECONDS * 1000);
          await stopFaults([down]); // the outage's 503s count as fired faults too
          await armFaults(host, [down]);
          armed.set(down, SCHEDULE_LENGTH);
          log("Wix outage over; 20% faults again");
          return Date.now() - began;
        })();
      }
      await paused;
      const res = await host.must("POST", `${SITES[s]?.wix}/_orders`, checkout);
      (placedOrders[s] as PlacedOrder[])[k] = res.body.order as PlacedOrder;
      placed++;
      deliveriesRefused += ((res.body.delivered ?? []) as { status: unknown }[]).filter(
        (d) => d.status !== 200,
      ).length;
    });
    const outageMs = await outage;
    const ordersMs = Date.now() - ordersStarted;
    log(`${placed} checkouts in ${seconds(ordersMs)} s`);
    // After the sale, under the faults for at most CHAOS_AFTER_SALE_SECONDS: an order the faults
    // hold back longer (a claim left by a lost answer waits out its lease) gets its steps once
    // they stop, within the convergence window.
    const work = SITES.map((site, s) =>
      afterSales(host, site, placedOrders[s] as PlacedOrder[], buyerCount(size.orders), settings),
    );
    const workUntil = (ms: number) => Promise.all(work.map((w) => w.until(ms)));
    await workUntil(AFTER_SALE_SECONDS * 1000);
    const siteAfterSales = work.map((w) => w.done);
    let afterSale = together(siteAfterSales);
    const where = settings.fulfilmentSource === "erpnext" ? "in ERPNext" : "in Wix";
    log(
      `${afterSale.shipped} orders shipped ${where} (${afterSale.joined.length} pairs in one note, ${afterSale.amended.length} amended first` +
        (afterSale.wixFulfilments
          ? `, ${afterSale.lostWebhooks} of ${afterSale.wixFulfilments} Wix fulfilment webhooks lost`
          : "") +
        `), ${afterSale.partlyRefunded} refunded in part and ${afterSale.fullyRefunded} in full in Wix, ${afterSale.cancelledAndRefunded.length} cancelled in Wix then refunded` +
        (afterSale.notReady.length ? `; not booked yet: ${afterSale.notReady.join(", ")}` : "") +
        (afterSale.refused.length ? `; ${afterSale.refused.length} steps refused` : ""),
    );
    await stopFaults([ERPNEXT_SANDBOX, ...wixes]);
    const faultsOff = Date.now();
    log(`faults off (${fired.erpnext} ERPNext and ${fired.wix} Wix calls failed); waiting for convergence`);
    if (afterSale.notReady.length) {
      await workUntil(CONVERGE_SECONDS * 1000);
      afterSale = together(siteAfterSales);
      log(
        afterSale.notReady.length
          ? `still not booked, skipped: ${afterSale.notReady.join(", ")}`
          : "the rest shipped and refunded",
      );
    }

    // Converge: the scheduled jobs run on their own timers; each is also run once now and once a
    // minute while anything is off. (Not more often: every order poll re-sends all orders of its
    // 5-minute overlap, and redrives are counted.)
    let final = await outcome(host, settings, siteAfterSales);
    let convergeMs: number | undefined;
    let coreMs = final.baseConverged ? Date.now() - faultsOff : undefined;
    let nudged = 0;
    while (!final.converged && Date.now() - faultsOff < CONVERGE_SECONDS * 1000) {
      if (Date.now() - nudged >= 60_000) {
        for (const job of JOBS_TO_NUDGE) await host.call("POST", `/jobs/${job}`);
        nudged = Date.now();
      }
      // Every look reads both systems whole (the after-sale checks every Delivery Note and Sales
      // Order too): on 2 cores that competes with the integration, so look every 10 s (20 s while
      // only the after-sale checks or the audit are off). Times are to within that.
      await sleep(final.baseConverged ? 20_000 : 10_000);
      final = await outcome(host, settings, siteAfterSales);
      if (final.baseConverged) coreMs ??= Date.now() - faultsOff;
    }
    if (final.converged) convergeMs = Date.now() - faultsOff;
    log(
      final.converged
        ? `converged ${seconds(convergeMs ?? 0)} s after the faults stopped`
        : `NOT converged after ${CONVERGE_SECONDS} s`,
    );
    return {
      label,
      settings,
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
      afterSales: siteAfterSales,
      convergeMs,
      coreMs,
      final,
    };
  } finally {
    await host.kill("SIGTERM");
    host.cleanUp();
  }
}
