import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { HealthReport, SitesHealthReport } from "#shared/ops/health-checks";
import { type Core, getCores } from "#shared/runtime/core";
import { sitesHealthReport } from "#shared/runtime/health-report";
import { json } from "#shared/runtime/http";
import { lambda } from "#shared/runtime/lambda";

/**
 * How long a report is served before ERPNext and Wix are probed again. /health is public and a
 * live probe costs calls on both systems (Wix's from the shared request budget): a burst of GETs
 * gets one probe, not one each.
 */
const DEFAULT_MAX_AGE_SECONDS = 30;
let last: { cores: Core[]; at: number; report: Promise<HealthReport | SitesHealthReport> } | undefined;

function maxAgeMs(): number {
  const seconds = Number(process.env.HEALTH_CACHE_SECONDS ?? DEFAULT_MAX_AGE_SECONDS);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_MAX_AGE_SECONDS) * 1000;
}

/**
 * GET /health: 200 for ok and degraded, 503 for failing (any site failing); `checkedAt` says when
 * it was probed. With several Wix sites each is reported under its name (`sites`, `failing`).
 */
async function reportHealth(): Promise<APIGatewayProxyStructuredResultV2> {
  const cores = await getCores();
  const now = Date.now();
  if (!last || last.cores !== cores || now - last.at >= maxAgeMs()) {
    const probe = { cores, at: now, report: sitesHealthReport(cores) };
    last = probe;
    probe.report.catch(() => {
      if (last === probe) last = undefined; // a failed probe is not served again
    });
  }
  const report = await last.report;
  return json(report.status === "failing" ? 503 : 200, report);
}

export const handler = lambda(reportHealth);
