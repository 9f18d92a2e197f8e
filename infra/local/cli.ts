import { errorMessage } from "../../shared/http/errors";

/**
 * Ops commands against the running local host (`npm start`):
 *   npm run report                 the weekly report (counts, errors, drift, p95 latency, DLQs)
 *   npm run redrive -- <queue>     list what is parked in a DLQ, then move it back to its queue
 *   npm run redrive -- <queue> --list   only list
 */
const base = `http://127.0.0.1:${process.env.PORT ?? 3000}`;

async function call(method: string, path: string): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { method });
  const body = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function main(): Promise<void> {
  const [command, arg, flag] = process.argv.slice(2);
  if (command === "report") {
    const report = (await call("POST", "/jobs/weekly-report")) as Record<string, unknown>;
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  if (command === "redrive" && arg) {
    const { messages } = (await call("GET", `/dlq/${arg}`)) as {
      messages: { body: unknown; reason?: string }[];
    };
    console.log(`${messages.length} message(s) parked in ${arg}-dlq`);
    for (const m of messages)
      console.log(`  - ${m.reason ?? "(no reason: exceeded max receives)"}\n    ${JSON.stringify(m.body)}`);
    if (flag === "--list" || !messages.length) return;
    const { redriven } = (await call("POST", `/dlq/${arg}/redrive`)) as { redriven: number };
    console.log(`moved ${redriven} message(s) back to ${arg}`);
    return;
  }
  console.error("usage: cli.ts report | cli.ts redrive <products|inventory|orders> [--list]");
  process.exit(2);
}

main().catch((error) => {
  const reason = errorMessage(error);
  console.error(
    reason.includes("fetch failed")
      ? `no local host on ${base}: start it with npm start (same PORT)`
      : reason,
  );
  process.exit(1);
});
