import { errorMessage, PermanentError } from "../shared/errors";
import { categoryJob } from "../shared/flows/categories/sync";
import { inventoryDelta, inventoryReconcile } from "../shared/flows/inventory/jobs";
import { orderPoll } from "../shared/flows/orders/poll";
import { productCatchup } from "../shared/flows/products/catchup";
import { shipmentCatchup } from "../shared/flows/shipments/catchup";
import { isJobName, type JobName } from "../shared/jobs/definitions";
import { probeApis } from "../shared/ops/health";
import { weeklyReport } from "../shared/ops/report";
import { QUEUES } from "../shared/queue/messages";
import { type Core, getCore } from "../shared/runtime/core";
import { healthReport } from "../shared/runtime/health";
import { lambda } from "../shared/runtime/lambda";
import { logger, metrics } from "../shared/runtime/logger";

/** One scheduled job per invocation; EventBridge passes `{"job": "<name>"}`. */
async function runScheduledJob(event: { job?: string }): Promise<Record<string, unknown>> {
  const name = event?.job ?? "";
  if (!isJobName(name)) throw new PermanentError(`unknown job "${name}"`);
  const ctx = await getCore();
  const started = Date.now();
  let result: Record<string, unknown>;
  try {
    result = await runJob(name, ctx);
  } catch (error) {
    // Visible in /health (the last run of each job) and alarmed in AWS (JobFailed).
    const reason = errorMessage(error);
    logger.error(`job ${name} failed`, { reason, ms: Date.now() - started });
    metrics.addMetric("JobFailed", "Count", 1);
    await ctx.state
      .recordJobRun(name, { at: new Date().toISOString(), ok: false, error: reason.slice(0, 500) })
      .catch(() => undefined);
    throw error;
  }
  await ctx.state.recordJobRun(name, { at: new Date().toISOString(), ok: true });
  logger.info(`job ${name} done`, { ...result, ms: Date.now() - started });
  metrics.addMetric(`job_${name}`, "Count", 1);
  return { job: name, ...result };
}

const RUNNERS: Record<JobName, (ctx: Core) => Promise<Record<string, unknown>>> = {
  "product-catchup": (ctx) => productCatchup(ctx),
  "category-sync": (ctx) => categoryJob(ctx),
  "order-poll": (ctx) => orderPoll(ctx),
  "inventory-delta": (ctx) => inventoryDelta(ctx),
  "inventory-reconcile": (ctx) => inventoryReconcile(ctx),
  "shipment-catchup": (ctx) => shipmentCatchup(ctx),
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
    logger.info("weekly report", { report });
    await ctx.state.saveReport("weekly", report.to, report);
    return { ...report };
  },
};

export function runJob(name: JobName, ctx: Core): Promise<Record<string, unknown>> {
  return RUNNERS[name](ctx);
}

export const handler = lambda(runScheduledJob);
