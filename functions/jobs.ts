import { PermanentError } from "../shared/http/errors";
import { isJobName, type JobName } from "../shared/jobs/definitions";
import { productCatchup } from "../shared/sync/catchup";
import { categoryJob } from "../shared/sync/category-sync";
import { inventoryDelta, inventoryReconcile, orderPoll, weeklyReport } from "../shared/sync/jobs";
import { type Context, getContext } from "./commons/context";
import { healthReport } from "./commons/health";
import { lambda } from "./commons/lambda";
import { logger, metrics } from "./commons/logger";

/** One scheduled job per invocation; EventBridge passes `{"job": "<name>"}`. */
async function runScheduledJob(event: { job?: string }): Promise<Record<string, unknown>> {
  const name = event?.job ?? "";
  if (!isJobName(name)) throw new PermanentError(`unknown job "${name}"`);
  const ctx = await getContext();
  const started = Date.now();
  const result = await runJob(name, ctx);
  logger.info(`job ${name} done`, { ...result, ms: Date.now() - started });
  metrics.addMetric(`job_${name}`, "Count", 1);
  return { job: name, ...result };
}

const RUNNERS: Record<JobName, (ctx: Context) => Promise<Record<string, unknown>>> = {
  "product-catchup": (ctx) => productCatchup(ctx),
  "category-sync": (ctx) => categoryJob(ctx),
  "order-poll": (ctx) => orderPoll(ctx),
  "inventory-delta": (ctx) => inventoryDelta(ctx),
  "inventory-reconcile": (ctx) => inventoryReconcile(ctx),
  "health-check": async (ctx) => {
    const report = await healthReport(ctx);
    if (report.status !== "ok") logger.warn(`health ${report.status}`, { problems: report.problems });
    return { status: report.status, problems: report.problems };
  },
  "weekly-report": async (ctx) => {
    const report = await weeklyReport(ctx.log, async (q) => ({
      parked: (await ctx.queue.depth(q)).dlq,
      reasons: await ctx.queue.dlqReasons(q),
    }));
    logger.info("weekly report", { report });
    await ctx.state.saveReport("weekly", report.to, report);
    return { ...report };
  },
};

export function runJob(name: JobName, ctx: Context): Promise<Record<string, unknown>> {
  return RUNNERS[name](ctx);
}

export const handler = lambda(runScheduledJob);
