import { ConfigError, errorMessage } from "../../shared/http/errors";
import { seedDemoCatalog } from "../sandbox/demo";
import { startLocalHost } from "./host";

// Node 20 is supported by the SDK versions we pin; the notice would only clutter the demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** `npm start`: the whole integration in one process; sandboxes for whatever is not configured. */
async function main(): Promise<void> {
  let host: Awaited<ReturnType<typeof startLocalHost>>;
  try {
    host = await startLocalHost({ timers: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const { url, erpnext, wix } = host;
  const lines = [
    `erpnext-wix-sync local host on ${url}`,
    `  POST ${url}/webhooks/erpnext   POST ${url}/webhooks/wix   GET ${url}/health   POST ${url}/jobs/{name}`,
    `  ERPNext: ${erpnext ? `sandbox at ${url}/sandbox/erpnext` : host.env.ERPNEXT_URL}`,
    `  Wix:     ${wix ? `sandbox at ${url}/sandbox/wix` : host.env.WIX_API_URL}`,
  ];
  console.log(lines.join("\n"));

  if (erpnext) {
    const count = Number(process.env.DEMO_ITEMS ?? 40);
    const codes = seedDemoCatalog(erpnext, count);
    console.log(
      `  sandbox ERPNext seeded with ${codes.length} demo items (imported: no webhooks, the catch-up finds them)`,
    );
  }
  // First run: catch up with everything changed since the last watermark.
  host
    .runJob("product-catchup")
    .catch((error) => console.error(`product-catchup failed: ${errorMessage(error)}`));

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

void main();
