import type { Enqueuer } from "../../queue/messages";
import type { StateStore } from "../../store/state";
import type { WixClient } from "../../wix/client";

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
  let refundsEnqueued = 0;
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
    // Refunded orders (ORD PaymentStatus PARTIALLY_REFUNDED / FULLY_REFUNDED) changed since the last
    // pass: the refunds flow books whatever refund of theirs is not booked yet (a lost event).
    const refunded = page.orders.filter(
      (o) => o.paymentStatus === "PARTIALLY_REFUNDED" || o.paymentStatus === "FULLY_REFUNDED",
    );
    if (refunded.length) {
      await deps.queue.send(
        "refunds",
        refunded.map((o) => ({
          kind: "order-refunds" as const,
          orderId: o.id,
          source: "poll",
          changedAt: o.updatedDate,
        })),
      );
      refundsEnqueued += refunded.length;
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
  return { enqueued, refundsEnqueued, since };
}
