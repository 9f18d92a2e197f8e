import type { FlowHeartbeat, Watermarks, WorkQueue } from "../job-ports";
import { ordersUpdatedSince } from "../modified-since";
import type { OrderEvent } from "../order-events";
import type { OrderRecord } from "../records";
import type { WixOrderSearch } from "../wix-orders";
import type { OrdersMessage } from "./messages";

export interface OrderPollDeps {
  wix: WixOrderSearch;
  state: Watermarks & FlowHeartbeat & { getOrders(orderIds: string[]): Promise<Map<string, OrderRecord>> };
  /** The refunds flow's queue too: its message is the order event (shared/flows/order-events.ts). */
  queue: WorkQueue<"orders", OrdersMessage> & WorkQueue<"refunds", OrderEvent & { kind: "order-refunds" }>;
}

/** Wix orders updated since the watermark (minus an overlap), enqueued; watermark after enqueue. */
export async function orderPoll(deps: OrderPollDeps) {
  let since = "";
  let enqueued = 0;
  let refundsEnqueued = 0;
  for await (const page of ordersUpdatedSince(deps, "order-poll")) {
    since = page.since;
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
  }
  // The safety net ran: a quiet store is not a stale flow.
  await deps.state.markSuccess("orders");
  return { enqueued, refundsEnqueued, since };
}
