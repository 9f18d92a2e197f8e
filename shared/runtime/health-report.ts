import { scrub } from "../http/redact";
import { checkHealth, type HealthReport } from "../ops/health-checks";
import type { Core } from "./core";
import { metrics } from "./logger";

/** The health report, as the alarms see it (HealthFailing / HealthDegraded), with no credential in it. */
export async function healthReport(ctx: Core): Promise<HealthReport> {
  const report = await checkHealth({
    ...ctx,
    queueDepth: (q) => ctx.queue.depth(q),
    testMode: ctx.settings.dryRun,
  });
  metrics.addMetric("HealthFailing", "Count", report.status === "failing" ? 1 : 0);
  metrics.addMetric("HealthDegraded", "Count", report.status === "degraded" ? 1 : 0);
  return JSON.parse(scrub(JSON.stringify(report), ctx.secrets)) as HealthReport;
}
