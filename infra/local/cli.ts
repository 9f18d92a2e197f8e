import { Agent, fetch } from "undici";
import { ConfigError, errorMessage } from "#shared/errors";
import { QUEUES, type QueueName } from "#shared/flows/registry";
import { type AuditResult, formatAudit, parsePeriod } from "#shared/ops/audit/run";
import { progress } from "#shared/ops/progress";
import { siteArg } from "#shared/ops/sites";

/**
 * Ops commands against the running local host (`npm start`):
 *   npm run report                 the weekly report (counts, errors, drift, p95 latency, DLQs)
 *   npm run redrive -- <queue>     list what is parked in a DLQ, then move it back to its queue
 *   npm run redrive -- <queue> --list   only list
 *   npm run redrive -- all         every queue's DLQ, with progress
 *   npm run audit -- --from 2026-11-01 --to 2026-11-30 [--json]
 *                                  Wix orders updated in the period compared with ERPNext through the
 *                                  host (it holds the order records and the DLQs); exit 1 on differences
 * Each takes `--site NAME` (several Wix sites, SITES_FILE): only that site; without it every site,
 * each reported under its name. Redrive: a parked message names its site, one naming none (ERPNext's
 * news) is every site's. The host refuses an unknown name and lists the sites.
 */
// The control routes: on OPS_PORT when it is set, else on the main port (loopback).
const base = `http://127.0.0.1:${process.env.OPS_PORT || process.env.PORT || 3000}`;
const auth: Record<string, string> = process.env.OPS_TOKEN
  ? { authorization: `Bearer ${process.env.OPS_TOKEN}` }
  : {};

// A month's audit may take minutes: no headers/body timeout on the answer.
const patient = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

async function call(method: string, path: string): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { method, headers: auth, dispatcher: patient });
  const body = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** `?site=NAME` for the host's control routes, or nothing. */
const siteQuery = (site: string | undefined, sep = "?") =>
  site ? `${sep}site=${encodeURIComponent(site)}` : "";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const [command, arg] = args;
  const site = siteArg(args);
  const where = site ? ` (site ${site})` : "";
  if (command === "report") {
    const report = (await call("POST", `/jobs/weekly-report${siteQuery(site)}`)) as Record<string, unknown>;
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  if (command === "redrive" && arg && !arg.startsWith("--")) {
    const queues = arg === "all" ? [...QUEUES] : [arg];
    const parked: [string, number][] = [];
    for (const queue of queues) {
      const { messages } = (await call("GET", `/dlq/${queue}${siteQuery(site)}`)) as {
        messages: { body: unknown; reason?: string }[];
      };
      console.log(`${messages.length} message(s) parked in ${queue}-dlq${where}`);
      for (const m of messages)
        console.log(`  - ${m.reason ?? "(no reason: exceeded max receives)"}\n    ${JSON.stringify(m.body)}`);
      if (messages.length) parked.push([queue, messages.length]);
    }
    if (args.includes("--list") || !parked.length) return;
    // Progress on stderr (a bar on a terminal): a large DLQ moves in one call per queue.
    const bar = progress(
      "redrive",
      parked.reduce((n, [, count]) => n + count, 0),
    );
    let moved = 0;
    for (const [queue] of parked) {
      const { redriven } = (await call("POST", `/dlq/${queue as QueueName}/redrive${siteQuery(site)}`)) as {
        redriven: number;
      };
      moved += redriven;
      bar.tick(redriven, `${queue}: ${redriven} moved back`);
    }
    bar.done(`moved ${moved} message(s) back to their queue(s)`);
    return;
  }
  if (command === "audit") {
    const option = (name: string) => {
      const i = args.indexOf(`--${name}`);
      return i >= 0 ? args[i + 1] : undefined;
    };
    const { period, problems } = parsePeriod(option("from"), option("to"));
    if (!period) {
      console.error(
        `npm run audit -- --from YYYY-MM-DD --to YYYY-MM-DD [--site NAME] [--json]\n  ${problems.join("\n  ")}`,
      );
      process.exit(2);
    }
    const result = (await call(
      "POST",
      `/jobs/monthly-audit?from=${period.from}&to=${period.to}${siteQuery(site, "&")}`,
    )) as (AuditResult | { sites: Record<string, AuditResult> }) & { job: string };
    // Several sites answer each under its name.
    const audits = "sites" in result ? Object.entries(result.sites) : [["", result] as const];
    if (args.includes("--json")) console.log(JSON.stringify(result, null, 2));
    else
      for (const [name, audit] of audits)
        console.log(`${name ? `site ${name}:\n` : ""}${formatAudit(audit)}`);
    process.exit(audits.some(([, audit]) => audit.differing) ? 1 : 0);
  }
  console.error(
    `usage: cli.ts report | cli.ts redrive <${QUEUES.join("|")}|all> [--list] | cli.ts audit --from YYYY-MM-DD --to YYYY-MM-DD [--json]; each with [--site NAME]`,
  );
  process.exit(2);
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  const reason = errorMessage(error);
  console.error(
    reason.includes("fetch failed")
      ? `no local host on ${base}: start it with npm start (same PORT / OPS_PORT)`
      : reason,
  );
  // 1 is "the books differ" for the audit: an audit that could not run is 2.
  process.exit(process.argv[2] === "audit" ? 2 : 1);
});
