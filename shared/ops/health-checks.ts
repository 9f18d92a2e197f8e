import type { ErpnextClient } from "../erpnext/client";
import { errorMessage, remoteAnswered } from "../errors";
import { FLOW_NAMES, FLOWS, type FlowName, QUEUES, type QueueName } from "../flows/registry";
import type { JobRun, StateStore } from "../store/state";
import type { SyncLog } from "../store/sync-log";
import type { WixClient } from "../wix/client";

export type HealthStatus = "ok" | "degraded" | "failing";

export interface HealthReport {
  status: HealthStatus;
  /** `test` while DRY_RUN is on: both sides are read, no write is made (the sync log lists them). */
  mode: "live" | "test";
  checkedAt: string;
  erpnext: { reachable: boolean; authenticated: boolean; user?: string; error?: string };
  wix: { reachable: boolean; catalogVersion?: string; expected: "V3_CATALOG"; error?: string };
  queues: Record<QueueName, { depth: number; inFlight: number; dlq: number } | { error: string }>;
  flows: Record<
    FlowName,
    { lastSuccess?: string; ageSeconds?: number; thresholdSeconds: number; stale: boolean }
  >;
  /** The last run of each scheduled job that has run. */
  jobs: Record<string, JobRun>;
  errorsLast24h: number;
  problems: string[];
}

/** How old a flow's last success may be before health degrades (a day of no orders is normal). */
export const FLOW_THRESHOLDS_SECONDS = Object.fromEntries(
  FLOW_NAMES.map((f) => [f, FLOWS[f].healthThresholdSeconds]),
) as Record<FlowName, number>;

export interface HealthDeps {
  erpnext: Pick<ErpnextClient, "whoAmI">;
  wix: Pick<WixClient, "catalogVersion">;
  state: StateStore;
  log: SyncLog;
  queueDepth: (queue: QueueName) => Promise<{ depth: number; inFlight: number; dlq: number }>;
  thresholds?: Partial<Record<FlowName, number>>;
  /** Test mode (DRY_RUN): reported as `mode: "test"`; not a problem in itself. */
  testMode?: boolean;
}

/**
 * Both APIs reachable and authenticated, queues and DLQs, last success per flow, errors in the
 * last day. failing = an API is down or rejects us (503); degraded = DLQ not empty, a flow stale
 * or errors recorded (200). Never includes a credential.
 */
export async function checkHealth(deps: HealthDeps, now = new Date()): Promise<HealthReport> {
  const problems: string[] = [];
  const failing: string[] = [];

  const { erpnext, wix, failing: apiProblems } = await probeApis(deps);
  failing.push(...apiProblems);

  const queues = {} as HealthReport["queues"];
  for (const q of QUEUES) {
    try {
      const depth = await deps.queueDepth(q);
      queues[q] = depth;
      if (depth.dlq > 0) problems.push(`${q}: ${depth.dlq} message(s) in the DLQ`);
    } catch (error) {
      queues[q] = { error: errorMessage(error) };
      failing.push(`queue ${q}: ${errorMessage(error)}`);
    }
  }

  const successes = await deps.state.lastSuccesses();
  const flows = {} as HealthReport["flows"];
  for (const flow of Object.keys(FLOW_THRESHOLDS_SECONDS) as FlowName[]) {
    const thresholdSeconds = deps.thresholds?.[flow] ?? FLOW_THRESHOLDS_SECONDS[flow];
    const lastSuccess = successes[flow];
    const ageSeconds = lastSuccess ? Math.round((now.getTime() - Date.parse(lastSuccess)) / 1000) : undefined;
    // A flow that never ran yet (fresh install) is not stale; one that stopped is.
    const stale = ageSeconds !== undefined && ageSeconds > thresholdSeconds;
    if (stale) problems.push(`${flow}: last success ${ageSeconds}s ago (threshold ${thresholdSeconds}s)`);
    flows[flow] = { lastSuccess, ageSeconds, thresholdSeconds, stale };
  }

  const jobs = await deps.state.jobRuns();
  for (const [job, run] of Object.entries(jobs))
    if (!run.ok) problems.push(`job ${job} failed at ${run.at}: ${run.error ?? "unknown error"}`);

  let errorsLast24h = 0;
  const since = new Date(now.getTime() - 86400_000);
  for (const flow of Object.keys(FLOW_THRESHOLDS_SECONDS) as FlowName[]) {
    const entries = await deps.log.since(flow, since, now);
    errorsLast24h += entries.filter((e) => e.outcome === "failed" || e.outcome === "parked").length;
  }

  const status: HealthStatus = failing.length ? "failing" : problems.length ? "degraded" : "ok";
  return {
    status,
    mode: deps.testMode ? "test" : "live",
    checkedAt: now.toISOString(),
    erpnext,
    wix,
    queues,
    flows,
    jobs,
    errorsLast24h,
    problems: [...failing, ...problems],
  };
}

/** Both APIs answer and accept our credentials, each tried once (health, the dlq-redrive job). */
export async function probeApis(deps: Pick<HealthDeps, "erpnext" | "wix">): Promise<{
  erpnext: HealthReport["erpnext"];
  wix: HealthReport["wix"];
  failing: string[];
}> {
  const failing: string[] = [];
  const erpnext: HealthReport["erpnext"] = { reachable: false, authenticated: false };
  try {
    erpnext.user = await deps.erpnext.whoAmI({ probe: true });
    erpnext.reachable = erpnext.authenticated = true;
  } catch (error) {
    // Refused credentials still prove it is up: reachable, not authenticated.
    erpnext.reachable = remoteAnswered(error);
    erpnext.error = errorMessage(error);
    failing.push(`ERPNext: ${erpnext.error}`);
  }

  const wix: HealthReport["wix"] = { reachable: false, expected: "V3_CATALOG" };
  try {
    wix.catalogVersion = await deps.wix.catalogVersion({ probe: true });
    wix.reachable = true;
    if (wix.catalogVersion !== "V3_CATALOG")
      failing.push(`Wix: catalog ${wix.catalogVersion}, expected V3_CATALOG`);
  } catch (error) {
    wix.error = errorMessage(error);
    failing.push(`Wix: ${wix.error}`);
  }
  return { erpnext, wix, failing };
}
