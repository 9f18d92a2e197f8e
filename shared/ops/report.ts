import { FLOW_NAMES, QUEUES, type QueueName } from "../flows/registry";
import type { Flow, SyncLog, SyncLogEntry } from "../store/sync-log";
import type { AuditSummary } from "./audit/run";

export interface WeeklyReport {
  /** `test` while DRY_RUN is on: the week's writes were logged, not made. */
  mode: "live" | "test";
  from: string;
  to: string;
  flows: Record<Flow, { outcomes: Record<string, number>; p95LatencyMs?: number }>;
  topErrors: { reason: string; count: number }[];
  drift: { runs: number; itemsOff: number; unitsOff: number };
  dlq: Record<QueueName, { parked: number; reasons: { reason: string; count: number }[] }>;
  /** The latest monthly audit's summary (null: none has run yet); added by the job. */
  audit?: AuditSummary | null;
}

/** Counts per flow and outcome, top errors, drift fixed and p95 latency over the last 7 days. */
export async function weeklyReport(
  log: SyncLog,
  dlq: (queue: QueueName) => Promise<WeeklyReport["dlq"][QueueName]>,
  now = new Date(),
  options: { testMode?: boolean } = {},
): Promise<WeeklyReport> {
  const from = new Date(now.getTime() - 7 * 86400_000);
  const flows = {} as WeeklyReport["flows"];
  const errors = new Map<string, number>();
  const drift = { runs: 0, itemsOff: 0, unitsOff: 0 };
  for (const flow of FLOW_NAMES) {
    const entries: SyncLogEntry[] = await log.since(flow, from, now);
    const outcomes: Record<string, number> = {};
    for (const e of entries) {
      outcomes[e.outcome] = (outcomes[e.outcome] ?? 0) + 1;
      if ((e.outcome === "failed" || e.outcome === "parked") && e.reason) {
        const reason = e.reason.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "<id>").slice(0, 200);
        errors.set(reason, (errors.get(reason) ?? 0) + 1);
      }
      const d = e.details as { drift?: number; driftUnits?: number } | undefined;
      if (e.key === "reconcile" && d?.drift) {
        drift.runs++;
        drift.itemsOff += d.drift;
        drift.unitsOff += d.driftUnits ?? 0;
      }
    }
    const latencies = entries
      .map((e) => e.latencyMs)
      .filter((l): l is number => typeof l === "number")
      .sort((a, b) => a - b);
    flows[flow] = {
      outcomes,
      p95LatencyMs: latencies.length
        ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))]
        : undefined,
    };
  }
  const topErrors = [...errors]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([reason, count]) => ({ reason, count }));
  const parked = Object.fromEntries(await Promise.all(QUEUES.map(async (q) => [q, await dlq(q)] as const)));
  return {
    mode: options.testMode ? "test" : "live",
    from: from.toISOString(),
    to: now.toISOString(),
    flows,
    topErrors,
    drift,
    dlq: parked as WeeklyReport["dlq"],
  };
}
