import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { scrub } from "../shared/http/redact";
import { checkHealth } from "../shared/sync/health";
import { getContext } from "./commons/context";
import { json } from "./commons/http";
import { lambda } from "./commons/lambda";
import { metrics } from "./commons/logger";

/** GET /health: 200 for ok and degraded, 503 for failing. */
async function reportHealth(): Promise<APIGatewayProxyStructuredResultV2> {
  const ctx = await getContext();
  const report = await checkHealth({
    erpnext: ctx.erpnext,
    wix: ctx.wix,
    state: ctx.state,
    log: ctx.log,
    queueDepth: (q) => ctx.queue.depth(q),
  });
  metrics.addMetric("HealthFailing", "Count", report.status === "failing" ? 1 : 0);
  metrics.addMetric("HealthDegraded", "Count", report.status === "degraded" ? 1 : 0);
  const body = JSON.parse(scrub(JSON.stringify(report), ctx.secrets));
  return json(report.status === "failing" ? 503 : 200, body);
}

export const handler = lambda(reportHealth);
