import { type AfterSale, afterSales, type PassSettings, type PlacedOrder } from "./after-sale";
import { AFTER_SALE_SECONDS, CONVERGE_SECONDS, DRIVER, ERP, OUTAGE_SECONDS, seconds, sleep } from "./config";
import { buyerCount, catalog, checkouts, storedCode } from "./data";
import { armFaults, disarm, SCHEDULE_LENGTH } from "./faults";
import { ChildHost, pool } from "./host";
import { type Outcome, outcome } from "./invariants";

// --- one run -------------------------------------------------------------------------------

/** One pass of the scenario: its size, what goes wrong, and how the integration is set. */
export interface Pass {
  label: string;
  size: { items: number; orders: number };
  /** 20% of API calls fail (CHAOS_FAULT_RATE) while checkouts and after-sales go on. */
  faults: boolean;
  /** Wix answers 503 to everything for CHAOS_OUTAGE_SECONDS, a third of the way before the end. */
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
  afterSale: AfterSale;
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
    `\n## ${label}: ${size.items} items, ${size.orders} orders${what.length ? `, with ${what.join(", ")}` : ""}; FULFILMENT_SOURCE=${settings.fulfilmentSource} INVOICE_ON=${settings.invoiceOn}`,
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
  });
  const log = (line: string) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`);
  try {
    await host.start();
    const fired = { erpnext: 0, wix: 0 };
    let armed = { erpnext: 0, wix: 0 };
    const arm = async () => {
      if (!pass.faults) return;
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
    const plan = catalog(size.items, pass.prefix);
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
    const killAt = pass.kill ? Math.floor(orders.length * 0.35) : -1;
    const outageAt = pass.outage ? Math.floor(orders.length * 0.65) : -1;
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
    // After the sale, under the faults for at most CHAOS_AFTER_SALE_SECONDS: an order the faults
    // hold back longer (a claim left by a lost answer waits out its lease) gets its steps once
    // they stop, within the convergence window.
    const work = afterSales(host, placedOrders, buyerCount(orders.length), settings);
    await work.until(AFTER_SALE_SECONDS * 1000);
    const afterSale = work.done;
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
    await stopFaults(["erpnext", "wix"]);
    const faultsOff = Date.now();
    log(`faults off (${fired.erpnext} ERPNext and ${fired.wix} Wix calls failed); waiting for convergence`);
    if (afterSale.notReady.length) {
      await work.until(CONVERGE_SECONDS * 1000);
      log(
        afterSale.notReady.length
          ? `still not booked, skipped: ${afterSale.notReady.join(", ")}`
          : "the rest shipped and refunded",
      );
    }

    // Converge: the scheduled jobs run on their own timers; each is also run once now and once a
    // minute while anything is off. (Not more often: every order poll re-sends all orders of its
    // 5-minute overlap, and redrives are counted.)
    let final = await outcome(host, settings, afterSale);
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
      final = await outcome(host, settings, afterSale);
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
      convergeMs,
      coreMs,
      final,
    };
  } finally {
    await host.kill("SIGTERM");
    host.cleanUp();
  }
}
