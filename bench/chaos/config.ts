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

/** A Wix site of the run: where the driver finds its sandbox Wix, and its ERPNext side. */
export interface ChaosSite {
  /** Its name in the integration ("default": the environment's one site, as without sites). */
  name: string;
  /** Its sandbox Wix under the host's control routes. */
  wix: string;
  /** The driver's credentials there (the sandbox's own: infra/local/bootstrap.ts sandboxSiteEntry). */
  headers: Record<string, string>;
  priceList: string;
  /** Where its stock is sold from, and its orders' `set_warehouse`. */
  warehouse: string;
  /** Its payments' `paid_to`: tells its Payment Entries from another site's of the same order number. */
  paymentAccount: string;
  /** Its SANDBOX_SITE_SETTINGS entry (what it sets of the ERPNext side; the rest: the environment's). */
  settings: Record<string, string>;
}

/** CHAOS_SITES=2: two sandbox Wix sites on the one ERPNext, the second with its own ERPNext side. */
export const SITE_COUNT = knob("CHAOS_SITES", 1, 2);
if (SITE_COUNT < 1) {
  console.error("CHAOS_SITES: expected 1 or 2");
  process.exit(2);
}
const sandboxSite = (name: string, side: Omit<ChaosSite, "name" | "wix" | "headers">): ChaosSite => ({
  name,
  wix: `/sandbox/wix/${name}`,
  headers: { authorization: `${WIX.authorization}-${name}`, "wix-site-id": `${WIX["wix-site-id"]}-${name}` },
  ...side,
});
/** The sandbox company's (infra/sandbox/erpnext/masters.ts), which the environment names (bootstrap.ts). */
const HOME = { priceList: "Standard Selling", warehouse: "Stores - SC", paymentAccount: "Wix Payments - SC" };
export const SITES: ChaosSite[] =
  SITE_COUNT === 1
    ? [{ name: "default", wix: "/sandbox/wix", headers: WIX, ...HOME, settings: {} }]
    : [
        // Only its own warehouse: ERPNEXT_WAREHOUSES unset would sell the other site's stock too.
        sandboxSite("retail", { ...HOME, settings: { ERPNEXT_WAREHOUSES: HOME.warehouse } }),
        sandboxSite("trade", {
          priceList: "Wholesale",
          warehouse: "Backroom - SC",
          paymentAccount: "PayPal - SC",
          settings: {
            ERPNEXT_PRICE_LIST: "Wholesale",
            ERPNEXT_WAREHOUSE: "Backroom - SC",
            ERPNEXT_WAREHOUSES: "Backroom - SC",
            ERPNEXT_PAYMENT_ACCOUNT: "PayPal - SC",
            ERPNEXT_CUSTOMER_GROUP: "Commercial",
            ERPNEXT_TERRITORY: "Rest Of The World",
          },
        }),
      ];
export const MULTI_SITE = SITES.length > 1;
/** The host's environment for the sites (none with one site: today's run). */
export const SITES_ENV: Record<string, string> = MULTI_SITE
  ? {
      SANDBOX_SITES: SITES.map((s) => s.name).join(","),
      SANDBOX_SITE_SETTINGS: JSON.stringify(Object.fromEntries(SITES.map((s) => [s.name, s.settings]))),
    }
  : {};
/**
 * A site's order as ERPNext references it (its Sales Order's and invoices' `po_no`, its payments'
 * `reference_no`): the number, prefixed with the site's name on any site but the default, since
 * every Wix site numbers from 10001 (orderReference, shared/flows/site-field.ts).
 */
export const erpRef = (site: ChaosSite, number: string) =>
  site.name === "default" ? number : `${site.name}-${number}`;

/** How a site's order is named in a failure line: its number, after the site's name with several. */
export const orderLabel = (site: ChaosSite, number: string) =>
  MULTI_SITE ? `${site.name} #${number}` : `#${number}`;
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
