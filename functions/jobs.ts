import { errorMessage, PermanentError } from "#shared/errors";
import { FLOW_JOB_RUNNERS } from "#shared/flows/job-registry";
import { QUEUES } from "#shared/flows/registry";
import { isJobName, JOBS, type JobInput, type JobName } from "#shared/jobs/definitions";
import { monthlyAudit } from "#shared/ops/audit/job";
import { type AuditResult, summaryOf } from "#shared/ops/audit/run";
import { probeApis } from "#shared/ops/health-checks";
import { type WeeklyReport, weeklyReport } from "#shared/ops/report";
import { parkedFor, unknownSite } from "#shared/ops/sites";
import { type Core, getCores } from "#shared/runtime/core";
import { healthReport } from "#shared/runtime/health-report";
import { lambda } from "#shared/runtime/lambda";
import { logger, metrics, withSiteLogs } from "#shared/runtime/logger";
import type { JobRun, StateStore } from "#shared/store/state";

/**
 * One scheduled job per invocation; EventBridge passes `{"job": "<name>"}`. A run by hand may add
 * the job's input: `{"job": "monthly-audit", "from": "2026-11-01", "to": "2026-11-30", "site": "eu"}`.
 * A job reading ERPNext for every site (`once` in its definition) runs one time; the others run
 * for every site side by side (or the one named), each site's result and failure its own: one site's
 * failure never keeps another's run from happening, and the job fails (alarm) when any site did.
 */
export async function runScheduledJob(
  event: { job?: string } & JobInput,
  run: JobRunner = runJob,
): Promise<Record<string, unknown>> {
  const name = event?.job ?? "";
  if (!isJobName(name)) throw new PermanentError(`unknown job "${name}"`);
  const input = { from: event.from, to: event.to };
  const cores = await getCores();
  const siteProblem = unknownSite(
    cores.map((c) => c.site),
    event.site,
  );
  if (siteProblem) throw new PermanentError(siteProblem);
  if (JOBS.find((j) => j.name === name)?.once) {
    const first = cores[0] as Core;
    // Its messages name no site: every site's worker takes them (shared/runtime/sites.ts). Its
    // state is no site's; its run is every site's health.
    // `sites`: each site's core, for what such a job does per site (e.g. each site's heartbeat).
    const ctx = {
      ...first,
      queue: first.queue.forSite(undefined),
      state: first.everySiteState,
      sites: cores,
    };
    return {
      job: name,
      ...(await runForSite(
        name,
        ctx,
        input,
        run,
        cores.map((c) => c.state),
      )),
    };
  }
  const chosen = cores.filter((c) => event.site === undefined || c.site === event.site);
  if (chosen.length === 1 && cores.length === 1)
    return { job: name, ...(await runForSite(name, chosen[0] as Core, input, run)) };
  // Side by side: a slow site (rate limit, retries) never spends the others' share of the timeout.
  const runs = await Promise.allSettled(
    chosen.map((core) => withSiteLogs(core.site, () => runForSite(name, core, input, run))),
  );
  const failed = chosen.filter((_, i) => runs[i]?.status === "rejected").map((c) => c.site);
  if (failed.length) throw new Error(`job ${name} failed on ${failed.join(", ")}`);
  const sites = Object.fromEntries(
    chosen.map((core, i) => [core.site, (runs[i] as PromiseFulfilledResult<unknown>).value]),
  );
  return { job: name, sites };
}

/** One run of a job for one site's core, recorded for health. */
async function runForSite(
  name: JobName,
  ctx: Core,
  input: JobInput,
  run: JobRunner,
  recordIn: StateStore[] = [ctx.state],
): Promise<Record<string, unknown>> {
  const record = (jobRun: JobRun) => Promise.all(recordIn.map((state) => state.recordJobRun(name, jobRun)));
  const started = Date.now();
  let result: Record<string, unknown>;
  try {
    result = await run(name, ctx, input);
  } catch (error) {
    // Visible in /health (the last run of each job) and alarmed in AWS (JobFailed).
    const reason = errorMessage(error);
    logger.error(`job ${name} failed`, { reason, ms: Date.now() - started });
    metrics.addMetric("JobFailed", "Count", 1);
    await record({ at: new Date().toISOString(), ok: false, error: reason.slice(0, 500) }).catch(
      () => undefined,
    );
    throw error;
  }
  await record({ at: new Date().toISOString(), ok: true });
  // The audit's differences are in its result and its stored report, not in the log line.
  const { differences: _, ...logged } = result;
  logger.info(`job ${name} done`, { ...logged, ms: Date.now() - started });
  metrics.addMetric(`job_${name}`, "Count", 1);
  return result;
}

const RUNNERS: Record<JobName, (ctx: Core, input: JobInput) => Promise<Record<string, unknown>>> = {
  // Each flow's jobs, from its runners (shared/flows/job-registry.ts); then the integration's own.
  ...(FLOW_JOB_RUNNERS satisfies Record<string, (ctx: Core) => Promise<Record<string, unknown>>>),
  "dlq-redrive": async (ctx) => {
    // A site's messages go back once ERPNext and that site's Wix answer: one site's outage holds
    // back no other's. A message naming no site waits for every site.
    const cores = await getCores();
    const probes = await Promise.all(cores.map(async (c) => ({ site: c.site, ...(await probeApis(c)) })));
    const down = probes.filter((p) => p.failing.length);
    if (down.length === cores.length)
      return { skipped: `waiting for both APIs: ${[...new Set(down.flatMap((p) => p.failing))].join("; ")}` };
    const ready = new Set(probes.filter((p) => !p.failing.length).map((p) => p.site));
    const queues: Record<string, unknown> = {};
    for (const q of QUEUES)
      queues[q] = await ctx.queue.redriveRetryable(q, undefined, (site) =>
        site === undefined ? ready.size === cores.length : ready.has(site),
      );
    if (!down.length) return { queues };
    return { queues, waiting: Object.fromEntries(down.map((p) => [p.site, p.failing.join("; ")])) };
  },
  "health-check": async (ctx) => {
    const report = await healthReport(ctx);
    if (report.status !== "ok") logger.warn(`health ${report.status}`, { problems: report.problems });
    return { status: report.status, problems: report.problems };
  },
  "weekly-report": async (ctx) => {
    // The DLQs are shared: with several sites a site's report counts its own parked messages
    // (and those naming no site, every site's news), not the others'.
    const several = (await getCores()).length > 1;
    const report = await weeklyReport(
      ctx.log,
      async (q) => {
        if (!several)
          return { parked: (await ctx.queue.depth(q)).dlq, reasons: await ctx.queue.dlqReasons(q) };
        const reasons = await ctx.queue.dlqReasons(q, 1000, parkedFor(ctx.site));
        return { parked: reasons.reduce((n, r) => n + r.count, 0), reasons };
      },
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

/** One job's run for one core (the tests give their own to see what runs where). */
export type JobRunner = (name: JobName, ctx: Core, input: JobInput) => Promise<Record<string, unknown>>;

export function runJob(name: JobName, ctx: Core, input: JobInput = {}): Promise<Record<string, unknown>> {
  return RUNNERS[name](ctx, input);
}

export const handler = lambda((event: { job?: string } & JobInput) => runScheduledJob(event));
