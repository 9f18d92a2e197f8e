import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";

/**
 * `npm start` as a small merchant runs it, killed with SIGKILL in the middle of its work: what it
 * had accepted (queued messages, parked messages with their reasons, sandbox changes) is still
 * there after the restart. A real child process, so nothing gets the chance to save on the way out.
 */
const dataDir = mkdtempSync(join(tmpdir(), "ews-crash-"));
let child: ChildProcess | undefined;
let port = 0;
// A person at the desk (the integration user's own writes are not announced: the echo condition).
const ERP = { authorization: "token sandbox-desk-key:sandbox-desk-secret" };
const WIX = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };

afterAll(() => {
  child?.kill("SIGKILL");
  if (process.env.CRASH_TEST_LOG) console.log(readFileSync(join(dataDir, "host.log"), "utf8"));
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function start(): Promise<void> {
  // node itself with tsx as a loader (the tsx CLI would be a wrapper process that SIGKILL misses).
  child = spawn(process.execPath, ["--import", "tsx", "infra/local/main.ts"], {
    env: {
      ...process.env,
      NODE_OPTIONS: "",
      PORT: String(port),
      DATA_DIR: dataDir,
      DEMO_ITEMS: "0",
      DEMO_ORDER: "0",
      POWERTOOLS_LOG_LEVEL: "WARN",
    },
    stdio: ["ignore", openSync(join(dataDir, "host.log"), "a"), openSync(join(dataDir, "host.log"), "a")],
  });
  // Until start-up is complete every request gets 503 "starting"; then /health answers a report.
  await until(async () => typeof (await call("GET", "/health")).body?.status === "string");
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: 0, body: undefined };
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function createItem(code: string) {
  await call(
    "POST",
    "/sandbox/erpnext/api/resource/Item",
    {
      item_code: code,
      item_name: `Item ${code}`,
      item_group: "Products",
      stock_uom: "Nos",
    },
    ERP,
  );
  await call(
    "POST",
    "/sandbox/erpnext/api/resource/Item Price",
    {
      item_code: code,
      price_list: "Standard Selling",
      price_list_rate: 7,
      uom: "Nos",
    },
    ERP,
  );
}

const parked = async () =>
  ((await call("GET", "/dlq/products")).body?.messages ?? []) as {
    reason?: string;
    body: { itemCodes?: string[] };
  }[];
const inWix = async (sku: string) =>
  (
    await call(
      "POST",
      "/sandbox/wix/stores/v3/inventory-items/query",
      { query: { filter: { "product.variantSku": { $in: [sku] } } } },
      WIX,
    )
  ).body?.inventoryItems?.length > 0;

describe("the local host after a SIGKILL", () => {
  test("keeps its DLQ, its queued work and the sandboxes' changes", async () => {
    // prepare: one item Wix refuses (parked), one whose push is held up by a slow Wix
    port = await freePort();
    await start();
    await call("POST", "/sandbox/wix/_rejected-skus", { skus: ["CRASH-BAD"] });
    await createItem("CRASH-BAD");
    // One or two messages (Item and Item Price), depending on when the webhooks land: all refused.
    await until(async () => (await parked()).length >= 1);
    await new Promise((r) => setTimeout(r, 1000));
    const before = await parked();
    await call("POST", "/sandbox/wix/_faults", { count: 1000, latencyMs: 60_000, match: "products" });
    await createItem("CRASH-SLOW");
    await new Promise((r) => setTimeout(r, 1000)); // accepted and in flight
    // act
    child?.kill("SIGKILL");
    await new Promise((r) => child?.once("exit", r));
    await start();
    // assess: the parked message and its reason survived; the held-up work finishes by itself
    const after = await parked();
    expect(after).toHaveLength(before.length);
    for (const m of after) {
      expect(m.body.itemCodes).toEqual(["CRASH-BAD"]);
      expect(m.reason).toMatch(/CRASH-BAD: INVALID_PRODUCT/);
    }
    await until(() => inWix("CRASH-SLOW"));
    const item = await call("GET", "/sandbox/erpnext/api/resource/Item/CRASH-SLOW", undefined, ERP);
    expect(item.status).toBe(200);
  }, 120_000);
});
