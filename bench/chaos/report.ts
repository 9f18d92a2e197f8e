import { MULTI_SITE, QUEUE_NAMES, SITES, seconds } from "./config";
import type { RunResult } from "./scenario";

export function report(results: RunResult[]): void {
  const row = (figure: string, value: (r: RunResult) => string | number) =>
    Object.fromEntries([["figure", figure], ...results.map((r) => [r.label, String(value(r))])]);
  const f = (r: RunResult) => r.final;
  console.log("\n## Figures (chaos run, and the clean baseline of the same invocation)");
  if (MULTI_SITE)
    console.log(
      `${SITES.length} Wix sites (${SITES.map((s) => `${s.name}: ${s.priceList}, ${s.warehouse}`).join("; ")}); orders and items are counted over them all`,
    );
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
    row("FULFILMENT_SOURCE / INVOICE_ON", (r) => `${r.settings.fulfilmentSource} / ${r.settings.invoiceOn}`),
    row(
      "two orders in one note / amended then shipped / cancelled in Wix then refunded",
      (r) =>
        `${r.afterSale.joined.length} / ${r.afterSale.amended.length} / ${r.afterSale.cancelledAndRefunded.length}`,
    ),
    row(
      "fulfilments made in Wix / their webhooks lost",
      (r) => `${r.afterSale.wixFulfilments} / ${r.afterSale.lostWebhooks}`,
    ),
    row("catalog entered / checkouts placed, s", (r) => `${seconds(r.catalogMs)} / ${seconds(r.ordersMs)}`),
    row("time to converge after the faults stop, s", (r) =>
      r.convergeMs === undefined ? "NOT CONVERGED" : seconds(r.convergeMs),
    ),
    row("orders, payments, customers and items agree after the faults stop, s", (r) =>
      r.coreMs === undefined ? "NO" : seconds(r.coreMs),
    ),
    row("Wix orders with exactly 1 Sales Order, total to the cent", (r) => f(r).exactlyOne),
    row("Wix orders parked by design (not the company currency)", (r) => f(r).parkedByDesign),
    row("Wix orders with 2+ Sales Orders", (r) => f(r).doubles.length),
    row("Sales Orders off the Wix total", (r) => f(r).totalsOff.length),
    row("Sales Orders not from their site's warehouse", (r) => f(r).settingsOff.length),
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
    row("after sale off: fulfilments / Wix notes / amended / cancelled+refunded / invoices", (r) =>
      [f(r).fulfilmentOff, f(r).wixNotesOff, f(r).amendedOff, f(r).cancelRefundOff, f(r).invoicesOff]
        .map((l) => (f(r).baseConverged ? l.length : "-"))
        .join(" / "),
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
