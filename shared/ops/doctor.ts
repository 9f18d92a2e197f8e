import { catalogName } from "./catalog-check";
import type { HealthReport, SiteHealth, SitesHealthReport } from "./health-checks";

/**
 * `npm run doctor`: the health report in words, each problem with what to do about it (the
 * CloudWatch dashboard stays the ops view in AWS). Pure, so every sentence has a unit test.
 */
export interface Finding {
  ok: boolean;
  what: string;
  todo?: string;
}

/**
 * Several sites' report: ERPNext and the queues once, then each site's Wix, flows, jobs and errors
 * named after it (only `site`'s when given).
 */
export function explainHealth(report: HealthReport | SitesHealthReport, site?: string): Finding[] {
  const findings: Finding[] = [];
  const { erpnext } = report;
  if (report.mode === "test")
    findings.push({
      ok: true,
      what: "test mode (DRY_RUN=true): every flow reads both sides and only logs the writes it would make",
      todo: "unset DRY_RUN when the sync log shows what you expect; the first live run reads the same changes again",
    });
  if (erpnext.authenticated)
    findings.push({ ok: true, what: `ERPNext answers; signed in as ${erpnext.user}` });
  else if (erpnext.reachable)
    findings.push({
      ok: false,
      what: `ERPNext refuses the integration's key: ${erpnext.error}`,
      todo: "check ERPNEXT_API_KEY / ERPNEXT_API_SECRET (a rotated key?) and that the user is enabled",
    });
  else
    findings.push({
      ok: false,
      what: `ERPNext does not answer: ${erpnext.error}`,
      todo: "check ERPNEXT_URL and that the site is up; nothing is lost meanwhile (work retries, dlq-redrive brings parked work back)",
    });
  const sites = "sites" in report ? Object.entries(report.sites).filter(([n]) => !site || n === site) : [];
  if (!("sites" in report)) findings.push(...wixFindings(report.wix));
  for (const [queue, q] of Object.entries(report.queues)) {
    if ("error" in q)
      findings.push({
        ok: false,
        what: `queue ${queue} cannot be read: ${q.error}`,
        todo: "check the queue service (SQS) and its permissions",
      });
    else if (q.dlq > 0)
      findings.push({
        ok: false,
        what: `${q.dlq} message(s) parked in ${queue}-dlq`,
        todo: `see why with \`npm run redrive -- ${queue} --list\` (AWS: the message attribute "reason"), fix the cause, then \`npm run redrive -- ${queue}\``,
      });
    else if (q.depth > 0)
      findings.push({ ok: true, what: `${queue}: ${q.depth} message(s) waiting, ${q.inFlight} in flight` });
  }
  if (!("sites" in report)) findings.push(...siteFindings(report));
  for (const [name, part] of sites)
    findings.push(
      ...[...wixFindings(part.wix), ...siteFindings(part)].map((f) => ({
        ...f,
        what: `site ${name}: ${f.what}`,
      })),
    );
  return findings;
}

function wixFindings(wix: HealthReport["wix"]): Finding[] {
  const findings: Finding[] = [];
  if (wix.reachable && wix.problem)
    findings.push({ ok: false, what: wix.problem.what, todo: wix.problem.fix });
  else if (wix.reachable)
    findings.push({ ok: true, what: `Wix answers; ${catalogName(wix.catalogVersion ?? "")}` });
  else
    findings.push({
      ok: false,
      what: `Wix does not answer or refuses the credentials: ${wix.error}`,
      todo: "check the Wix credentials (WIX_API_KEY + WIX_SITE_ID, or the WIX_APP_* values) and WIX_API_URL",
    });
  return findings;
}

/** A site's flows, jobs and errors. */
function siteFindings(report: Pick<SiteHealth, "flows" | "jobs" | "errorsLast24h">): Finding[] {
  const findings: Finding[] = [];
  for (const [flow, f] of Object.entries(report.flows)) {
    if (f.stale)
      findings.push({
        ok: false,
        what: `${flow}: last success ${describeAge(f.ageSeconds ?? 0)} ago (expected within ${describeAge(f.thresholdSeconds)})`,
        todo: `look at the ${flow} worker's errors and the webhooks reaching the host; run its catch-up job now to see it work`,
      });
  }
  for (const [job, run] of Object.entries(report.jobs))
    if (!run.ok)
      findings.push({
        ok: false,
        what: `job ${job} failed at ${run.at}: ${run.error ?? "unknown error"}`,
        todo: `fix the cause and run it again (locally: curl -X POST localhost:3000/jobs/${job})`,
      });
  if (report.errorsLast24h > 0)
    findings.push({
      ok: false,
      what: `${report.errorsLast24h} sync(s) failed or parked in the last 24 hours`,
      todo: "read their reasons in the sync log (`npm run report`) or the DLQs",
    });
  return findings;
}

/** The findings as lines: a tick or a cross, and what to do. */
export function describeFindings(findings: readonly Finding[]): string[] {
  return findings.flatMap((f) => [
    `  ${f.ok ? "ok " : "!! "} ${f.what}`,
    ...(f.todo ? [`       do: ${f.todo}`] : []),
  ]);
}

function describeAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}
