/**
 * Every scheduled job, once, for both hosts: EventBridge rules in AWS and timers in the local host
 * read this list. `rate` is an EventBridge rate expression; `everyMs` is the same interval.
 */
import { type JobDefinition, MINUTE } from "../flows/declaration";
import { FLOW_NAMES, FLOWS, type FlowName } from "../flows/registry";

export type { JobDefinition };

/** Jobs of the integration as a whole; each flow's own jobs are in its declaration (shared/flows/<flow>/flow.ts). */
export const OPS_JOBS = [
  {
    name: "dlq-redrive",
    description: "messages parked as retryable (an outage) back to their queue once both APIs answer",
    once: true,
    rate: "rate(15 minutes)",
    everyMs: 15 * MINUTE,
  },
  {
    name: "health-check",
    description: "reachability, queues, freshness",
    rate: "rate(1 day)",
    everyMs: 1440 * MINUTE,
  },
  {
    name: "weekly-report",
    description: "counts, errors, drift, latency",
    rate: "rate(7 days)",
    everyMs: 7 * 1440 * MINUTE,
  },
  {
    name: "monthly-audit",
    description: "the previous month's Wix orders compared with ERPNext, to the cent; stored for the report",
    // 04:00 UTC on the 1st (EventBridge cron: minutes hours day-of-month month day-of-week year).
    rate: "cron(0 4 1 * ? *)",
    // Local timers cannot say "the 1st": every 24 days, the longest a Node timer waits (2^31-1 ms).
    // It audits the previous calendar month whenever it runs; a repeated run is harmless.
    everyMs: 24 * 1440 * MINUTE,
  },
] as const satisfies readonly JobDefinition[];

/** What a run by hand may add to a job: the audit's period (YYYY-MM-DD, UTC days). */
export interface JobInput {
  from?: string;
  to?: string;
  /** Only this Wix site (a job that runs per site; default every site). */
  site?: string;
}

export type JobName = (typeof FLOWS)[FlowName]["jobs"][number]["name"] | (typeof OPS_JOBS)[number]["name"];
export type JobOf<F extends FlowName> = (typeof FLOWS)[F]["jobs"][number]["name"];

export const JOBS = [
  ...FLOW_NAMES.flatMap((f): readonly JobDefinition[] => FLOWS[f].jobs),
  ...OPS_JOBS,
] as readonly (JobDefinition & { name: JobName })[];
export const JOB_NAMES: readonly JobName[] = JOBS.map((j) => j.name);

export function isJobName(name: string): name is JobName {
  return (JOB_NAMES as readonly string[]).includes(name);
}

/** "30s", "5m", "2h", "1d" or plain milliseconds. */
export function parseInterval(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: MINUTE, h: 60 * MINUTE, d: 1440 * MINUTE }[
    (m[2] ?? "ms").toLowerCase() as "ms"
  ];
  return Number(m[1]) * unit;
}

/** JOB_ORDER_POLL_EVERY=30s overrides the order-poll interval locally. */
export function intervalOverrides(env: Record<string, string | undefined>): {
  intervals: Partial<Record<JobName, number>>;
  problems: string[];
} {
  const intervals: Partial<Record<JobName, number>> = {};
  const problems: string[] = [];
  for (const job of JOBS) {
    const key = `JOB_${job.name.toUpperCase().replace(/-/g, "_")}_EVERY`;
    const value = env[key];
    if (value === undefined || value === "") continue;
    const ms = parseInterval(value);
    if (ms === undefined || ms < 1000)
      problems.push(`${key}: expected an interval like 30s, 5m or 1h (at least 1s), got "${value}"`);
    else intervals[job.name] = ms;
  }
  return { intervals, problems };
}
