import { ConfigError, errorMessage } from "#shared/errors";
import { seedDemoCatalog } from "../sandbox/demo";
import { type LocalHost, startLocalHost } from "./host";

// Node 20 is supported by the SDK versions we pin; the notice would only clutter the demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** `npm start`: the whole integration in one process; sandboxes for whatever is not configured. */
async function main(): Promise<void> {
  let host: LocalHost;
  try {
    host = await startLocalHost({ timers: true, persistSandbox: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const { url, opsUrl, erpnext, wix } = host;
  // With SANDBOX_SITES each site's sandbox Wix has its own path.
  const sites = Object.keys(host.wixSites);
  const sandboxSites = host.wixSites.default ? "" : `/{${sites.join(",")}}`;
  const lines = [
    `erpnext-wix-sync local host on ${url}`,
    `  POST ${url}/webhooks/erpnext   POST ${url}/webhooks/wix   GET ${url}/health`,
    `  ops (loopback only): POST ${opsUrl}/jobs/{name}   GET ${opsUrl}/dlq/{queue}`,
    `  ERPNext: ${erpnext ? `sandbox at ${opsUrl}/sandbox/erpnext` : host.env.ERPNEXT_URL}`,
    `  Wix:     ${wix ? `sandbox at ${opsUrl}/sandbox/wix${sandboxSites}` : (host.env.WIX_API_URL ?? "per site (SITES_FILE)")}`,
  ];
  console.log(lines.join("\n"));

  const fresh = erpnext && !host.sandboxRestored;
  const seeded = fresh ? seedDemoCatalog(erpnext, Number(process.env.DEMO_ITEMS ?? 40)) : [];
  if (seeded.length) {
    console.log(
      `  sandbox ERPNext seeded with ${seeded.length} demo items (imported: no webhooks, the catch-up finds them)`,
    );
  } else if (host.sandboxRestored) {
    console.log(`  sandbox data restored from ${host.env.DATA_DIR || ".data"}/sandbox.json`);
  }
  void firstRun(host, seeded);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (finishing in-flight batches)...`);
    await host.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

/**
 * Catch up with everything changed since the last watermarks (all of it, the first time); then,
 * on a fresh sandbox, one demo checkout so the order flow shows too.
 */
async function firstRun(host: LocalHost, seeded: string[]): Promise<void> {
  try {
    await host.runJob("product-catchup");
    await host.runJob("order-poll");
    await host.drain(120_000);
    await host.runJob("category-sync");
    if (!host.wix || !seeded.length || /^(0|false|no|off)$/i.test(process.env.DEMO_ORDER ?? "")) return;
    await host.drain(120_000);

    const [first, second = first] = seeded as [string, string?];
    const order = host.wix.placeOrder({
      lines: [
        { sku: first, quantity: 2 },
        { sku: second as string, quantity: 1 },
      ],
      shipping: "4.95",
      taxes: [{ name: "Sales Tax", rate: "0.08" }],
      buyer: { email: "demo.buyer@example.com", firstName: "Demo", lastName: "Buyer" },
    });
    console.log(
      `  demo: a customer checks out on the sandbox Wix: order #${order.number}, total ${order.priceSummary.total.amount} ${order.currency}`,
    );
    for (const event of ["wix.ecom.v1.order_created", "wix.ecom.v1.order_approved"])
      await host.wix.sendEvent(event, order);
  } catch (error) {
    console.error(`first run: ${errorMessage(error)}`);
  }
}

void main();
