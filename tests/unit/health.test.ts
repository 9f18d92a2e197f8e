import { describe, expect, test } from "@jest/globals";
import { AuthError, HttpError } from "#shared/errors";
import type { CatalogVersion } from "#shared/flows/wix-catalog";
import { explainHealth } from "#shared/ops/doctor";
import { checkHealth, checkSitesHealth, probeApis } from "#shared/ops/health-checks";

describe("health probes through the adapters", () => {
  test("refused credentials: reachable, not authenticated; Wix down: unreachable", async () => {
    // prepare: each probe is asked once
    const asked: string[] = [];
    const erpnext = {
      whoAmI: async (opts?: { probe?: boolean }) => {
        asked.push(`whoAmI ${JSON.stringify(opts)}`);
        throw new AuthError("ERPNext: AuthenticationError", 401, true);
      },
    };
    const wix = {
      catalogVersion: async (opts?: { probe?: boolean }) => {
        asked.push(`catalogVersion ${JSON.stringify(opts)}`);
        throw new HttpError("Wix: HTTP 503", 503, true);
      },
    };
    // act
    const { erpnext: e, wix: w, failing } = await probeApis({ erpnext, wix });
    // assess
    expect(asked).toEqual(['whoAmI {"probe":true}', 'catalogVersion {"probe":true}']);
    expect(e).toMatchObject({ reachable: true, authenticated: false });
    expect(w).toMatchObject({ reachable: false });
    expect(failing).toHaveLength(2);
  });

  test("both up: the user and the catalog version are reported", async () => {
    const { erpnext, wix, failing } = await probeApis({
      erpnext: { whoAmI: async () => "integration@example.com" },
      wix: { catalogVersion: async () => "V3_CATALOG" },
    });
    expect(erpnext).toMatchObject({ reachable: true, authenticated: true, user: "integration@example.com" });
    expect(wix).toMatchObject({ reachable: true, catalogVersion: "V3_CATALOG" });
    expect(failing).toEqual([]);
  });
});

describe("health of several sites", () => {
  const up = { catalogVersion: async () => "V3_CATALOG" as const };
  const down = {
    catalogVersion: async (): Promise<"V3_CATALOG"> => {
      throw new HttpError("Wix: HTTP 503", 503, true);
    },
  };
  const site = (wix: typeof up, lastOrders?: string) => ({
    wix,
    state: {
      lastSuccesses: async (): Promise<Record<string, string>> => (lastOrders ? { orders: lastOrders } : {}),
      jobRuns: async () => ({}),
    },
    log: { since: async () => [] },
  });
  const shared = {
    erpnext: { whoAmI: async () => "integration@example.com" },
    queueDepth: async () => ({ depth: 0, inFlight: 0, dlq: 0 }),
  };

  test("one site's Wix down: that site fails and is named; the other stays ok; the whole is failing", async () => {
    // act
    const report = await checkSitesHealth({ ...shared, sites: { us: site(up), eu: site(down) } });
    // assess
    expect(report.status).toBe("failing");
    expect(report.failing).toEqual(["eu"]);
    expect(report.sites.us?.status).toBe("ok");
    expect(report.sites.eu).toMatchObject({ status: "failing", wix: { reachable: false } });
    expect(report.problems).toEqual(["site eu: Wix: Wix: HTTP 503"]);
    expect(report.erpnext).toMatchObject({ authenticated: true });
  });

  test("a stale site degrades the whole, under its name; the worst status wins", async () => {
    const now = new Date("2026-12-07T12:00:00Z");
    const report = await checkSitesHealth(
      { ...shared, sites: { us: site(up), eu: site(up, "2026-11-01T00:00:00Z") } },
      now,
    );
    expect(report.status).toBe("degraded");
    expect(report.failing).toEqual([]);
    expect(report.sites.eu?.status).toBe("degraded");
    expect(report.problems[0]).toMatch(/^site eu: orders: last success/);
  });

  test("the doctor names each site's findings, and only the one asked for", async () => {
    const report = await checkSitesHealth({ ...shared, sites: { us: site(up), eu: site(down) } });
    const all = explainHealth(report).map((f) => `${f.ok ? "ok" : "!!"} ${f.what}`);
    expect(all).toEqual([
      "ok ERPNext answers; signed in as integration@example.com",
      "ok site us: Wix answers; Catalog V3",
      "!! site eu: Wix does not answer or refuses the credentials: Wix: HTTP 503",
    ]);
    expect(explainHealth(report, "us").map((f) => f.what)).toEqual([
      "ERPNext answers; signed in as integration@example.com",
      "site us: Wix answers; Catalog V3",
    ]);
  });

  test("one site: the report is the single-site one, without site fields", async () => {
    const report = await checkHealth({ ...shared, ...site(up) });
    expect(Object.keys(report).sort()).toEqual(
      [
        "checkedAt",
        "erpnext",
        "errorsLast24h",
        "flows",
        "jobs",
        "mode",
        "problems",
        "queues",
        "status",
        "wix",
      ].sort(),
    );
    expect(report.status).toBe("ok");
  });
});

describe("catalog versions", () => {
  const shared = {
    erpnext: { whoAmI: async () => "integration@example.com" },
    queueDepth: async () => ({ depth: 0, inFlight: 0, dlq: 0 }),
  };
  const site = (version: CatalogVersion, locationId?: string) => ({
    wix: { catalogVersion: async () => version },
    settings: { wix: { locationId } },
    state: { lastSuccesses: async () => ({}), jobRuns: async () => ({}) },
    log: { since: async () => [] },
  });

  test("V1 and V3 sites are healthy and say their catalog; no Stores, or a location on V1, fail with a clear reason", async () => {
    // act
    const report = await checkSitesHealth({
      ...shared,
      sites: {
        v3: site("V3_CATALOG", "loc-1"),
        v1: site("V1_CATALOG"),
        v1loc: site("V1_CATALOG", "loc-1"),
        bare: site("STORES_NOT_INSTALLED"),
      },
    });
    // assess
    expect(report.sites.v3).toMatchObject({ status: "ok", wix: { catalogVersion: "V3_CATALOG" } });
    expect(report.sites.v1).toMatchObject({ status: "ok", wix: { catalogVersion: "V1_CATALOG" } });
    expect(report.failing).toEqual(["v1loc", "bare"]);
    expect(report.problems).toEqual([
      "site v1loc: Wix: Catalog V1 has no inventory locations: unset WIX_LOCATION_ID",
      "site bare: Wix: Wix Stores is not installed on the site",
    ]);
    expect(
      explainHealth(report).map((f) => `${f.ok ? "ok" : "!!"} ${f.what}${f.todo ? ` (${f.todo})` : ""}`),
    ).toEqual([
      "ok ERPNext answers; signed in as integration@example.com",
      "ok site v3: Wix answers; Catalog V3",
      "ok site v1: Wix answers; Catalog V1",
      "!! site v1loc: Catalog V1 has no inventory locations: unset WIX_LOCATION_ID (remove WIX_LOCATION_ID from this site's settings (Wix keeps one stock per variant on Catalog V1))",
      "!! site bare: Wix Stores is not installed on the site (add Wix Stores to the site (Wix App Market), then run setup again)",
    ]);
  });

  test("the dlq-redrive probe holds back a site without Stores, never a V1 site", async () => {
    const v1 = await probeApis({ ...shared, wix: { catalogVersion: async () => "V1_CATALOG" } });
    const bare = await probeApis({ ...shared, wix: { catalogVersion: async () => "STORES_NOT_INSTALLED" } });
    expect(v1.failing).toEqual([]);
    expect(bare.failing).toEqual(["Wix: Wix Stores is not installed on the site"]);
  });
});
