import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type LocalHost, startLocalHost } from "#infra/local/host";

/**
 * A persisted sandbox (npm start, the chaos run) announces only what it has saved, as Frappe and
 * Wix commit before their webhooks: a SIGKILL right after a webhook must not leave an announced
 * order that the restarted sandbox no longer has.
 */
describe("persisted sandboxes save before they announce", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ews-persist-"));
  let host: LocalHost;
  const seen: string[][] = [];
  const target = createServer((req, res) => {
    // What a crash at this moment would leave: the order ids of the saved sandbox Wix.
    const saved = JSON.parse(readFileSync(join(dataDir, "sandbox.json"), "utf8"));
    const orders = saved.wix.orders as unknown[];
    seen.push(orders.map((o) => (Array.isArray(o) ? o[0] : (o as { id: string }).id)));
    req.resume();
    res.end("ok");
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    host = await startLocalHost({
      env: { PORT: "0", DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: "SILENT", DEMO_ITEMS: "0", DEMO_ORDER: "0" },
      inMemory: true,
      pollWaitSeconds: 0,
      persistSandbox: true,
    });
    const address = target.address() as { port: number };
    host.wix?.setWebhookTarget(`http://127.0.0.1:${address.port}/`);
    // Start-up's own sandbox writes (setup's Webhook documents) are saved within 300 ms: let that
    // save pass, so only a save before the announcement can put the order in the file.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  });
  afterAll(async () => {
    await host.stop();
    target.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("an order placed through the control route is in sandbox.json before its webhooks go out", async () => {
    const res = await fetch(`${host.url}/sandbox/wix/_orders`, {
      method: "POST",
      body: JSON.stringify({ lines: [{ sku: "ANY-1", quantity: 1, price: "5.00" }] }),
    });
    expect(res.status).toBe(200);
    const { order } = (await res.json()) as { order: { id: string } };
    await host.wix?.webhooksSettled();
    expect(seen.length).toBeGreaterThan(0);
    for (const ids of seen) expect(ids).toContain(order.id);
  });
});
