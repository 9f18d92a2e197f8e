import { ConfigError } from "../errors";
import { DEFAULT_RETRY_BASE_SECONDS } from "../queue/policy";
import * as z from "../validation";

/** The one site of a deployment configured without SITES_FILE; its state keys carry no site. */
export const DEFAULT_SITE = "default";

/**
 * One schema for both hosts. Locally every value comes from the environment; in AWS the
 * credentials come from one Secrets Manager secret (a JSON object with the same keys) merged over
 * the function environment. Names are part of the public interface: keep them.
 */
export const SECRET_KEYS = [
  "ERPNEXT_API_KEY",
  "ERPNEXT_API_SECRET",
  "ERPNEXT_WEBHOOK_SECRET",
  "WIX_API_KEY",
  "WIX_APP_SECRET",
  "WIX_WEBHOOK_PUBLIC_KEY",
] as const;

const optionalText = z.pipe(
  z.optional(z.string()),
  z.transform((v) => (v?.trim() ? v.trim() : undefined)),
);
const required = (min = 1, message = "required") =>
  z.string({ error: message }).check(z.minLength(min, message));
const list = z.pipe(
  z.optional(z.string()),
  z.transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  ),
);
const bool = (fallback: boolean) =>
  z.pipe(
    z.optional(z.string()),
    z.transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      ctx.issues.push({ code: "custom", message: `expected true or false, got "${v}"`, input: v });
      return z.NEVER;
    }),
  );
/**
 * Ports the Fetch standard blocks ("bad port"; the list of undici's lib/web/fetch/constants.js,
 * which is Node's fetch): a call there fails before it leaves, so such a URL is refused up front.
 */
const FETCH_BLOCKED_PORTS = new Set(
  "1 7 9 11 13 15 17 19 20 21 22 23 25 37 42 43 53 69 77 79 87 95 101 102 103 104 109 110 111 113 115 117 119 123 135 137 139 143 161 179 389 427 465 512 513 514 515 526 530 531 532 540 548 554 556 563 587 601 636 989 990 993 995 1719 1720 1723 2049 3659 4045 4190 5060 5061 6000 6566 6665 6666 6667 6668 6669 6679 6697 10080".split(
    " ",
  ),
);
/** The URL's explicit port ("" when none, or when it is not a URL: z.url reports that). */
const portOf = (value: unknown) => URL.parse(String(value))?.port ?? "";
const url = () =>
  z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).check(
    z.refine((v) => !FETCH_BLOCKED_PORTS.has(portOf(v)), {
      error: (issue) =>
        `port ${portOf(issue.input)} is one Node's fetch refuses (the Fetch standard's bad ports): use another port or a proxy in front`,
    }),
  );
const integer = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);
/** "VAT 20%=VAT - C,Shipping Tax=Tax - C": Wix tax names to ERPNext accounts. */
const accountMap = z.pipe(
  z.optional(z.string()),
  z.transform((v, ctx) => {
    const map: Record<string, string> = {};
    for (const pair of (v ?? "").split(",").filter((s) => s.trim())) {
      const at = pair.lastIndexOf("=");
      if (at <= 0) {
        ctx.issues.push({ code: "custom", message: `"${pair}" is not NAME=ACCOUNT`, input: v });
        continue;
      }
      map[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
    return map;
  }),
);

/**
 * "card=Bank - C,paypal=PayPal - C,offline=Cash - C": Wix payment methods (lower case, see
 * shared/flows/billing/accounts.ts) to ERPNext Bank or Cash accounts.
 */
const paymentAccountMap = z.pipe(
  z.optional(z.string()),
  z.transform((v, ctx) => {
    const map: Record<string, string> = {};
    for (const pair of (v ?? "").split(",").filter((s) => s.trim())) {
      const at = pair.indexOf("=");
      const method = pair.slice(0, Math.max(at, 0)).trim().toLowerCase();
      const account = pair.slice(at + 1).trim();
      if (at <= 0 || !method || !account) {
        ctx.issues.push({ code: "custom", message: `"${pair.trim()}" is not METHOD=ACCOUNT`, input: v });
        continue;
      }
      if (map[method]) {
        ctx.issues.push({ code: "custom", message: `payment method "${method}" is mapped twice`, input: v });
        continue;
      }
      map[method] = account;
    }
    return map;
  }),
);

export const settingsSchema = z.object({
  ERPNEXT_URL: url(),
  ERPNEXT_API_KEY: required(),
  ERPNEXT_API_SECRET: required(),
  ERPNEXT_WEBHOOK_SECRET: required(8, "required, at least 8 characters"),
  ERPNEXT_PRICE_LIST: z._default(required(), "Standard Selling"),
  ERPNEXT_WAREHOUSES: list,
  /** Only items of these item groups (and their sub-groups) are published; empty = every group. */
  ERPNEXT_ITEM_GROUPS: list,
  ERPNEXT_COMPANY: optionalText,
  ERPNEXT_CUSTOMER_GROUP: z._default(required(), "All Customer Groups"),
  ERPNEXT_TERRITORY: z._default(required(), "All Territories"),
  ERPNEXT_WAREHOUSE: optionalText,
  ERPNEXT_RETURN_WAREHOUSE: optionalText,
  ERPNEXT_SHIPPING_ACCOUNT: optionalText,
  ERPNEXT_FEE_ACCOUNT: optionalText,
  ERPNEXT_TAX_ACCOUNT: optionalText,
  ERPNEXT_TAX_ACCOUNTS: accountMap,
  ERPNEXT_PAYMENT_ACCOUNT: optionalText,
  ERPNEXT_PAYMENT_ACCOUNTS: paymentAccountMap,
  INVOICE_ON: z._default(z.enum(["payment", "fulfilment", "order", "never"]), "payment"),
  ALLOW_FREE_ITEMS: bool(false),
  ORDER_SUBMIT: bool(true),
  ORDER_CREATE_ON: z._default(z.enum(["approved", "created"]), "approved"),
  ORDER_DELIVERY_DAYS: integer(0, 365, 7),
  FULFILMENT_SOURCE: z._default(z.enum(["erpnext", "wix"]), "erpnext"),
  WIX_API_URL: z._default(url(), "https://www.wixapis.com"),
  WIX_API_KEY: optionalText,
  WIX_SITE_ID: optionalText,
  WIX_APP_ID: optionalText,
  WIX_APP_SECRET: optionalText,
  WIX_INSTANCE_ID: optionalText,
  WIX_WEBHOOK_PUBLIC_KEY: optionalText,
  WIX_REQUESTS_PER_MINUTE: integer(1, 1_000_000, 200),
  WIX_LOCATION_ID: optionalText,
  /** Test mode: both sides are read, no write is sent (shared/http/dry-run.ts). */
  DRY_RUN: bool(false),
  /** Read by the queue client (shared/queue/policy.ts); validated here with everything else. */
  RETRY_BASE_SECONDS: integer(0, 1800, DEFAULT_RETRY_BASE_SECONDS),
  WRITE_STATUS_TO_ERPNEXT: bool(true),
});

/**
 * Checks across fields, run on the raw values even when single fields fail, so one start-up
 * message lists every problem.
 */
function crossFieldProblems(raw: Record<string, string | undefined>): string[] {
  const has = (k: string) => Boolean(raw[k]?.trim());
  const problems: string[] = [];
  const key = has("WIX_API_KEY");
  const app = has("WIX_APP_ID") || has("WIX_APP_SECRET") || has("WIX_INSTANCE_ID");
  if (!key && !app) {
    problems.push(
      "WIX_API_KEY: set WIX_API_KEY and WIX_SITE_ID, or WIX_APP_ID, WIX_APP_SECRET and WIX_INSTANCE_ID",
    );
  }
  if (key && !has("WIX_SITE_ID")) problems.push("WIX_SITE_ID: required with WIX_API_KEY");
  if (!key && app) {
    for (const name of ["WIX_APP_ID", "WIX_APP_SECRET", "WIX_INSTANCE_ID"]) {
      if (!has(name)) problems.push(`${name}: required for Wix app auth`);
    }
  }
  const pem = raw.WIX_WEBHOOK_PUBLIC_KEY;
  if (pem?.trim() && !pem.includes("BEGIN PUBLIC KEY"))
    problems.push("WIX_WEBHOOK_PUBLIC_KEY: expected a PEM public key");
  return problems;
}

export interface Settings {
  /** The Wix site these settings are for ("default" without SITES_FILE; shared/config/sites.ts). */
  site: string;
  /** Test mode (`DRY_RUN`): flows read both sides and log the writes they would make, making none. */
  dryRun: boolean;
  erpnext: {
    url: string;
    apiKey: string;
    apiSecret: string;
    webhookSecret: string;
    priceList: string;
    warehouses: string[];
    /** Item groups whose items (and their sub-groups' items) are for sale here; empty = all. */
    itemGroups: string[];
    /** Publish items priced 0; otherwise a 0 price hides the product. */
    allowFreeItems: boolean;
  };
  orders: {
    company?: string;
    customerGroup: string;
    territory: string;
    warehouse?: string;
    shippingAccount?: string;
    /** Account of Wix additional-fee rows; defaults to the shipping account. */
    feeAccount?: string;
    taxAccount?: string;
    taxAccounts: Record<string, string>;
    paymentAccount?: string;
    submit: boolean;
    createOn: "approved" | "created";
    deliveryDays: number;
    /** Sales Orders carry their Wix order's id, number and dashboard link (WRITE_STATUS_TO_ERPNEXT). */
    wixFields?: { siteId?: string };
  };
  shipments: {
    /** Where shipments are recorded: ERPNext Delivery Notes -> Wix, or Wix fulfillments -> ERPNext. */
    source: "erpnext" | "wix";
    /** Warehouse of Delivery Notes made from Wix fulfillments; else the Sales Order's. */
    warehouse?: string;
  };
  refunds: {
    /** Where restocked goods go back: ERPNEXT_RETURN_WAREHOUSE, else the first configured warehouse. */
    returnWarehouse?: string;
  };
  billing: {
    /** When a Sales Invoice is made from the Sales Order. */
    invoiceOn: "payment" | "fulfilment" | "order" | "never";
    /** Bank / Cash account per Wix payment method (lower case); `paymentAccount` for the rest. */
    paymentAccounts: Record<string, string>;
    paymentAccount?: string;
  };
  wix: {
    apiUrl: string;
    apiKey?: string;
    siteId?: string;
    appId?: string;
    appSecret?: string;
    instanceId?: string;
    webhookPublicKeys: string[];
    requestsPerMinute: number;
    /** The Wix location ERPNext's stock is pushed to; unset = a single-location site. */
    locationId?: string;
  };
  status: {
    /** Write sync status into ERPNext's Custom Fields (Item `wix_*`, Sales Order `wix_order_*`). */
    writeToErpnext: boolean;
  };
}

/** Validates a flat key/value source; throws one ConfigError naming every problem. */
export function parseSettings(
  source: Record<string, string | undefined>,
  extraPublicKeys: string[] = [],
  site = DEFAULT_SITE,
): Settings {
  const result = settingsSchema.safeParse(source);
  const problems = [
    ...(result.success
      ? []
      : result.error.issues.map((i) => `${i.path.join(".") || "settings"}: ${i.message}`)),
    ...crossFieldProblems(source),
  ];
  if (!result.success || problems.length) throw new ConfigError(problems);
  const s = result.data;
  return {
    site,
    dryRun: s.DRY_RUN,
    erpnext: {
      url: s.ERPNEXT_URL,
      apiKey: s.ERPNEXT_API_KEY,
      apiSecret: s.ERPNEXT_API_SECRET,
      webhookSecret: s.ERPNEXT_WEBHOOK_SECRET,
      priceList: s.ERPNEXT_PRICE_LIST,
      warehouses: s.ERPNEXT_WAREHOUSES,
      itemGroups: s.ERPNEXT_ITEM_GROUPS,
      allowFreeItems: s.ALLOW_FREE_ITEMS,
    },
    orders: {
      company: s.ERPNEXT_COMPANY,
      customerGroup: s.ERPNEXT_CUSTOMER_GROUP,
      territory: s.ERPNEXT_TERRITORY,
      warehouse: s.ERPNEXT_WAREHOUSE,
      shippingAccount: s.ERPNEXT_SHIPPING_ACCOUNT,
      feeAccount: s.ERPNEXT_FEE_ACCOUNT ?? s.ERPNEXT_SHIPPING_ACCOUNT,
      taxAccount: s.ERPNEXT_TAX_ACCOUNT,
      taxAccounts: s.ERPNEXT_TAX_ACCOUNTS,
      paymentAccount: s.ERPNEXT_PAYMENT_ACCOUNT,
      submit: s.ORDER_SUBMIT,
      createOn: s.ORDER_CREATE_ON,
      deliveryDays: s.ORDER_DELIVERY_DAYS,
      wixFields: s.WRITE_STATUS_TO_ERPNEXT ? { siteId: s.WIX_SITE_ID } : undefined,
    },
    shipments: { source: s.FULFILMENT_SOURCE, warehouse: s.ERPNEXT_WAREHOUSE },
    refunds: {
      returnWarehouse: s.ERPNEXT_RETURN_WAREHOUSE ?? s.ERPNEXT_WAREHOUSES[0] ?? s.ERPNEXT_WAREHOUSE,
    },
    billing: {
      invoiceOn: s.INVOICE_ON,
      paymentAccounts: s.ERPNEXT_PAYMENT_ACCOUNTS,
      paymentAccount: s.ERPNEXT_PAYMENT_ACCOUNT,
    },
    wix: {
      apiUrl: s.WIX_API_URL,
      apiKey: s.WIX_API_KEY,
      siteId: s.WIX_SITE_ID,
      appId: s.WIX_APP_ID,
      appSecret: s.WIX_APP_SECRET,
      instanceId: s.WIX_INSTANCE_ID,
      webhookPublicKeys: [s.WIX_WEBHOOK_PUBLIC_KEY, ...extraPublicKeys].filter((k): k is string =>
        Boolean(k),
      ),
      requestsPerMinute: s.WIX_REQUESTS_PER_MINUTE,
      locationId: s.WIX_LOCATION_ID,
    },
    status: { writeToErpnext: s.WRITE_STATUS_TO_ERPNEXT },
  };
}

/** Every secret value in the settings, for scrubbing error texts. */
export function secretValues(s: Settings): string[] {
  return [
    s.erpnext.apiKey,
    s.erpnext.apiSecret,
    s.erpnext.webhookSecret,
    s.wix.apiKey,
    s.wix.appSecret,
  ].filter((v): v is string => Boolean(v));
}
