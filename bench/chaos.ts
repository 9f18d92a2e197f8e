/**
 * `npm run chaos`: the local host (`npm start`, a child process with its own DATA_DIR) against the
 * sandboxes, fed a hostile catalog and a stream of checkouts whose order events arrive three times
 * each, at once and out of order, while both APIs fail a share of their calls (429, 5xx, timeouts,
 * and writes that commit but lose their answer), Wix goes down for longer than the retry budget,
 * and the host is killed with SIGKILL half-way. Still under the faults, the merchant works after the
 * sale (chaos/after-sale.ts): ships some orders (Delivery Notes in ERPNext, two orders of one buyer
 * in one note; the shipments flow makes the Wix fulfilments), cancels and amends an unpaid Sales
 * Order in the desk and ships it, cancels a paid order in Wix and refunds it, and refunds some
 * paid ones in Wix (partly or fully: the refunds flow books Credit Notes and payments out). Once
 * the faults stop it waits for the integration to converge by itself (its jobs, nudged), then
 * reads both sandboxes through their REST APIs and checks the invariants (chaos/invariants.ts),
 * the audit last (`POST /jobs/monthly-audit` over the run's day: no difference but the orders
 * parked by design). Three passes in one invocation, each its own host and DATA_DIR, checked by
 * the same code: a clean baseline (no faults, no kill), the chaos pass, and a second chaos pass
 * shipping from Wix (FULFILMENT_SOURCE=wix, half the fulfilment webhooks lost) with
 * INVOICE_ON=fulfilment. Exits 1 if an invariant fails, 0 otherwise.
 *
 * Only 127.0.0.1 is ever contacted. Figures are printed, never asserted on time.
 *
 *   CHAOS_ITEMS=500 CHAOS_ORDERS=250            size of the chaos run (full size: 2000 and 1000,
 *                                               with CHAOS_CONVERGE_SECONDS=1200)
 *   CHAOS_BASELINE_ITEMS=200 CHAOS_BASELINE_ORDERS=100   size of the clean baseline run
 *   CHAOS_WIX_ITEMS=200 CHAOS_WIX_ORDERS=100  size of the second pass (shipped from Wix)
 *   CHAOS_FAULT_RATE=0.2      share of API calls failed while the faults are on (0-0.5)
 *   CHAOS_OUTAGE_SECONDS=120  Wix answers 503 to everything this long (5 receives take ~90 s)
 *   CHAOS_AFTER_SALE_SECONDS=120  at most this long shipping and refunding under the faults (the
 *                             rest once they stop)
 *   CHAOS_CONVERGE_SECONDS=600  how long the integration gets at most to converge once faults stop
 *   CHAOS_KEEP=1              keep the DATA_DIRs (host.log, sandbox.json) for a post-mortem
 *   CHAOS_SITES=2             two sandbox Wix sites on the one ERPNext (config.ts SITES), each with
 *                             CHAOS_ORDERS checkouts of its own; the outage hits the first only;
 *                             every invariant is checked per site (1, the default: one site)
 *
 * The parts: chaos/config.ts (knobs), host.ts (the child host), data.ts (catalog and checkouts),
 * after-sale.ts (what the merchant does after the sale), faults.ts, scenario.ts (one pass),
 * invariants.ts (what is checked at the end), report.ts.
 */
import { BASELINE, CHAOS, FULL, seconds, WIX_PASS } from "./chaos/config";
import { failures } from "./chaos/invariants";
import { report } from "./chaos/report";
import { type Pass, type RunResult, run } from "./chaos/scenario";

async function main(): Promise<void> {
  console.log(`erpnext-wix-sync chaos run on ${process.version}, ${new Date().toISOString()}`);
  if (CHAOS.items < FULL.items || CHAOS.orders < FULL.orders)
    console.log(
      `(smaller than the issue's size; the full-size run, which needs a longer convergence window on 2 cores: CHAOS_ITEMS=${FULL.items} CHAOS_ORDERS=${FULL.orders} CHAOS_CONVERGE_SECONDS=1200 npm run chaos)`,
    );
  const started = Date.now();
  const shipInErpnext = { fulfilmentSource: "erpnext", invoiceOn: "payment" } as const;
  const passes: Pass[] = [
    {
      label: "baseline",
      size: BASELINE,
      faults: false,
      outage: false,
      kill: false,
      settings: shipInErpnext,
      prefix: "CLEAN",
    },
    {
      label: "chaos",
      size: CHAOS,
      faults: true,
      outage: true,
      kill: true,
      settings: shipInErpnext,
      prefix: "CHAOS",
    },
    // Shipped from Wix, some fulfilment webhooks lost; invoiced on delivery. Smaller, and without
    // the outage (the first pass proves that), to keep the whole run reasonable.
    {
      label: "chaos-wix",
      size: WIX_PASS,
      faults: true,
      outage: false,
      kill: true,
      settings: { fulfilmentSource: "wix", invoiceOn: "fulfilment" },
      prefix: "WIXF",
    },
  ];
  const results: RunResult[] = [];
  for (const pass of passes) results.push(await run(pass));
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
