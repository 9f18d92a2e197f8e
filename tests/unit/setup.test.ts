import { describe, expect, test } from "@jest/globals";
import type { Settings } from "#shared/config/settings";
import { signFrappeBody } from "#shared/erpnext/signature";
import { HttpError } from "#shared/errors";
import { FLOWS } from "#shared/flows/registry";
import type { HttpClient, HttpRequest } from "#shared/http/client";
import { describeFindings, explainHealth } from "#shared/ops/doctor";
import type { HealthReport } from "#shared/ops/health-checks";
import { siteCatalog } from "#shared/runtime/core";
import { routeFrappeWebhook } from "#shared/runtime/webhook-routing";
import { CUSTOM_FIELDS } from "#shared/setup/custom-fields";
import { planDocument, sameValue } from "#shared/setup/document-plan";
import { describeSetup, runSetup, type SetupErpnext } from "#shared/setup/setup";
import { ERPNEXT_WEBHOOKS, wantedWebhooks } from "#shared/setup/webhooks";
import { checkWix, setupWixOf, wixInstructions } from "#shared/setup/wix";
import type { WixClient } from "#shared/wix/client";

/** One Webhook document per (doctype, event) setup wants. */
const WEBHOOK_DOCS = ERPNEXT_WEBHOOKS.flatMap((need) => need.events).length;

describe("planning one document", () => {
  const wanted = {
    name: "W",
    webhook_doctype: "Item",
    enabled: 1,
    condition: "",
    headers: [{ key: "A", value: "b" }],
  };

  test("missing: created; the same as stored (0/1, null, child-row bookkeeping): left alone", () => {
    expect(planDocument("Webhook", wanted, undefined).kind).toBe("create");
    const stored = {
      name: "W",
      webhook_doctype: "Item",
      enabled: true,
      condition: null,
      headers: [{ name: "row1", idx: 1, key: "A", value: "b" }],
      modified: "2025-01-01",
    };
    expect(planDocument("Webhook", wanted, stored)).toEqual({
      kind: "unchanged",
      doctype: "Webhook",
      name: "W",
    });
  });

  test("a changed field is updated alone; a set-only-once field means delete and create", () => {
    const stored = {
      name: "W",
      webhook_doctype: "Item",
      enabled: 0,
      condition: "",
      headers: [{ key: "A", value: "b" }],
    };
    expect(planDocument("Webhook", wanted, stored)).toMatchObject({
      kind: "update",
      patch: { enabled: 1 },
      changed: ["enabled"],
    });
    const moved = { ...stored, enabled: 1, webhook_doctype: "Item Price" };
    expect(planDocument("Webhook", wanted, moved, { setOnlyOnce: ["webhook_doctype"] })).toMatchObject({
      kind: "replace",
      changed: ["webhook_doctype"],
    });
  });

  test("a password is compared with its stored value, not the mask ERPNext answers", () => {
    const want = { name: "W", webhook_secret: "s3cret-value" };
    const stored = { name: "W", webhook_secret: "************" };
    expect(
      planDocument("Webhook", want, stored, { passwords: { webhook_secret: "s3cret-value" } }).kind,
    ).toBe("unchanged");
    expect(
      planDocument("Webhook", want, stored, { passwords: { webhook_secret: "old-secret" } }),
    ).toMatchObject({
      kind: "update",
      changed: ["webhook_secret"],
    });
  });

  test("values: a different row count or row value differs", () => {
    expect(sameValue([{ key: "A" }], [])).toBe(false);
    expect(sameValue([{ key: "A" }], [{ key: "B" }])).toBe(false);
    expect(sameValue(1, "1")).toBe(true);
  });
});

describe("the Webhook documents follow the flows", () => {
  const docs = wantedWebhooks({
    url: "https://sync.example.com/webhooks/erpnext",
    secret: "secret-1",
    apiUser: "api@example.com",
  });

  test("one document per doctype and event, named stably, echo filtered except stock", () => {
    expect(docs.map((d) => d.name)).toEqual([
      "wix-sync Item on_update",
      "wix-sync Item on_trash",
      "wix-sync Item Price on_update",
      "wix-sync Item Price on_trash",
      "wix-sync Stock Ledger Entry on_update",
      "wix-sync Delivery Note on_submit",
      "wix-sync Delivery Note on_cancel",
      "wix-sync Delivery Note on_change",
    ]);
    for (const d of docs) {
      expect(d).toMatchObject({ enable_security: 1, webhook_secret: "secret-1", request_structure: "JSON" });
      expect(d.condition).toBe(
        d.webhook_doctype === "Stock Ledger Entry" ? "" : 'doc.modified_by != "api@example.com"',
      );
    }
  });

  test("every flow fed by ERPNext webhooks has its documents, and the router sends each one's body to that flow", () => {
    const erpnextFlows = Object.entries(FLOWS)
      .filter(([, f]) => f.webhook === "erpnext")
      .map(([name]) => name);
    for (const flow of erpnextFlows) expect(ERPNEXT_WEBHOOKS.some((n) => n.flow === flow)).toBe(true);
    // A body as the template renders it (every field of the need, empty when unset).
    for (const need of ERPNEXT_WEBHOOKS.filter((n) => n.flow in FLOWS)) {
      const body = JSON.stringify({
        doctype: need.doctype,
        name: "DOC-1",
        modified: "2025-01-02 03:04:05.000001",
        docstatus: 1,
        ...Object.fromEntries(need.fields.map((f) => [f, ""])),
      });
      const verdict = routeFrappeWebhook(Buffer.from(body), signFrappeBody("s", body), "s");
      expect({ doctype: need.doctype, queue: "work" in verdict ? verdict.work.queue : verdict }).toEqual({
        doctype: need.doctype,
        queue: need.flow,
      });
    }
  });

  test("custom fields: named <dt>-<fieldname>, never copied, read-only but for tracking", () => {
    expect(CUSTOM_FIELDS.find((f) => f.name === "Item-wix_status")).toMatchObject({
      fieldtype: "Select",
      options: "\nSynced\nPending\nHidden\nError",
      read_only: 1,
    });
    for (const f of CUSTOM_FIELDS) {
      expect(f.no_copy).toBe(1);
      expect(f.read_only).toBe(/tracking|carrier/.test(f.fieldname) ? 0 : 1);
    }
    expect(CUSTOM_FIELDS.filter((f) => f.dt === "Delivery Note").every((f) => f.allow_on_submit === 1)).toBe(
      true,
    );
  });
});

/** An ERPNext in memory behind setup's port: documents, roles, 403 on forbidden doctypes. */
function fakeErpnext(opts: { roles?: string[]; accounts?: Record<string, Record<string, unknown>> } = {}) {
  const docs = new Map<string, Map<string, Record<string, unknown>>>();
  const table = (dt: string) => {
    let t = docs.get(dt);
    if (!t) {
      t = new Map();
      docs.set(dt, t);
    }
    return t;
  };
  for (const [dt, name] of [
    ["Company", "Co"],
    ["Warehouse", "Stores - C"],
    ["Price List", "Standard Selling"],
    ["Customer Group", "All Customer Groups"],
    ["Territory", "All Territories"],
  ] as const)
    table(dt).set(name, { name, company: "Co" });
  for (const [name, doc] of Object.entries(
    opts.accounts ?? {
      "Bank - C": { account_type: "Bank", company: "Co" },
      "VAT - C": { account_type: "Tax", company: "Co" },
    },
  ))
    table("Account").set(name, { name, is_group: 0, ...doc });
  const writes: string[] = [];
  const roles = opts.roles ?? ["System Manager", "Sales User"];
  const port: SetupErpnext = {
    whoAmI: async () => "api@example.com",
    find: (async (dt: string, name: string) => {
      const doc = table(dt).get(name);
      if (!doc) return undefined;
      return dt === "Webhook"
        ? { ...doc, webhook_secret: "*".repeat(String(doc.webhook_secret).length) }
        : { ...doc };
    }) as SetupErpnext["find"],
    list: (async (dt: string) => {
      if ((dt === "Webhook" || dt === "Custom Field") && !roles.includes("System Manager"))
        throw new HttpError("403", 403, false);
      return [...table(dt).values()];
    }) as SetupErpnext["list"],
    listAll: (async (dt: string) => [...table(dt).values()]) as SetupErpnext["listAll"],
    insert: (async (dt: string, doc: Record<string, unknown>) => {
      writes.push(`insert ${dt} ${doc.name}`);
      table(dt).set(String(doc.name), { ...doc });
      return doc;
    }) as SetupErpnext["insert"],
    update: (async (dt: string, name: string, patch: Record<string, unknown>) => {
      writes.push(`update ${dt} ${name}`);
      Object.assign(table(dt).get(name) as object, patch);
      return patch;
    }) as SetupErpnext["update"],
    delete: async (dt: string, name: string) => {
      writes.push(`delete ${dt} ${name}`);
      table(dt).delete(name);
    },
    call: (async (method: string, args?: Record<string, unknown>) => {
      if (method.endsWith("get_roles")) return roles;
      if (method === "frappe.client.get_password")
        return table("Webhook").get(String(args?.name))?.webhook_secret;
      throw new Error(`unexpected ${method}`);
    }) as SetupErpnext["call"],
  };
  return { port, docs, writes, table };
}

const settings = (orders: Partial<Settings["orders"]> = {}) =>
  ({
    erpnext: {
      url: "https://erp.example.com",
      apiKey: "k",
      apiSecret: "s",
      webhookSecret: "webhook-secret",
      priceList: "Standard Selling",
      warehouses: ["Stores - C"],
      allowFreeItems: false,
    },
    orders: {
      company: "Co",
      customerGroup: "All Customer Groups",
      territory: "All Territories",
      paymentAccount: "Bank - C",
      taxAccount: "VAT - C",
      taxAccounts: {},
      submit: true,
      createOn: "approved",
      deliveryDays: 7,
      ...orders,
    },
  }) as Pick<Settings, "erpnext" | "orders">;

const URL_ = "https://sync.example.com/webhooks/erpnext";

/** The reads setup probes a Wix with, all answering empty. */
const wixReads = {
  findVariantsBySku: async () => [],
  inventoryBySku: async () => [],
  findCategories: async () => [],
  searchOrders: async () => ({ orders: [] }),
};

describe("setup against an ERPNext in memory", () => {
  test("fresh: every Webhook and Custom Field created; a re-run writes nothing", async () => {
    const erp = fakeErpnext();
    const first = await runSetup({ erpnext: erp.port, settings: settings(), webhookUrl: URL_ });
    expect(first.problems).toEqual([]);
    expect(erp.table("Webhook").size).toBe(WEBHOOK_DOCS);
    expect(erp.table("Custom Field").size).toBe(CUSTOM_FIELDS.length);
    expect(describeSetup(first)).toContain(`${WEBHOOK_DOCS + CUSTOM_FIELDS.length} created, 0 changed`);
    erp.writes.length = 0;
    const again = await runSetup({ erpnext: erp.port, settings: settings(), webhookUrl: URL_ });
    expect(erp.writes).toEqual([]);
    expect(again.actions.every((a) => a.kind === "unchanged")).toBe(true);
    expect(describeSetup(again)).toContain("(nothing to do)");
  });

  test("a new URL updates only request_url; an old document of ours nobody needs is deleted", async () => {
    const erp = fakeErpnext();
    await runSetup({ erpnext: erp.port, settings: settings(), webhookUrl: URL_ });
    erp.table("Webhook").set("wix-sync Item after_insert", { name: "wix-sync Item after_insert" });
    erp.writes.length = 0;
    const result = await runSetup({
      erpnext: erp.port,
      settings: settings(),
      webhookUrl: "https://new.example.com/webhooks/erpnext",
    });
    expect(erp.writes.filter((w) => w.startsWith("update")).length).toBe(WEBHOOK_DOCS);
    expect(
      result.actions
        .filter((a) => a.kind === "update")
        .every((a) => a.kind === "update" && a.changed.join() === "request_url"),
    ).toBe(true);
    expect(erp.writes).toContain("delete Webhook wix-sync Item after_insert");
  });

  test("every problem listed with its fix, and nothing written", async () => {
    const erp = fakeErpnext({ accounts: { "Cash - C": { account_type: "Receivable", company: "Other" } } });
    const result = await runSetup({
      erpnext: erp.port,
      settings: settings({
        paymentAccount: "Cash - C",
        taxAccount: "Missing VAT - C",
        warehouse: "Nowhere - C",
      }),
      webhookUrl: URL_,
    });
    expect(result.problems.map((p) => p.what)).toEqual([
      'Warehouse "Nowhere - C" (ERPNEXT_WAREHOUSE) does not exist',
      'Account "Cash - C" (ERPNEXT_PAYMENT_ACCOUNT) belongs to Other, not Co',
      'Account "Cash - C" (ERPNEXT_PAYMENT_ACCOUNT) has type "Receivable", not Bank or Cash',
      'Account "Missing VAT - C" (ERPNEXT_TAX_ACCOUNT) does not exist',
    ]);
    expect(result.problems.every((p) => p.fix.length > 10)).toBe(true);
    expect(erp.writes).toEqual([]);
    expect(describeSetup(result)).toMatch(/4 problem\(s\) to fix first \(nothing was written\)/);
  });

  test("a user without System Manager: one clear problem, nothing written", async () => {
    const erp = fakeErpnext({ roles: ["Sales User"] });
    const result = await runSetup({ erpnext: erp.port, settings: settings(), webhookUrl: URL_ });
    expect(result.problems).toEqual([
      expect.objectContaining({ what: expect.stringContaining("lacks the role System Manager") }),
    ]);
    expect(erp.writes).toEqual([]);
  });

  test("a loopback webhook URL for a remote ERPNext is refused with the fix", async () => {
    const erp = fakeErpnext();
    const result = await runSetup({
      erpnext: erp.port,
      settings: settings(),
      webhookUrl: "http://127.0.0.1:3000/webhooks/erpnext",
    });
    expect(result.problems[0]?.what).toContain("cannot reach the loopback webhook URL");
    expect(erp.writes).toEqual([]);
  });

  test("several sites: ERPNext's documents made once, each site's masters and Wix checked under its name", async () => {
    // prepare: eu names a warehouse ERPNext does not have, and its Wix refuses its key
    const erp = fakeErpnext();
    const wixUp = { catalogVersion: async () => "V3_CATALOG" as const, ...wixReads };
    const wixRefused = {
      ...wixReads,
      catalogVersion: async (): Promise<"V3_CATALOG"> => {
        throw new HttpError("Wix: HTTP 401", 401, false);
      },
    };
    const sites = [
      { site: "us", settings: settings(), wix: wixUp },
      { site: "eu", settings: settings({ warehouse: "Nowhere - C" }), wix: wixRefused },
    ];
    // act
    const result = await runSetup(
      { erpnext: erp.port, settings: settings(), webhookUrl: URL_, sites },
      { dryRun: true },
    );
    // assess
    expect(result.problems.map((p) => [p.site, p.system, p.what.split(":")[0]])).toEqual([
      ["eu", "ERPNext", 'Warehouse "Nowhere - C" (ERPNEXT_WAREHOUSE) does not exist'],
      ["eu", "Wix", "cannot read the catalog version"],
    ]);
    expect(result.actions.filter((a) => a.kind === "create")).toHaveLength(
      WEBHOOK_DOCS + CUSTOM_FIELDS.length,
    );
    expect(result.wixCatalogVersions).toEqual({ us: "V3_CATALOG", eu: undefined });
    expect(describeSetup(result)).toContain("Wix (site eu): cannot read the catalog version");
  });

  test("a dry run plans and writes nothing", async () => {
    const erp = fakeErpnext();
    const result = await runSetup(
      { erpnext: erp.port, settings: settings(), webhookUrl: URL_ },
      { dryRun: true },
    );
    expect(result.actions.filter((a) => a.kind === "create")).toHaveLength(
      WEBHOOK_DOCS + CUSTOM_FIELDS.length,
    );
    expect(erp.writes).toEqual([]);
    expect(describeSetup(result)).toContain("plan (dry run, nothing written)");
  });
});

describe("setup on Catalog V1 sites", () => {
  const wixOn = (version: "V1_CATALOG" | "V3_CATALOG" | "STORES_NOT_INSTALLED") => ({
    ...wixReads,
    catalogVersion: async () => version,
  });

  test("V1 is synced; no Stores, or WIX_LOCATION_ID on V1, are problems with their fix", async () => {
    expect(await checkWix(wixOn("V1_CATALOG"))).toEqual({ catalogVersion: "V1_CATALOG", problems: [] });
    expect((await checkWix(wixOn("V3_CATALOG"), undefined, "loc-1")).problems).toEqual([]);
    expect((await checkWix(wixOn("V1_CATALOG"), undefined, "loc-1")).problems).toEqual([
      {
        system: "Wix",
        what: "Catalog V1 has no inventory locations: unset WIX_LOCATION_ID",
        fix: expect.stringContaining("remove WIX_LOCATION_ID"),
      },
    ]);
    expect((await checkWix(wixOn("STORES_NOT_INSTALLED"))).problems).toEqual([
      {
        system: "Wix",
        what: "Wix Stores is not installed on the site",
        fix: expect.stringContaining("Wix Stores"),
      },
    ]);
  });

  test("a V1 site's permissions are probed with V1's catalog reads, never V3's", async () => {
    // prepare: V1's Stores API refuses the app (no Stores permission); V3's reads must not be asked
    const sent: string[] = [];
    const http = {
      send: async (req: HttpRequest) => {
        sent.push(`${req.method} ${req.path}`);
        throw new HttpError("Forbidden", 403, false);
      },
    } as unknown as HttpClient;
    const notV1 = async () => {
      throw new Error("a Catalog V3 read on a V1 site");
    };
    const client = {
      ...wixOn("V1_CATALOG"),
      findVariantsBySku: notV1,
      inventoryBySku: notV1,
      findCategories: notV1,
      http,
    } as unknown as WixClient;
    // act: as `npm run setup` reads a site (infra/local/setup.ts)
    const { problems } = await checkWix(setupWixOf(client, siteCatalog(client, "eu")));
    // assess
    expect(problems.map((p) => p.what)).toEqual([
      "cannot search product variants: permission refused",
      "cannot query inventory: permission refused",
      "cannot query categories: permission refused",
    ]);
    expect(problems[0]?.fix).toContain("SCOPE.DC-STORES-MEGA.MANAGE-STORES");
    expect(sent).toHaveLength(3);
    expect(sent.every((s) => /^POST \/stores(-reader)?\/v[12]\//.test(s))).toBe(true);
  });

  test("each site's WIX_LOCATION_ID is checked against its own catalog", async () => {
    const erp = fakeErpnext();
    const withLocation = { ...settings(), wix: { locationId: "loc-1" } };
    const result = await runSetup(
      {
        erpnext: erp.port,
        settings: settings(),
        webhookUrl: URL_,
        sites: [
          { site: "us", settings: withLocation, wix: wixOn("V3_CATALOG") },
          { site: "eu", settings: withLocation, wix: wixOn("V1_CATALOG") },
        ],
      },
      { dryRun: true },
    );
    expect(result.wixCatalogVersions).toEqual({ us: "V3_CATALOG", eu: "V1_CATALOG" });
    expect(result.problems.map((p) => [p.site, p.what])).toEqual([
      ["eu", "Catalog V1 has no inventory locations: unset WIX_LOCATION_ID"],
    ]);
  });

  test("V1's catalog and inventory events are listed for the V1 sites only, by their SDK event types", () => {
    const v1Events = [
      "com.wix.ecommerce.catalog.api.v1.ProductDeleted",
      "com.wix.ecommerce.inventory.api.v1.InventoryVariantsChanged",
      "com.wix.ecommerce.inventory.api.v1.InventoryItemChanged",
    ];
    const listed = (lines: string[]) => v1Events.filter((e) => lines.some((l) => l.includes(`(${e}:`)));
    const allV3 = wixInstructions(URL_, { us: "V3_CATALOG", eu: "V3_CATALOG" });
    expect(listed(allV3)).toEqual([]);
    expect(allV3.join("\n")).toContain("wix.ecom.v1.order_approved");
    const mixed = wixInstructions(URL_, { us: "V3_CATALOG", eu: "V1_CATALOG" });
    expect(listed(mixed)).toEqual(v1Events);
    expect(mixed).toContain("  Sites on Catalog V1 (eu): also subscribe their catalog and inventory events:");
    expect(wixInstructions(URL_, { site: "V1_CATALOG" })).toContain(
      "  The site runs Catalog V1: also subscribe its catalog and inventory events:",
    );
  });
});

describe("doctor", () => {
  const report: HealthReport = {
    status: "degraded",
    mode: "live",
    checkedAt: "2025-01-01T00:00:00.000Z",
    erpnext: { reachable: true, authenticated: false, error: "AuthenticationError: Invalid" },
    wix: { reachable: true, catalogVersion: "V3_CATALOG" },
    queues: {
      products: { depth: 0, inFlight: 0, dlq: 2 },
      inventory: { depth: 0, inFlight: 0, dlq: 0 },
      orders: { depth: 0, inFlight: 0, dlq: 0 },
    } as HealthReport["queues"],
    flows: { products: { thresholdSeconds: 60, ageSeconds: 7200, stale: true } } as HealthReport["flows"],
    jobs: {},
    errorsLast24h: 0,
    problems: [],
  };

  test("each problem in words with what to do", () => {
    const lines = describeFindings(explainHealth(report)).join("\n");
    expect(lines).toContain("ERPNext refuses the integration's key");
    expect(lines).toContain("2 message(s) parked in products-dlq");
    expect(lines).toContain("npm run redrive -- products --list");
    expect(lines).toContain("products: last success 2 h ago");
    expect(lines).toContain("ok  Wix answers; Catalog V3");
  });
});
