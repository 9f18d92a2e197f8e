import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { getContext } from "#infra/local/context";
import { startLocalHost } from "#infra/local/host";
import { readBody, send } from "#infra/sandbox/kit";
import { WixSandbox } from "#infra/sandbox/wix/index";
import { ConfigError } from "#shared/errors";
import { createItem, type Harness, productsWithSku, startHarness, WEBHOOK_SECRET } from "./harness";

/**
 * Issue 18, done when: two sandbox Wix sites (their own keys and instance ids) against one sandbox
 * ERPNext with two price lists and two warehouse sets, through the real host over loopback.
 */

const US = {
  ERPNEXT_COMPANY: "Sandbox Co",
  ERPNEXT_PRICE_LIST: "Standard Selling",
  ERPNEXT_WAREHOUSES: "Stores - SC,Backroom - SC",
  ERPNEXT_WAREHOUSE: "Stores - SC",
  ERPNEXT_SHIPPING_ACCOUNT: "Freight and Forwarding Charges - SC",
};
const EU = {
  ERPNEXT_COMPANY: "Sandbox EU",
  ERPNEXT_PRICE_LIST: "EU Selling",
  ERPNEXT_WAREHOUSES: "Stores - SE,Backroom - SE",
  ERPNEXT_WAREHOUSE: "Stores - SE",
  ERPNEXT_SHIPPING_ACCOUNT: "Freight and Forwarding Charges - SE",
  ERPNEXT_TAX_ACCOUNT: "VAT - SE",
  ERPNEXT_PAYMENT_ACCOUNT: "Wix Payments - SE",
};
const OUTAGE_MS = 3 * 60_000;

const priceOn = (wix: WixSandbox, sku: string) =>
  productsWithSku(wix, sku)[0]?.variantsInfo.variants.find((v) => v.sku === sku)?.price.actualPrice.amount;
const salesOrders = (h: Harness) => [...(h.erpnext.docs.get("Sales Order")?.values() ?? [])];

/** Polls until `check` holds (every 250 ms); how long it took. */
async function until(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return Date.now() - start;
}

describe("two Wix sites on one ERPNext", () => {
  let h: Harness;
  let us: WixSandbox;
  let eu: WixSandbox;

  beforeAll(async () => {
    h = await startHarness(
      {
        SANDBOX_SITES: "us,eu",
        SANDBOX_SITE_SETTINGS: JSON.stringify({ us: US, eu: EU }),
        // Short retries and a frequent redrive keep the outage test's convergence to minutes.
        RETRY_BASE_SECONDS: "1",
        JOB_DLQ_REDRIVE_EVERY: "15s",
      },
      { timers: true },
    );
    us = h.wixSites.us as WixSandbox;
    const euPrice = (code: string, rate: number) =>
      h.erpnext.insert("Item Price", {
        item_code: code,
        price_list: "EU Selling",
        price_list_rate: rate,
        uom: "Nos",
      });
    eu = h.wixSites.eu as WixSandbox;

    createItem(h.erpnext, "SITES-BOTH", 10);
    euPrice("SITES-BOTH", 9);
    createItem(h.erpnext, "SITES-US", 12); // Standard Selling only
    h.erpnext.insert("Item", {
      item_code: "SITES-EU",
      item_name: "Item SITES-EU",
      item_group: "Products",
      stock_uom: "Nos",
      is_stock_item: 1,
    });
    euPrice("SITES-EU", 14);
    await h.host.drain();
  });
  afterAll(async () => {
    await h?.host.stop();
  });

  test("each site has its own key pair, credentials and instance", () => {
    expect(Object.keys(h.wixSites)).toEqual(["us", "eu"]);
    expect(us.publicKeyPem).not.toBe(eu.publicKeyPem);
    expect(h.wix).toBe(us);
  });

  test("the right products at the right prices on each site; an item of one price list only on that site", () => {
    expect(priceOn(us, "SITES-BOTH")).toBe("10.00");
    expect(priceOn(eu, "SITES-BOTH")).toBe("9.00");
    expect(priceOn(us, "SITES-US")).toBe("12.00");
    expect(priceOn(eu, "SITES-EU")).toBe("14.00");
    expect(productsWithSku(eu, "SITES-US")).toHaveLength(0);
    expect(productsWithSku(us, "SITES-EU")).toHaveLength(0);
  });

  test("each site gets the stock of its own warehouses", async () => {
    const receive = (company: string, rows: [string, number][]) =>
      h.erpnext.insert("Stock Entry", {
        company,
        docstatus: 1,
        items: rows.map(([t_warehouse, qty]) => ({ item_code: "SITES-BOTH", qty, t_warehouse })),
      });
    // Finished Goods - SC is no site's sales warehouse.
    receive("Sandbox Co", [
      ["Stores - SC", 5],
      ["Backroom - SC", 2],
      ["Finished Goods - SC", 100],
    ]);
    receive("Sandbox EU", [
      ["Stores - SE", 4],
      ["Backroom - SE", 1],
    ]);
    await h.host.drain();
    expect(us.inventoryForSku("SITES-BOTH")?.quantity).toBe(7);
    expect(eu.inventoryForSku("SITES-BOTH")?.quantity).toBe(5);
  });

  test("an order on each site is booked with that site's company, warehouse and accounts", async () => {
    const checkout = (site: string, price: string, currency: string, email: string) =>
      h.request("POST", `/sandbox/wix/${site}/_orders`, {
        lines: [{ sku: "SITES-BOTH", quantity: 1, price }],
        shipping: "4.95",
        currency,
        buyer: { email, firstName: "Site", lastName: site.toUpperCase() },
      });
    const usOrder = await checkout("us", "10.00", "USD", "buyer.us@example.com");
    const euOrder = await checkout("eu", "9.00", "EUR", "buyer.eu@example.com");
    expect([usOrder.status, euOrder.status]).toEqual([200, 200]);
    // Every Wix site numbers its orders from 10001: the same number on both, two orders.
    const numbers = [usOrder, euOrder].map((r) => (r.body as { order: { number: string } }).order.number);
    expect(numbers[0]).toBe(numbers[1]);
    await h.host.drain();

    const booked = (company: string) => salesOrders(h).filter((so) => so.company === company);
    const [usSo] = booked("Sandbox Co");
    const [euSo] = booked("Sandbox EU");
    expect(booked("Sandbox Co")).toHaveLength(1);
    expect(booked("Sandbox EU")).toHaveLength(1);
    expect(usSo).toMatchObject({ set_warehouse: "Stores - SC", currency: "USD", grand_total: 14.95 });
    expect(euSo).toMatchObject({ set_warehouse: "Stores - SE", currency: "EUR", grand_total: 13.95 });
    const rows = (so: typeof usSo) => ((so?.items ?? []) as { warehouse: string }[]).map((r) => r.warehouse);
    expect(rows(usSo)).toEqual(["Stores - SC"]);
    expect(rows(euSo)).toEqual(["Stores - SE"]);
    const accounts = (so: typeof usSo) =>
      ((so?.taxes ?? []) as { account_head: string }[]).map((t) => t.account_head);
    expect(accounts(usSo)).toEqual(["Freight and Forwarding Charges - SC"]);
    expect(accounts(euSo)).toEqual(["Freight and Forwarding Charges - SE"]);
    // The site is recorded where the orders flow writes it (a wix_site Custom Field made by setup).
    if (usSo && "wix_site" in usSo) {
      expect(usSo.wix_site).toBe("us");
      expect(euSo?.wix_site).toBe("eu");
    }
  });

  test("an event signed by site us's key but naming site eu's instance is refused, nothing queued", async () => {
    const order = us.placeOrder({ lines: [{ sku: "SITES-BOTH", quantity: 1, price: "10.00" }] });
    // us's signing key (restored from its snapshot) in a sandbox whose events name eu's instance.
    const forger = new WixSandbox({ apiKey: "x", siteId: "x", instanceId: "sandbox-instance-eu" });
    forger.restore(us.snapshot());
    const before = salesOrders(h).length;
    const wixEvent = (token: string) =>
      h.request("POST", "/webhooks/wix", token, { "content-type": "text/plain" });
    const forged = await wixEvent(await forger.signEvent("wix.ecom.v1.order_approved", order));
    expect(forged.status).toBe(401);
    await h.host.drain();
    expect(salesOrders(h)).toHaveLength(before);
    expect(h.host.dlq("orders")).toHaveLength(0);
    // The same event naming its own instance is taken: the refusal was the instance's.
    const genuine = await wixEvent(await us.signEvent("wix.ecom.v1.order_approved", order));
    expect(genuine.status).toBe(200);
    await h.host.drain();
    expect(salesOrders(h)).toHaveLength(before + 1);
  });

  test("each site's weekly report counts its own parked messages and those naming no site", async () => {
    // prepare: one refund parked per site, and one naming no site (every site's)
    const park = async (site: string | undefined, id: string) =>
      (await getContext("us")).queue
        .forSite(site)
        .deadLetter("refunds", JSON.stringify({ kind: "refund", orderId: id }), `refused ${id}`, {
          as: "permanent",
        });
    await park("us", "R-US");
    await park("eu", "R-EU");
    await park(undefined, "R-ALL");
    // act
    const res = await h.request("POST", "/jobs/weekly-report");
    // assess: the sites' reports run side by side; neither misses what the other is reading
    const { sites } = res.body as { sites: Record<string, { dlq: { refunds: unknown } }> };
    const reasons = (...ids: string[]) =>
      expect.arrayContaining(ids.map((id) => ({ reason: `refused ${id}`, count: 1 })));
    expect(sites.us?.dlq.refunds).toEqual({ parked: 2, reasons: reasons("R-US", "R-ALL") });
    expect(sites.eu?.dlq.refunds).toEqual({ parked: 2, reasons: reasons("R-EU", "R-ALL") });
  });

  test(
    "site eu down for 3 minutes: us keeps syncing within a minute, eu converges afterwards by itself",
    async () => {
      const faults = (method: string, body?: unknown) => h.request(method, "/sandbox/wix/eu/_faults", body);
      expect((await faults("POST", { status: 503, count: 1_000_000 })).status).toBe(200);
      const down = Date.now();
      const price = (list: string) =>
        [...(h.erpnext.docs.get("Item Price")?.values() ?? [])].find(
          (p) => p.item_code === "SITES-BOTH" && p.price_list === list,
        )?.name as string;
      h.erpnext.update("Item Price", price("Standard Selling"), { price_list_rate: 11 });
      h.erpnext.update("Item Price", price("EU Selling"), { price_list_rate: 8 });

      const tookUs = await until("us has the new price", () => priceOn(us, "SITES-BOTH") === "11.00", 60_000);
      expect(tookUs).toBeLessThan(60_000);
      expect(priceOn(eu, "SITES-BOTH")).toBe("9.00");

      // The outage lasts its 3 minutes; then the fault is lifted and nobody touches the sync.
      await new Promise((r) => setTimeout(r, Math.max(0, down + OUTAGE_MS - Date.now())));
      expect(priceOn(eu, "SITES-BOTH")).toBe("9.00");
      await faults("DELETE");
      await until("eu converges", () => priceOn(eu, "SITES-BOTH") === "8.00", 4 * 60_000);
      expect(priceOn(us, "SITES-BOTH")).toBe("11.00");
    },
    9 * 60_000,
  );
});

/** A standalone sandbox Wix on its own port, as a test or another process would run it. */
async function serveWix(wix: WixSandbox): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const raw = await readBody(req);
    const body = raw.length ? JSON.parse(raw.toString("utf8")) : undefined;
    const method = req.method ?? "GET";
    const query = url.searchParams;
    send(
      res,
      await wix.handle({ method, path: url.pathname, params: {}, query, headers: req.headers, raw, body }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("the host with sites of its own", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ews-sites-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const quiet = { PORT: "0", POWERTOOLS_LOG_LEVEL: "SILENT", ERPNEXT_WEBHOOK_SECRET: WEBHOOK_SECRET };

  test("a SITES_FILE whose sites point at their own Wix: no sandbox Wix stands in, each site syncs", async () => {
    const external = ["one", "two"].map(
      (name) =>
        new WixSandbox({ apiKey: `key-${name}`, siteId: `site-${name}`, instanceId: `instance-${name}` }),
    );
    const served = await Promise.all(external.map(serveWix));
    const sitesFile = join(dataDir, "sites.json");
    writeFileSync(
      sitesFile,
      JSON.stringify(
        external.map((wix, i) => ({
          name: ["one", "two"][i],
          WIX_API_URL: served[i]?.url,
          WIX_API_KEY: `key-${["one", "two"][i]}`,
          WIX_SITE_ID: `site-${["one", "two"][i]}`,
          WIX_INSTANCE_ID: `instance-${["one", "two"][i]}`,
          WIX_WEBHOOK_PUBLIC_KEY: wix.publicKeyPem,
        })),
      ),
    );
    const host = await startLocalHost({
      env: { ...quiet, SITES_FILE: sitesFile, WIX_REQUESTS_PER_MINUTE: "100000" },
      inMemory: true,
      pollWaitSeconds: 0,
    });
    try {
      expect(host.wix).toBeUndefined();
      expect(host.wixSites).toEqual({});
      expect(host.env.SANDBOX_WIX_PUBLIC_KEY).toBeUndefined();
      createItem(host.erpnext as never, "EXT-1", 6);
      await host.drain();
      for (const wix of external) expect(priceOn(wix, "EXT-1")).toBe("6.00");
    } finally {
      await host.stop();
      for (const { server } of served) server.close();
    }
  });

  test("a persisted host saves and restores every sandbox site, each with its own key", async () => {
    const start = () =>
      startLocalHost({
        env: { ...quiet, SANDBOX_SITES: "us,eu", DATA_DIR: dataDir },
        inMemory: true,
        pollWaitSeconds: 0,
        persistSandbox: true,
      });
    const first = await start();
    const keys = Object.values(first.wixSites).map((w) => w.publicKeyPem);
    const order = first.wixSites.eu?.placeOrder({ lines: [{ sku: "ANY-1", quantity: 1, price: "5.00" }] });
    await first.stop();

    const second = await start();
    try {
      expect(second.sandboxRestored).toBe(true);
      expect(Object.values(second.wixSites).map((w) => w.publicKeyPem)).toEqual(keys);
      expect(second.wixSites.eu?.orders.has(order?.id as string)).toBe(true);
      expect(second.wixSites.us?.orders.has(order?.id as string)).toBe(false);
    } finally {
      await second.stop();
    }
  });

  test("each sandbox site's control routes need the ops token; an unknown site is a 404", async () => {
    const token = "ops-token-0123456789abcdef";
    const h = await startHarness({ SANDBOX_SITES: "us,eu", OPS_TOKEN: token });
    try {
      const bearer = { authorization: `Bearer ${token}` };
      expect((await h.request("POST", "/sandbox/wix/eu/_faults", { count: 1 })).status).toBe(401);
      expect((await h.request("POST", "/sandbox/wix/eu/_faults", { count: 1 }, bearer)).status).toBe(200);
      expect(h.wixSites.eu?.faults.pending).toBe(1);
      expect(h.wixSites.us?.faults.pending).toBe(0);
      expect((await h.request("GET", "/sandbox/wix/fr/_faults", undefined, bearer)).status).toBe(404);
    } finally {
      await h.host.stop();
    }
  });

  test("SANDBOX_SITE_SETTINGS is checked: unknown sites, the sandbox's own keys, unknown settings", async () => {
    const bad = startLocalHost({
      env: {
        ...quiet,
        SANDBOX_SITES: "us,eu",
        SANDBOX_SITE_SETTINGS: JSON.stringify({
          fr: {},
          eu: { WIX_API_KEY: "mine", ERPNEXT_URL: "http://x", NOT_A_SETTING: 1 },
        }),
      },
      inMemory: true,
    });
    await expect(bad).rejects.toThrow(ConfigError);
    await expect(bad).rejects.toThrow(/SANDBOX_SITE_SETTINGS\.fr: not a site of SANDBOX_SITES/);
    await expect(bad).rejects.toThrow(/SANDBOX_SITE_SETTINGS\.eu: WIX_API_KEY is set by the sandbox/);
    await expect(bad).rejects.toThrow(/SANDBOX_SITE_SETTINGS\.eu: ERPNEXT_URL is not a per-site setting/);
    await expect(bad).rejects.toThrow(/SANDBOX_SITE_SETTINGS\.eu: NOT_A_SETTING is not a per-site setting/);
  });
});

jest.setTimeout(60_000);
