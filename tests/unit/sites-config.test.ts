/**
 * The sites file (shared/config/sites.ts, shared/runtime/settings.ts): its checks, what a site
 * inherits from the environment, and that without it the environment is the one site "default".
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { parseSettings } from "#shared/config/settings";
import { GLOBAL_KEYS, parseSites, readSiteEntries, type SiteEntry } from "#shared/config/sites";
import { ConfigError } from "#shared/errors";
import { scrub } from "#shared/http/redact";
import { loadSites } from "#shared/runtime/settings";

const env = {
  ERPNEXT_URL: "https://erp.example.com",
  ERPNEXT_API_KEY: "key",
  ERPNEXT_API_SECRET: "secret-value",
  ERPNEXT_WEBHOOK_SECRET: "webhook-secret",
  WIX_API_KEY: "IST.key",
  WIX_SITE_ID: "site",
  ERPNEXT_COMPANY: "Shop Ltd",
};

const site = (name: string, extra: Record<string, unknown> = {}): SiteEntry => ({
  name,
  WIX_INSTANCE_ID: `instance-${name}`,
  ...extra,
});

/** The problems a ConfigError lists (none when `run` does not throw one). */
function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("readSiteEntries", () => {
  test("lists every problem of every entry at once", () => {
    const problems = problemsOf(() =>
      readSiteEntries([
        { name: "US" },
        { name: "eu", ERPNEXT_URL: "https://other.example.com", WIX_APY_KEY: "typo" },
        { name: "eu" },
        "not an object",
        { WIX_API_KEY: "k" },
      ]),
    );
    expect(problems).toEqual([
      'site "US": name must be 1-32 of a-z, 0-9 and "-"',
      'site "eu": ERPNEXT_URL is the same for every site; set it in the environment',
      'site "eu": unknown setting WIX_APY_KEY',
      'site "eu": named twice',
      "SITES_FILE[3]: expected an object",
      'SITES_FILE[4]: name must be 1-32 of a-z, 0-9 and "-"',
    ]);
  });

  test("names are 1-32 of [a-z0-9-]", () => {
    const named = (name: unknown) => problemsOf(() => readSiteEntries([{ name }]));
    for (const good of ["us", "eu-2", "a", "x".repeat(32), "0"]) expect(named(good)).toEqual([]);
    for (const bad of ["", "x".repeat(33), "Eu", "eu_2", "eu#1", "é", 7, null])
      expect(named(bad)).toHaveLength(1);
  });

  test("every global key is refused in an entry; SECRET_ID and the site keys are allowed", () => {
    // The ERPNext connection is global (issue 18), whatever else the list holds.
    expect(GLOBAL_KEYS).toEqual(
      expect.arrayContaining([
        "ERPNEXT_URL",
        "ERPNEXT_API_KEY",
        "ERPNEXT_API_SECRET",
        "ERPNEXT_WEBHOOK_SECRET",
      ]),
    );
    for (const key of GLOBAL_KEYS)
      expect(problemsOf(() => readSiteEntries([{ name: "us", [key]: "x" }]))).toEqual([
        `site "us": ${key} is the same for every site; set it in the environment`,
      ]);
    expect(
      readSiteEntries([
        { name: "us", SECRET_ID: "arn:us", ERPNEXT_ITEM_GROUPS: ["Toys"], INVOICE_ON: "order" },
      ]),
    ).toHaveLength(1);
  });

  test("not an array, or an empty one, is refused with the expected shape and its source", () => {
    for (const value of [{}, [], "us", null])
      expect(problemsOf(() => readSiteEntries(value, "SITES"))).toEqual([
        'SITES: expected a JSON array of sites, [{"name": "us", ...}]',
      ]);
  });
});

describe("parseSites", () => {
  test("without entries the environment is the one site named default, exactly as parseSettings", () => {
    const sites = parseSites(env, undefined, ["extra-key"]);
    expect(sites).toEqual([parseSettings(env, ["extra-key"])]);
    expect(sites[0]?.site).toBe("default");
    // One site needs no instance id, as before.
    expect(sites[0]?.wix.instanceId).toBeUndefined();
  });

  test("a site inherits what it leaves out from the environment and overrides the rest", () => {
    const [us, eu] = parseSites(env, [
      site("us"),
      site("eu", { ERPNEXT_PRICE_LIST: "EU Retail", ERPNEXT_COMPANY: "Shop GmbH", WIX_SITE_ID: "eu-site" }),
    ]);
    expect(us?.site).toBe("us");
    expect(us?.erpnext.priceList).toBe("Standard Selling");
    expect(us?.orders.company).toBe("Shop Ltd");
    expect(us?.wix.siteId).toBe("site");
    expect(eu?.site).toBe("eu");
    expect(eu?.erpnext.priceList).toBe("EU Retail");
    expect(eu?.orders.company).toBe("Shop GmbH");
    expect(eu?.wix.siteId).toBe("eu-site");
    // The ERPNext connection is the environment's for every site.
    expect(eu?.erpnext.url).toBe(env.ERPNEXT_URL);
    expect(eu?.erpnext.apiSecret).toBe(env.ERPNEXT_API_SECRET);
  });

  test("lists are JSON arrays; numbers and booleans as JSON values", () => {
    const [eu] = parseSites(env, [
      site("eu", {
        ERPNEXT_WAREHOUSES: ["Berlin - SG", "Paris - SG"],
        ERPNEXT_ITEM_GROUPS: ["Toys"],
        WIX_REQUESTS_PER_MINUTE: 50,
        ALLOW_FREE_ITEMS: true,
      }),
    ]);
    expect(eu?.erpnext.warehouses).toEqual(["Berlin - SG", "Paris - SG"]);
    expect(eu?.erpnext.itemGroups).toEqual(["Toys"]);
    expect(eu?.wix.requestsPerMinute).toBe(50);
    expect(eu?.erpnext.allowFreeItems).toBe(true);
  });

  test("maps (tax and payment accounts) are JSON objects, spelled as the environment's NAME=ACCOUNT", () => {
    const [eu] = parseSites(env, [
      site("eu", {
        ERPNEXT_TAX_ACCOUNTS: { "VAT 19%": "VAT 19 - SG", "City=Tax": "City - SG" },
        ERPNEXT_PAYMENT_ACCOUNTS: { card: "Bank - SG" },
      }),
    ]);
    expect(eu?.orders.taxAccounts).toEqual({ "VAT 19%": "VAT 19 - SG", "City=Tax": "City - SG" });
    expect(eu?.billing.paymentAccounts).toEqual({ card: "Bank - SG" });
  });

  test("every problem of every site at once, each under its site's name", () => {
    const problems = problemsOf(() =>
      parseSites(env, [site("us", { INVOICE_ON: "sometimes" }), site("eu", { ORDER_SUBMIT: "maybe" })]),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^site "us": INVOICE_ON: /),
      expect.stringMatching(/^site "eu": ORDER_SUBMIT: expected true or false/),
    ]);
  });

  test("several sites each need their own WIX_INSTANCE_ID", () => {
    expect(
      problemsOf(() =>
        parseSites(env, [{ name: "us" }, site("eu"), { name: "uk", WIX_INSTANCE_ID: "instance-eu" }]),
      ),
    ).toEqual([
      'site "us": WIX_INSTANCE_ID: required with several sites',
      'site "uk": WIX_INSTANCE_ID: also site "eu"\'s',
    ]);
    // One inherited from the environment would be every site's.
    expect(
      problemsOf(() => parseSites({ ...env, WIX_INSTANCE_ID: "shared" }, [{ name: "us" }, { name: "eu" }])),
    ).toEqual(['site "eu": WIX_INSTANCE_ID: also site "us"\'s']);
    // A sites file of one site is one site: no instance needed.
    expect(parseSites(env, [{ name: "us" }])[0]?.site).toBe("us");
  });
});

describe("loadSites", () => {
  const dir = mkdtempSync(join(tmpdir(), "sites-"));
  const entries = [
    site("us", { WIX_API_KEY: "IST.us-key-secret" }),
    site("eu", { WIX_API_KEY: "IST.eu-key-secret", ERPNEXT_WAREHOUSES: ["Berlin - SG"] }),
  ];

  test("SITES_FILE: one Settings per entry, in order", async () => {
    const file = join(dir, "sites.json");
    writeFileSync(file, JSON.stringify(entries));
    const sites = await loadSites({ ...env, SITES_FILE: file });
    expect(sites.map((s) => [s.site, s.wix.apiKey, s.erpnext.warehouses])).toEqual([
      ["us", "IST.us-key-secret", []],
      ["eu", "IST.eu-key-secret", ["Berlin - SG"]],
    ]);
  });

  test("SITES: the same JSON inline (AWS)", async () => {
    const sites = await loadSites({ ...env, SITES: JSON.stringify(entries) });
    expect(sites.map((s) => s.site)).toEqual(["us", "eu"]);
  });

  test("neither: the environment's one site, default", async () => {
    expect((await loadSites(env)).map((s) => s.site)).toEqual(["default"]);
  });

  test("every site's secrets are scrubbed from then on", async () => {
    await loadSites({ ...env, SITES: JSON.stringify(entries) });
    expect(scrub("us IST.us-key-secret, eu IST.eu-key-secret")).not.toMatch(/key-secret/);
  });

  test("unreadable or invalid JSON is a clear ConfigError naming the source", async () => {
    await expect(loadSites({ ...env, SITES_FILE: join(dir, "missing.json") })).rejects.toThrow(
      /SITES_FILE: cannot read .*missing\.json as JSON/,
    );
    await expect(loadSites({ ...env, SITES: "[{" })).rejects.toThrow(/SITES: not JSON/);
    await expect(loadSites({ ...env, SITES: '[{"name": "Us"}]' })).rejects.toThrow(/site "Us": name/);
  });

  test("a file wrong in its shape and in its settings lists both in one message", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(
      file,
      JSON.stringify([
        site("us", { COLOUR: "blue", INVOICE_ON: "sometimes" }),
        site("eu", { ORDER_CREATE_ON: "never" }),
        { WIX_SITE_ID: "no name" },
      ]),
    );
    const problems = await loadSites({ ...env, SITES_FILE: file }).then(
      () => [],
      (error: ConfigError) => error.problems,
    );
    expect(problems).toEqual([
      'site "us": unknown setting COLOUR',
      'SITES_FILE[2]: name must be 1-32 of a-z, 0-9 and "-"',
      expect.stringMatching(/^site "us": INVOICE_ON: /),
      expect.stringMatching(/^site "eu": ORDER_CREATE_ON: /),
    ]);
  });
});
