import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { HealthReport } from "#shared/ops/health-checks";
import { type Core, getCore } from "#shared/runtime/core";
import { healthReport } from "#shared/runtime/health-report";
import { json } from "#shared/runtime/http";
import { lambda } from "#shared/runtime/lambda";

/**
 * How long a report is served before ERPNext and Wix are probed again. /health is public and a
 * live probe costs calls on both systems (Wix's from the shared request budget): a burst of GETs
 * gets one probe, not one each.
 */
const DEFAULT_MAX_AGE_SECONDS = 30;
let last: { ctx: Core; at: number; report: Promise<HealthReport> } | undefined;

function maxAgeMs(): number {
  const seconds = Number(process.env.HEALTH_CACHE_SECONDS ?? DEFAULT_MAX_AGE_SECONDS);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_MAX_AGE_SECONDS) * 1000;
}

/** GET /health: 200 for ok and degraded, 503 for failing; `checkedAt` says when it was probed. */
async function reportHealth(): Promise<APIGatewayProxyStructuredResultV2> {
  const ctx = await getCore();
  const now = Date.now();
  if (!last || last.ctx !== ctx || now - last.at >= maxAgeMs()) {
    const probe = { ctx, at: now, report: healthReport(ctx) };
    last = probe;
    probe.report.catch(() => {
      if (last === probe) last = undefined; // a failed probe is not served again
    });
  }
  const report = await last.report;
  return json(report.status === "failing" ? 503 : 200, report);
}

export const handler = lambda(reportHealth);
