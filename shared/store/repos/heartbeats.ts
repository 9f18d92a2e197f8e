import { keys } from "../keys";
import type { StateTable } from "../state-table";

export interface JobRun {
  at: string;
  ok: boolean;
  error?: string;
}

/** What health reads: each flow's last success and each scheduled job's last run. */
export class HeartbeatRepository {
  constructor(private readonly table: StateTable) {}

  markSuccess(flow: string, at = new Date()): Promise<void> {
    return this.table.put(keys.lastSuccess(flow), { at: at.toISOString() });
  }

  async lastSuccesses(): Promise<Record<string, string>> {
    const rows = await this.table.partition<{ sk: string; at: string }>(keys.lastSuccessPartition);
    return Object.fromEntries(rows.map((r) => [r.sk, r.at]));
  }

  /** The last run of each scheduled job: a job that keeps failing shows in health. */
  recordJobRun(job: string, run: JobRun): Promise<void> {
    return this.table.put(keys.jobRun(job), { ...run });
  }

  async jobRuns(): Promise<Record<string, JobRun>> {
    const rows = await this.table.partition<JobRun & { sk: string }>(keys.jobRunPartition);
    return Object.fromEntries(rows.map(({ sk, at, ok, error }) => [sk, { at, ok, error }]));
  }
}
