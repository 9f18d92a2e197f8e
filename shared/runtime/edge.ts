import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { errorMessage } from "../errors";
import { json } from "./http";
import { logger, metrics } from "./logger";

/** What a webhook's verification decided: refuse it, acknowledge and drop it, or queue work. */
type Refused = { status: 401 | 400; reason: string; metric?: string };
type Ignored = { status: 200; ignored: string };

/**
 * The one answer policy of both webhook edges: 401/400 with a JSON reason for bad input, 200 for
 * events we do not sync (so the sender stops retrying), 200 once queued, and 503 only when the
 * queue itself is unavailable (so the sender tries again).
 */
export async function answer<V extends { status: number }>(
  system: string,
  verdict: V,
  enqueue: (work: Exclude<V, Refused | Ignored>) => Promise<string>,
): Promise<APIGatewayProxyStructuredResultV2> {
  if ("reason" in verdict) {
    const { status, reason, metric } = verdict as unknown as Refused;
    logger.warn(`${system} webhook rejected`, { status, reason });
    metrics.addMetric("WebhooksRejected", "Count", 1);
    if (metric) metrics.addMetric(metric, "Count", 1); // a refusal worth its own count

    return json(status, { error: reason });
  }
  if ("ignored" in verdict) {
    const { ignored } = verdict as unknown as Ignored;
    logger.info(`${system} webhook ignored`, { reason: ignored });
    return json(200, { ok: true, ignored });
  }
  let queued: string;
  try {
    queued = await enqueue(verdict as Exclude<V, Refused | Ignored>);
  } catch (error) {
    logger.error(`could not enqueue ${system} webhook`, { reason: errorMessage(error) });
    return json(503, { error: "temporarily unable to accept the webhook" });
  }
  logger.info(`${system} webhook queued: ${queued}`);
  metrics.addMetric("WebhooksReceived", "Count", 1);
  return json(200, { ok: true, queued });
}
