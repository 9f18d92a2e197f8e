import { errorMessage, PermanentError } from "#shared/errors";
import { FLOW_JOB_RUNNERS } from "#shared/flows/job-registry";
import { QUEUES } from "#shared/flows/registry";
import { isJobName, JOBS, type JobInput, type JobName } from "#shared/jobs/definitions";
import { monthlyAudit } from "#shared/ops/audit/job";
import { type AuditResult, summaryOf } from "#shared/ops/audit/run";
import { probeApis } from "#shared/ops/health-checks";
import { type WeeklyReport, weeklyReport } from "#shared/ops/report";
import { type Core, getCores } from "#shared/runtime/core";
import { healthReport } from "#shared/runtime/health-report";
import { lambda } from "#shared/runtime/lambda";
import { logger, metrics } from "#shared/runtime/logger";

/**
 * One scheduled job per invocation; EventBridge passes `{"job": "<name>"}`. A run by hand may add
 * the job's input: `{"job": "monthly-audit", "from": "2026-11-01", "to": "2026-11-30", "site": "eu"}`.
 * A job reading ERPNext for every site (`once` in its definition) runs one time; the others run
 * for each site in turn (or the one named), each site's result and failure its own: one site's
 * failure never keeps another's run from happening, and the job fails (alarm) when any site did.
 */
async function runScheduledJob(event: { job?: string } & JobInput): Promise<Record<string, unknown>> {
  const name = event?.job ?? "";
  if (!isJobName(name)) throw new PermanentError(`unknown job "${name}"`);
  const input = { from: event.from, to: event.to };
  const cores = await getCores();
  if (event.site !== undefined && !cores.some((c) => c.site === event.site))
    throw new PermanentError(`unknown site "${event.site}" (sites: ${cores.map((c) => c.site).join(", ")})`);
  if (JOBS.find((j) => j.name === name)?.once) {
    const first = cores[0] as Core;
    // Its messages name no site: every site's worker takes them (shared/runtime/sites.ts). It
    // sees every site's core (`sites`): each site keeps its own watermarks.
    const once = { ...first, queue: first.queue.forSite(undefined), sites: cores };
    return { job: name, ...(await runForSite(name, once, input)) };
  }
  const chosen = cores.filter((c) => event.site === undefined || c.site === event.site);
  if (chosen.length === 1 && cores.length === 1)
    return { job: name, ...(await runForSite(name, chosen[0] as Core, input)) };
  const sites: Record<string, unknown> = {};
  const failed: string[] = [];
  for (const core of chosen) {
    try {
      sites[core.site] = await runForSite(name, core, input);
    } catch (error) {
      sites[core.site] = { failed: errorMessage(error) };
      failed.push(core.site);
    }
  }
  if (failed.length) throw new Error(`job ${name} failed on ${failed.join(", ")}`);
  return { job: name, sites };
}

/** One run of a job for one site's core, recorded for health. */
async function runForSite(name: JobName, ctx: Core, input: JobInput): Promise<Record<string, unknown>> {
  const started = Date.now();
  const where = ctx.queue.site ? { site: ctx.queue.site } : {};
  let result: Record<string, unknown>;
  try {
    result = await runJob(name, ctx, input);
  } catch (error) {
    // Visible in /health (the last run of each job) and alarmed in AWS (JobFailed).
    const reason = errorMessage(error);
    logger.error(`job ${name} failed`, { reason, ms: Date.now() - started, ...where });
    metrics.addMetric("JobFailed", "Count", 1);
    await ctx.state
      .recordJobRun(name, { at: new Date().toISOString(), ok: false, error: reason.slice(0, 500) })
      .catch(() => undefined);
    throw error;
  }
  await ctx.state.recordJobRun(name, { at: new Date().toISOString(), ok: true });
  // The audit's differences are in its result and its stored report, not in the log line.
  const { differences: _, ...logged } = result;
  logger.info(`job ${name} done`, { ...logged, ms: Date.now() - started, ...where });
  metrics.addMetric(`job_${name}`, "Count", 1);
  return result;
}

const RUNNERS: Record<JobName, (ctx: Core, input: JobInput) => Promise<Record<string, unknown>>> = {
  // Each flow's jobs, from its runners (shared/flows/job-registry.ts); then the integration's own.
  ...(FLOW_JOB_RUNNERS satisfies Record<string, (ctx: Core) => Promise<Record<string, unknown>>>),
  "dlq-redrive": async (ctx) => {
    const { failing } = await probeApis(ctx);
    if (failing.length) return { skipped: `waiting for both APIs: ${failing.join("; ")}` };
    const queues: Record<string, unknown> = {};
    for (const q of QUEUES) queues[q] = await ctx.queue.redriveRetryable(q);
    return { queues };
  },
  "health-check": async (ctx) => {
    const report = await healthReport(ctx);
    if (report.status !== "ok") logger.warn(`health ${report.status}`, { problems: report.problems });
    return { status: report.status, problems: report.problems };
  },
  "weekly-report": async (ctx) => {
    const report = await weeklyReport(
      ctx.log,
      async (q) => ({
        parked: (await ctx.queue.depth(q)).dlq,
        reasons: await ctx.queue.dlqReasons(q),
      }),
      new Date(),
      { testMode: ctx.settings.dryRun },
    );
    // The latest audit's summary (its differences are in the stored audit report).
    const audit = await ctx.state.reports.latest<AuditResult>("audit");
    const withAudit: WeeklyReport = { ...report, audit: audit ? summaryOf(audit) : null };
    logger.info("weekly report", { report: withAudit });
    await ctx.state.saveReport("weekly", report.to, withAudit);
    return { ...withAudit };
  },
  "monthly-audit": async (ctx, input) => {
    const result = await monthlyAudit(ctx, input);
    if (result.differing) {
      logger.warn(`audit: ${result.differing} of ${result.checked} orders differ`, { byKind: result.byKind });
      metrics.addMetric("AuditDifferences", "Count", result.differing);
    }
    return { ...result };
  },
};

export function runJob(name: JobName, ctx: Core, input: JobInput = {}): Promise<Record<string, unknown>> {
  return RUNNERS[name](ctx, input);
}

export const handler = lambda(runScheduledJob);
