import { errorMessage } from "../../shared/errors";
import { progress } from "../../shared/ops/progress";
import { QUEUES, type QueueName } from "../../shared/queue/messages";

/**
 * Ops commands against the running local host (`npm start`):
 *   npm run report                 the weekly report (counts, errors, drift, p95 latency, DLQs)
 *   npm run redrive -- <queue>     list what is parked in a DLQ, then move it back to its queue
 *   npm run redrive -- <queue> --list   only list
 *   npm run redrive -- all         every queue's DLQ, with progress
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
    const queues = arg === "all" ? [...QUEUES] : [arg];
    const parked: [string, number][] = [];
    for (const queue of queues) {
      const { messages } = (await call("GET", `/dlq/${queue}`)) as {
        messages: { body: unknown; reason?: string }[];
      };
      console.log(`${messages.length} message(s) parked in ${queue}-dlq`);
      for (const m of messages)
        console.log(`  - ${m.reason ?? "(no reason: exceeded max receives)"}\n    ${JSON.stringify(m.body)}`);
      if (messages.length) parked.push([queue, messages.length]);
    }
    if (flag === "--list" || !parked.length) return;
    // Progress on stderr (a bar on a terminal): a large DLQ moves in one call per queue.
    const bar = progress(
      "redrive",
      parked.reduce((n, [, count]) => n + count, 0),
    );
    let moved = 0;
    for (const [queue] of parked) {
      const { redriven } = (await call("POST", `/dlq/${queue as QueueName}/redrive`)) as { redriven: number };
      moved += redriven;
      bar.tick(redriven, `${queue}: ${redriven} moved back`);
    }
    bar.done(`moved ${moved} message(s) back to their queue(s)`);
    return;
  }
  console.error(`usage: cli.ts report | cli.ts redrive <${QUEUES.join("|")}|all> [--list]`);
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
