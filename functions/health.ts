import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { getContext } from "./commons/context";
import { healthReport } from "./commons/health";
import { json } from "./commons/http";
import { lambda } from "./commons/lambda";

/** GET /health: 200 for ok and degraded, 503 for failing. */
async function reportHealth(): Promise<APIGatewayProxyStructuredResultV2> {
  const report = await healthReport(await getContext());
  return json(report.status === "failing" ? 503 : 200, report);
}

export const handler = lambda(reportHealth);
