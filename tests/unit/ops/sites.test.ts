import { describe, expect, test } from "@jest/globals";
import { useHostSandboxes } from "#infra/local/bootstrap";
import { type ControlDeps, controlRoute } from "#infra/local/control-plane";
import { ConfigError } from "#shared/errors";
import type { JobInput } from "#shared/jobs/definitions";
import { pickSites, siteArg } from "#shared/ops/sites";

describe("--site of the ops commands", () => {
  test("the name after --site, none without it; a missing or malformed name is refused", () => {
    expect(siteArg(["audit", "--from", "2026-11-01", "--site", "eu"])).toBe("eu");
    expect(siteArg(["report"])).toBeUndefined();
    expect(() => siteArg(["report", "--site"])).toThrow(ConfigError);
    expect(() => siteArg(["report", "--site", "EU!"])).toThrow(/expected a site name/);
  });

  test("every site without a name, the one named, and an unknown name listing the sites", () => {
    const sites = [{ site: "us" }, { site: "eu" }];
    expect(pickSites(sites, undefined)).toEqual(sites);
    expect(pickSites(sites, "eu")).toEqual([{ site: "eu" }]);
    expect(() => pickSites(sites, "uk")).toThrow('unknown site "uk" (sites: us, eu)');
  });
});

describe("the local host's control routes take ?site=", () => {
  const parked = [
    { body: { kind: "item", code: "A", site: "us" }, receives: 1 },
    { body: { kind: "item", code: "B", site: "eu" }, receives: 1 },
    { body: { kind: "item", code: "C" }, receives: 1 },
  ];
  const deps = () => {
    const calls: unknown[] = [];
    const d: ControlDeps = {
      runJob: async (name, input?: JobInput) => {
        calls.push(["job", name, input]);
        return { job: name };
      },
      dlq: () => parked,
      redrive: async (queue, site) => {
        calls.push(["redrive", queue, site]);
        return 0;
      },
      sites: async () => ["us", "eu"],
    };
    return { d, calls };
  };
  const request = (method: string, path: string, query = "") => ({
    method,
    path,
    query: new URLSearchParams(query),
    headers: {},
    raw: Buffer.alloc(0),
  });

  test("a DLQ listed for one site shows its messages and those naming no site", async () => {
    const { d } = deps();
    const res = await controlRoute(request("GET", "/dlq/products", "site=eu"), d);
    expect(
      ((res as { body: unknown }).body as { messages: { body: { code: string } }[] }).messages.map(
        (m) => m.body.code,
      ),
    ).toEqual(["B", "C"]);
    const all = await controlRoute(request("GET", "/dlq/products"), d);
    expect(((all as { body: unknown }).body as { messages: unknown[] }).messages).toHaveLength(3);
  });

  test("the site goes to the redrive and to the job; an unknown one is a 404 naming the sites", async () => {
    const { d, calls } = deps();
    await controlRoute(request("POST", "/dlq/products/redrive", "site=eu"), d);
    await controlRoute(request("POST", "/jobs/weekly-report", "site=us"), d);
    await controlRoute(request("POST", "/jobs/weekly-report"), d);
    expect(calls).toEqual([
      ["redrive", "products", "eu"],
      ["job", "weekly-report", { site: "us" }],
      ["job", "weekly-report", undefined],
    ]);
    const unknown = await controlRoute(request("POST", "/jobs/weekly-report", "site=uk"), d);
    expect(unknown).toEqual({
      status: 404,
      body: { error: 'unknown site "uk" (sites: us, eu)', sites: ["us", "eu"] },
    });
    expect(calls).toHaveLength(3);
  });
});

describe("setup, doctor and plan on a running host's sandboxes", () => {
  const ops = "http://127.0.0.1:3999";
  const sitesOf = (env: Record<string, string | undefined>) =>
    (JSON.parse(env.SITES ?? "[]") as { name: string; WIX_API_URL: string }[]).map((s) => [
      s.name,
      s.WIX_API_URL,
    ]);

  test("with the host's SANDBOX_SITES each sandbox Wix site is a site, under its own path", () => {
    const env: Record<string, string | undefined> = { SANDBOX_SITES: "us,eu" };
    expect(useHostSandboxes(env, ops)).toBe(true);
    expect(env.ERPNEXT_URL).toBe(`${ops}/sandbox/erpnext`);
    expect(sitesOf(env)).toEqual([
      ["us", `${ops}/sandbox/wix/us`],
      ["eu", `${ops}/sandbox/wix/eu`],
    ]);
    expect(env.WIX_API_URL).toBeUndefined();
    expect(() => useHostSandboxes({ SANDBOX_SITES: "US" }, ops)).toThrow(/SANDBOX_SITES: names/);
  });

  test("sites of a SITES_FILE bring their own Wix: no sandbox Wix URL or key is put under them", () => {
    const env: Record<string, string | undefined> = {
      SITES_FILE: "sites.json",
      ERPNEXT_URL: "https://erp.example.com",
    };
    expect(useHostSandboxes(env, ops)).toBe(false);
    expect([env.ERPNEXT_URL, env.WIX_API_URL, env.WIX_API_KEY, env.SITES]).toEqual([
      "https://erp.example.com",
      undefined,
      undefined,
      undefined,
    ]);
  });

  test("nothing configured: the sandbox ERPNext and the single sandbox Wix, as before", () => {
    const env: Record<string, string | undefined> = {};
    useHostSandboxes(env, ops);
    expect([env.WIX_API_URL, env.WIX_API_KEY, env.SITES]).toEqual([
      `${ops}/sandbox/wix`,
      "sandbox-wix-api-key",
      undefined,
    ]);
  });
});
