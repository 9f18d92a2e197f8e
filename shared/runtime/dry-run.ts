import { AsyncLocalStorage } from "node:async_hooks";
import type { DryRunSkipped } from "../errors";
import { SyncLog, type SyncLogEntry } from "../store/sync-log";
import { logger } from "./logger";

/**
 * Test mode, as the worker runtime sees it. The HTTP adapters withhold writes (shared/http/dry-run.ts)
 * and report each here; the runtime opens a scope per message (or coalesced batch), so it knows
 * which message's work met a withheld write and settles it as `skipped` ("test mode: would ...")
 * with one sync log entry per write it would have made.
 */
export type WithheldWrite = DryRunSkipped["intent"];

const scope = new AsyncLocalStorage<WithheldWrite[]>();

/** The adapters' `onWithheldWrite`: the write joins the current message's scope. */
export function recordWithheldWrite(intent: WithheldWrite): void {
  const writes = scope.getStore();
  if (writes) writes.push(intent);
  // Outside a worker (a CLI, a job) there is no message to settle: the log line says it.
  else logger.info(`test mode: would ${intent.method} ${intent.path}`, { ...intent });
}

/** Runs `work` in a scope of its own; `writes` collects the writes withheld meanwhile. */
export function withWriteScope<T>(writes: WithheldWrite[], work: () => Promise<T>): Promise<T> {
  return scope.run(writes, work);
}

/** Whether the work running now has had a write withheld. */
export function writesWithheld(): boolean {
  return (scope.getStore()?.length ?? 0) > 0;
}

export function describeWrite(w: WithheldWrite): string {
  return `test mode: would ${w.method} ${w.path}${w.summary ? ` (${w.summary})` : ""}`;
}

/** The sync log entries of a message settled in test mode: one per write it would have made. */
export function withheldEntries(
  flow: SyncLogEntry["flow"],
  keys: string[],
  writes: WithheldWrite[],
): SyncLogEntry[] {
  const key = keys.join(", ").slice(0, 200) || "-";
  return writes.map((w) => ({
    flow,
    key,
    outcome: "skipped" as const,
    reason: describeWrite(w),
    details: { testMode: true, system: w.system, method: w.method, path: w.path, summary: w.summary },
  }));
}

/**
 * The sync log in test mode: a use-case that logs its own outcomes logs a withheld write's
 * consequence as `failed`; inside a scope that had a write withheld it is `skipped` (health and the
 * report count no error for what test mode held back).
 */
export class TestModeSyncLog extends SyncLog {
  override writeAll(entries: SyncLogEntry[]): Promise<void> {
    const held = writesWithheld();
    return super.writeAll(
      held
        ? entries.map((e) => (e.outcome === "failed" ? { ...e, outcome: "skipped" as const } : e))
        : entries,
    );
  }
}
