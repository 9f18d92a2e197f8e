import { errorMessage } from "../../shared/errors";
import { QUEUES } from "../../shared/queue/messages";

/**
 * Ops commands against the running local host (`npm start`):
 *   npm run report                 the weekly report (counts, errors, drift, p95 latency, DLQs)
 *   npm run redrive -- <queue>     list what is parked in a DLQ, then move it back to its queue
 *   npm run redrive -- <queue> --list   only list
 */
// The control routes: on OPS_PORT when it is set, else on the main port (loopback).
const base = `http://127.0.0.1:${process.env.OPS_PORT || process.env.PORT || 3000}`;
const auth: Record<string, string> = process.env.OPS_TOKEN
  ? { authorization: `Bearer ${process.env.OPS_TOKEN}` }
  : {};

async function call(method: string, path: string): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { method, headers: auth });
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
  console.error(`usage: cli.ts report | cli.ts redrive <${QUEUES.join("|")}> [--list]`);
  process.exit(2);
}

main().catch((error) => {
  const reason = errorMessage(error);
  console.error(
    reason.includes("fetch failed")
      ? `no local host on ${base}: start it with npm start (same PORT / OPS_PORT)`
      : reason,
  );
  process.exit(1);
});
