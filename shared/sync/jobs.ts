import type { ErpnextClient } from "../erpnext/client";
import { frappeTimeToIso } from "../erpnext/webhook";
import { type Enqueuer, QUEUES, type QueueName } from "../queue/messages";
import type { StateStore } from "../store/state";
import type { Flow, SyncLog, SyncLogEntry } from "../store/sync-log";
import type { WixClient } from "../wix/client";
import { modifiedSince } from "./catchup";
import { chunks } from "./concurrency";

/** Overlap re-read on each order poll: Wix search is eventually consistent around "now". */
export const ORDER_POLL_OVERLAP_MS = 5 * 60_000;

/** Wix orders updated since the watermark (minus an overlap), enqueued; watermark after enqueue. */
export async function orderPoll(deps: { wix: WixClient; state: StateStore; queue: Enqueuer }) {
  const startedAt = new Date().toISOString();
  const mark = await deps.state.getWatermark("order-poll");
  const since = mark
    ? new Date(Date.parse(mark) - ORDER_POLL_OVERLAP_MS).toISOString()
    : new Date(Date.now() - 7 * 86400_000).toISOString();
  let cursor: string | undefined;
  let enqueued = 0;
  do {
    const page = await deps.wix.searchOrders(since, cursor);
    // An order parked at this very version waits for a redrive or a change in Wix: re-sending it
    // on every pass would only park it again.
    const records = await deps.state.getOrders(page.orders.map((o) => o.id));
    const due = page.orders.filter((o) => {
      const record = records.get(o.id);
      return !(record?.state === "parked" && record.parkedFor === o.updatedDate);
    });
    if (due.length) {
      await deps.queue.send(
        "orders",
        due.map((o) => ({
          kind: "order" as const,
          orderId: o.id,
          source: "poll",
          changedAt: o.updatedDate,
        })),
      );
      enqueued += due.length;
    }
    if (page.orders.length) {
      await deps.state.advanceWatermark(
        "order-poll",
        page.orders[page.orders.length - 1]?.updatedDate as string,
      );
    }
    cursor = page.next;
  } while (cursor);
  // A complete pass covers everything up to its start (the overlap re-reads the edge next time).
  await deps.state.advanceWatermark("order-poll", startedAt);
  // The safety net ran: a quiet store is not a stale flow.
  await deps.state.markSuccess("orders");
  return { enqueued, since };
}

/** Bins modified since the watermark: ERPNext fires no webhook for them. */
export async function inventoryDelta(deps: { erpnext: ErpnextClient; state: StateStore; queue: Enqueuer }) {
  let enqueued = 0;
  for await (const rows of modifiedSince<{ item_code: string; modified: string }>(
    deps,
    "Bin",
    "inventory-delta",
    ["item_code"],
    1000,
  )) {
    const codes = [...new Set(rows.map((r) => r.item_code))];
    const changedAt = frappeTimeToIso(rows[rows.length - 1]?.modified);
    await deps.queue.send("inventory", [{ kind: "stock", itemCodes: codes, source: "delta", changedAt }]);
    enqueued += codes.length;
  }
  await deps.state.markSuccess("inventory");
  return { enqueued };
}

/** Every published item, in pages of 1000, compared with Wix by the inventory worker. */
export async function inventoryReconcile(deps: { state: StateStore; queue: Enqueuer }) {
  let enqueued = 0;
  for await (const page of deps.state.allMappings(1000)) {
    const codes = page.filter((m) => !m.hidden).map((m) => m.itemCode);
    for (const chunk of chunks(codes, 1000)) {
      await deps.queue.send("inventory", [{ kind: "stock", itemCodes: chunk, source: "reconcile" }]);
      enqueued += chunk.length;
    }
  }
  return { enqueued };
}

export interface WeeklyReport {
  from: string;
  to: string;
  flows: Record<Flow, { outcomes: Record<string, number>; p95LatencyMs?: number }>;
  topErrors: { reason: string; count: number }[];
  drift: { runs: number; itemsOff: number; unitsOff: number };
  dlq: Record<QueueName, { parked: number; reasons: { reason: string; count: number }[] }>;
}

/** Counts per flow and outcome, top errors, drift fixed and p95 latency over the last 7 days. */
export async function weeklyReport(
  log: SyncLog,
  dlq: (queue: QueueName) => Promise<WeeklyReport["dlq"][QueueName]>,
  now = new Date(),
): Promise<WeeklyReport> {
  const from = new Date(now.getTime() - 7 * 86400_000);
  const flows = {} as WeeklyReport["flows"];
  const errors = new Map<string, number>();
  const drift = { runs: 0, itemsOff: 0, unitsOff: 0 };
  for (const flow of ["products", "inventory", "orders"] as Flow[]) {
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
    from: from.toISOString(),
    to: now.toISOString(),
    flows,
    topErrors,
    drift,
    dlq: parked as WeeklyReport["dlq"],
  };
}
