export function knob(name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
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
 * of it (the three passes together take about 15-20 minutes there: the chaos pass on main took
 * 14 minutes with the baseline, most of it the 120 s outage, the after-sales and convergence).
 */
export const FULL = { items: 2000, orders: 1000 };
export const CHAOS = { items: knob("CHAOS_ITEMS", 500), orders: knob("CHAOS_ORDERS", 250) };
export const BASELINE = {
  items: knob("CHAOS_BASELINE_ITEMS", 200),
  orders: knob("CHAOS_BASELINE_ORDERS", 100),
};
/** The second chaos pass (FULFILMENT_SOURCE=wix, INVOICE_ON=fulfilment; faults and a SIGKILL, no outage). */
export const WIX_PASS = { items: knob("CHAOS_WIX_ITEMS", 200), orders: knob("CHAOS_WIX_ORDERS", 100) };
export const FAULT_RATE = knob("CHAOS_FAULT_RATE", 0.2, 0.5);
export const OUTAGE_SECONDS = knob("CHAOS_OUTAGE_SECONDS", 120, 600);
export const AFTER_SALE_SECONDS = knob("CHAOS_AFTER_SALE_SECONDS", 120, 3600);
/**
 * A ceiling, not a wait: a pass that converges goes on at once. 600 s so the default size still
 * converges on a loaded 2-core machine (`npm test` beside it); the main run at 300 s met it.
 */
export const CONVERGE_SECONDS = knob("CHAOS_CONVERGE_SECONDS", 600, 3600);
export const KEEP = process.env.CHAOS_KEEP === "1";

// A person at the desk (the integration user's own writes are not announced: the echo condition).
export const ERP = { authorization: "token sandbox-desk-key:sandbox-desk-secret" };
export const WIX = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };
export const QUEUE_NAMES = ["products", "inventory", "orders", "billing", "refunds", "shipments"];
export const COMPANY_CURRENCY = "USD"; // the sandbox company's default_currency
export const EVENT = (name: string) => `wix.ecom.v1.${name}`;
/** Paid, later refunds included: one Payment Entry received (payments out name the refund). */
export const PAID_STATUSES = new Set(["PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"]);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const cents = (v: unknown) => Math.round(Number(v) * 100);
export const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** The run's own data entry (the merchant typing into ERPNext) is marked so faults spare it. */
export const DRIVER = "by=chaos-driver";
