import { scrub } from "../http/redact";
import {
  checkHealth,
  checkSitesHealth,
  type HealthReport,
  SITE_HEALTH_FAILING,
  type SitesHealthReport,
} from "../ops/health-checks";
import type { Core } from "./core";
import { metrics } from "./logger";

/** The health report, as the alarms see it (HealthFailing / HealthDegraded), with no credential in it. */
export async function healthReport(ctx: Core): Promise<HealthReport> {
  const report = await checkHealth({
    ...ctx,
    queueDepth: (q) => ctx.queue.depth(q),
    testMode: ctx.settings.dryRun,
  });
  return published(report, ctx.secrets);
}

/**
 * Every site's health: one site's report is exactly the single-site one; several sites' report
 * has ERPNext and the queues once and each site under its name (shared/ops/health-checks.ts).
 */
export async function sitesHealthReport(cores: Core[]): Promise<HealthReport | SitesHealthReport> {
  const [first] = cores;
  if (!first) throw new Error("no site configured");
  if (cores.length === 1) return healthReport(first);
  const report = await checkSitesHealth({
    erpnext: first.erpnext,
    queueDepth: (q) => first.queue.depth(q),
    testMode: first.settings.dryRun,
    sites: Object.fromEntries(cores.map((c) => [c.site, c])),
  });
  // Each site's own alarm (infra/cdk/observability.ts SiteHealthFailing<site>) names who is failing.
  for (const [site, health] of Object.entries(report.sites)) {
    const single = metrics.singleMetric();
    single.addDimension("site", site);
    single.addMetric(SITE_HEALTH_FAILING, "Count", health.status === "failing" ? 1 : 0);
  }
  return published(
    report,
    cores.flatMap((c) => c.secrets),
  );
}

function published<T extends { status: string }>(report: T, secrets: string[]): T {
  metrics.addMetric("HealthFailing", "Count", report.status === "failing" ? 1 : 0);
  metrics.addMetric("HealthDegraded", "Count", report.status === "degraded" ? 1 : 0);
  return JSON.parse(scrub(JSON.stringify(report), secrets)) as T;
}
