import { errorMessage } from "../errors";
import type { FLOWS, FlowName } from "../flows/registry";
import { StatusBatch } from "../flows/status/batch";
import type { StatusPort, StatusUpdate } from "../flows/status/ports";
import type { StateStore } from "../store/state";
import type { Outcome, SyncLog } from "../store/sync-log";
import { writesWithheld } from "./dry-run";
import { logger, metrics } from "./logger";

/** Counts metrics (Powertools Metrics in both hosts; a fake in unit tests). */
export interface MetricsPort {
  addMetric(name: string, unit: "Count", value: number): void;
}

/** Where a worker's outcomes go: the sync log, the flow heartbeat and the metrics. */
export interface RecorderPorts {
  log: Pick<SyncLog, "writeAll">;
  state: Pick<StateStore, "markSuccess">;
  /** Defaults to the shared Powertools metrics, flushed once per invocation (shared/runtime/lambda.ts). */
  metrics?: MetricsPort;
  /** Where the batch's status goes in ERPNext; absent when WRITE_STATUS_TO_ERPNEXT is off. */
  status?: StatusPort;
}

/** The outcomes a flow counts: those of the sync log, and its own (`outcomes` in the registry). */
export type FlowOutcome<F extends FlowName> = Outcome | (typeof FLOWS)[F]["outcomes"][number];

type Level = "debug" | "info" | "error";

/** Outcomes that show no progress: they do not beat the flow's heartbeat. */
const NO_PROGRESS = new Set<string>(["failed", "replayed"]);

/**
 * Records what one batch of a flow's worker did, in one place: a log line and the
 * `<flow>_<outcome>` metric per outcome, a `failed` sync log entry for each key whose work failed
 * as a whole, and the flow's heartbeat (health reads it) once per batch when anything progressed.
 * The use-cases write the sync log entries of the work they did themselves.
 */
export class OutcomeRecorder<F extends FlowName> {
  private progressed = false;
  private readonly metrics: MetricsPort;
  private readonly statusBatch = new StatusBatch();

  constructor(
    readonly flow: F,
    private readonly ports: RecorderPorts,
  ) {
    this.metrics = ports.metrics ?? metrics;
  }

  /** One outcome (or `count` of them): logged at `level` (errors for failures) and counted. */
  outcome(
    outcome: FlowOutcome<F>,
    line: string,
    fields: Record<string, unknown> = {},
    opts: { count?: number; level?: Level } = {},
  ): void {
    // Test mode: what failed because a write was withheld is skipped, not an error.
    if (outcome === "failed" && writesWithheld()) outcome = "skipped";
    logger[opts.level ?? (outcome === "failed" ? "error" : "info")](line, fields);
    this.metrics.addMetric(`${this.flow}_${outcome}`, "Count", opts.count ?? 1);
    if (!NO_PROGRESS.has(outcome)) this.progressed = true;
  }

  /**
   * The work for these keys failed as a whole (an API unreachable, a refusal): each is in the sync
   * log with the reason, whether the message will be retried or parked. Best effort: the message's
   * fate does not hang on the log.
   */
  async failed(keys: string[], error: unknown): Promise<void> {
    const reason = errorMessage(error);
    await this.ports.log
      .writeAll(keys.map((key) => ({ flow: this.flow, key, outcome: "failed" as const, reason })))
      .catch(() => undefined);
  }

  /** Whether status is written to ERPNext (the worker skips computing it otherwise). */
  get writesStatus(): boolean {
    return this.ports.status !== undefined;
  }

  /** A document's status, written with the rest of the batch's by `flushStatus` (once per document). */
  status(update: StatusUpdate): void {
    if (this.ports.status) this.statusBatch.add(update);
  }

  /**
   * Writes the batch's status to ERPNext. Never fails the batch: what ERPNext refused (or a
   * failed call) is logged and counted (`<flow>_status_failed`), and written again by the
   * document's next outcome.
   */
  async flushStatus(): Promise<void> {
    if (!this.ports.status || !this.statusBatch.size) return;
    const { written, failed } = await this.statusBatch.flush(this.ports.status);
    if (written) this.metrics.addMetric(`${this.flow}_status_written`, "Count", written);
    if (failed.length) {
      this.metrics.addMetric(`${this.flow}_status_failed`, "Count", failed.length);
      logger.warn(`${this.flow}: could not write the status of ${failed.length} document(s) to ERPNext`, {
        failed: failed.slice(0, 20).map((f) => `${f.doctype} ${f.name}: ${f.reason}`),
      });
    }
  }

  /** The flow's heartbeat, once per batch, when any outcome showed progress. */
  async heartbeat(): Promise<void> {
    if (!this.progressed) return;
    await this.ports.state.markSuccess(this.flow).catch((error: unknown) => {
      // The work is done; a missed heartbeat only ages health until the next one.
      logger.warn(`${this.flow}: could not record the heartbeat`, { reason: errorMessage(error) });
    });
  }
}
