import type { ErpnextClient } from "../erpnext/client";
import { errorMessage, remoteAnswered } from "../errors";
import { FLOW_NAMES, FLOWS, type FlowName, QUEUES, type QueueName } from "../flows/registry";
import type { JobRun, StateStore } from "../store/state";
import type { SyncLogEntry } from "../store/sync-log";
import type { WixClient } from "../wix/client";
import { type CatalogProblem, catalogProblem } from "./catalog-check";

export type HealthStatus = "ok" | "degraded" | "failing";

export interface HealthReport {
  status: HealthStatus;
  /** `test` while DRY_RUN is on: both sides are read, no write is made (the sync log lists them). */
  mode: "live" | "test";
  checkedAt: string;
  erpnext: { reachable: boolean; authenticated: boolean; user?: string; error?: string };
  /** `catalogVersion`: V1_CATALOG or V3_CATALOG (both synced); `problem`: what stops the sync there. */
  wix: { reachable: boolean; catalogVersion?: string; problem?: CatalogProblem; error?: string };
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
  /** The site's Wix settings: a V1 site refuses WIX_LOCATION_ID. */
  settings?: { wix: { locationId?: string } };
  state: Pick<StateStore, "lastSuccesses" | "jobRuns">;
  log: { since(flow: string, since: Date, until?: Date): Promise<Pick<SyncLogEntry, "outcome">[]> };
  queueDepth: (queue: QueueName) => Promise<{ depth: number; inFlight: number; dlq: number }>;
  thresholds?: Partial<Record<FlowName, number>>;
  /** Test mode (DRY_RUN): reported as `mode: "test"`; not a problem in itself. */
  testMode?: boolean;
}

/** What health says of one Wix site: its Wix, its flows' freshness, its jobs and errors. */
export interface SiteHealth {
  status: HealthStatus;
  wix: HealthReport["wix"];
  flows: HealthReport["flows"];
  jobs: HealthReport["jobs"];
  errorsLast24h: number;
  problems: string[];
}

/**
 * Several sites on one ERPNext: ERPNext and the queues once (they are shared), each site under its
 * name; `status` is the worst, `failing` names the sites failing, and each problem its site.
 */
/** The metric of one site's failing health, with a `site` dimension (several sites; its alarm in infra/cdk/observability.ts). */
export const SITE_HEALTH_FAILING = "SiteHealthFailing";

export interface SitesHealthReport
  extends Pick<HealthReport, "status" | "mode" | "checkedAt" | "erpnext" | "queues" | "problems"> {
  sites: Record<string, SiteHealth>;
  failing: string[];
}

export type SiteHealthDeps = Pick<HealthDeps, "wix" | "settings" | "state" | "log" | "thresholds">;

/**
 * Both APIs reachable and authenticated, queues and DLQs, last success per flow, errors in the
 * last day. failing = an API is down or rejects us (503); degraded = DLQ not empty, a flow stale
 * or errors recorded (200). Never includes a credential.
 */
export async function checkHealth(deps: HealthDeps, now = new Date()): Promise<HealthReport> {
  const erpnext = await probeErpnext(deps.erpnext);
  const site = await siteParts(deps, now);
  const queues = await queueHealth(deps.queueDepth);
  const failing = [...erpnext.failing, ...site.failing, ...queues.failing];
  const problems = [...queues.problems, ...site.problems];
  return {
    ...shared(deps, now, statusOf(failing, problems), erpnext.erpnext, queues.queues),
    wix: site.wix,
    flows: site.flows,
    jobs: site.jobs,
    errorsLast24h: site.errorsLast24h,
    problems: [...failing, ...problems],
  };
}

/** The health of several sites: ERPNext and the queues checked once, each site's part beside. */
export async function checkSitesHealth(
  deps: Omit<HealthDeps, keyof SiteHealthDeps> & { sites: Record<string, SiteHealthDeps> },
  now = new Date(),
): Promise<SitesHealthReport> {
  const names = Object.keys(deps.sites);
  const [erpnext, queues, parts] = await Promise.all([
    probeErpnext(deps.erpnext),
    queueHealth(deps.queueDepth),
    Promise.all(names.map((name) => siteParts(deps.sites[name] as SiteHealthDeps, now))),
  ]);
  const sites: Record<string, SiteHealth> = {};
  const siteProblems: string[] = [];
  parts.forEach(({ failing, problems, ...part }, i) => {
    const name = names[i] as string;
    sites[name] = { status: statusOf(failing, problems), ...part, problems: [...failing, ...problems] };
    siteProblems.push(...sites[name].problems.map((p) => `site ${name}: ${p}`));
  });
  const failingSites = names.filter((n) => sites[n]?.status === "failing");
  const global = [...erpnext.failing, ...queues.failing];
  const status = statusOf([...global, ...failingSites], [...queues.problems, ...siteProblems]);
  return {
    ...shared(deps, now, status, erpnext.erpnext, queues.queues),
    sites,
    failing: failingSites,
    problems: [...global, ...queues.problems, ...siteProblems],
  };
}

/** failing = an API is down or rejects us; degraded = something needs a look. */
const statusOf = (failing: string[], problems: string[]): HealthStatus =>
  failing.length ? "failing" : problems.length ? "degraded" : "ok";

/** What one site's and several sites' reports both open with. */
function shared(
  deps: Pick<HealthDeps, "testMode">,
  now: Date,
  status: HealthStatus,
  erpnext: HealthReport["erpnext"],
  queues: HealthReport["queues"],
): Pick<HealthReport, "status" | "mode" | "checkedAt" | "erpnext" | "queues"> {
  return { status, mode: deps.testMode ? "test" : "live", checkedAt: now.toISOString(), erpnext, queues };
}

/** The queues and their DLQs (shared by every site): a DLQ not empty degrades, an unreadable queue fails. */
async function queueHealth(queueDepth: HealthDeps["queueDepth"]) {
  const failing: string[] = [];
  const problems: string[] = [];
  const queues = {} as HealthReport["queues"];
  for (const q of QUEUES) {
    try {
      const depth = await queueDepth(q);
      queues[q] = depth;
      if (depth.dlq > 0) problems.push(`${q}: ${depth.dlq} message(s) in the DLQ`);
    } catch (error) {
      queues[q] = { error: errorMessage(error) };
      failing.push(`queue ${q}: ${errorMessage(error)}`);
    }
  }
  return { queues, failing, problems };
}

/** One site's part: its Wix (failing when down), its flows' last success, its jobs, its errors. */
async function siteParts(deps: SiteHealthDeps, now: Date) {
  const problems: string[] = [];
  const { wix, failing } = await probeWix(deps.wix, deps.settings?.wix.locationId);

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
  return { wix, flows, jobs, errorsLast24h, failing, problems };
}

/** Both APIs answer and accept our credentials, each tried once (health, the dlq-redrive job). */
export async function probeApis(deps: Pick<HealthDeps, "erpnext" | "wix">): Promise<{
  erpnext: HealthReport["erpnext"];
  wix: HealthReport["wix"];
  failing: string[];
}> {
  const erpnext = await probeErpnext(deps.erpnext);
  const wix = await probeWix(deps.wix);
  return { erpnext: erpnext.erpnext, wix: wix.wix, failing: [...erpnext.failing, ...wix.failing] };
}

/** ERPNext answers and accepts our key, tried once. */
export async function probeErpnext(
  client: HealthDeps["erpnext"],
): Promise<{ erpnext: HealthReport["erpnext"]; failing: string[] }> {
  const erpnext: HealthReport["erpnext"] = { reachable: false, authenticated: false };
  try {
    erpnext.user = await client.whoAmI({ probe: true });
    erpnext.reachable = erpnext.authenticated = true;
    return { erpnext, failing: [] };
  } catch (error) {
    // Refused credentials still prove it is up: reachable, not authenticated.
    erpnext.reachable = remoteAnswered(error);
    erpnext.error = errorMessage(error);
    return { erpnext, failing: [`ERPNext: ${erpnext.error}`] };
  }
}

/**
 * A site's Wix answers, accepts its credentials and runs a catalog the sync serves (V1 or V3),
 * tried once; with the site's `locationId`, also that its catalog can honour it.
 */
export async function probeWix(
  client: HealthDeps["wix"],
  locationId?: string,
): Promise<{ wix: HealthReport["wix"]; failing: string[] }> {
  const wix: HealthReport["wix"] = { reachable: false };
  try {
    wix.catalogVersion = await client.catalogVersion({ probe: true });
    wix.reachable = true;
    wix.problem = catalogProblem(wix.catalogVersion, locationId);
    return { wix, failing: wix.problem ? [`Wix: ${wix.problem.what}`] : [] };
  } catch (error) {
    wix.error = errorMessage(error);
    return { wix, failing: [`Wix: ${wix.error}`] };
  }
}
