import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { lambda } from "../../runtime/lambda";
import { type Context, getContext } from "../../runtime/roots/refunds";
import { runPerRecord } from "../../runtime/worker";

/**
 * Refunds queue consumer: each message names a Wix order whose refunds to reconcile. Duplicates
 * need no event idempotency table: the sync re-reads the order's transactions and books only what
 * is missing, under a lease on the order.
 */
async function syncRefunds(event: SQSEvent): Promise<SQSBatchResponse> {
  const ctx: Context = await getContext();
  return runPerRecord("refunds", event, ctx, {
    handle: async (message, record) => {
      const result = await ctx.refunds.sync(message.orderId, message);
      // A refund that cannot be booked throws (PermanentError): the message is parked with the reason.
      record.outcome(result.outcome, `refunds ${result.outcome}: ${message.orderId}`, {
        reason: result.reason,
        via: message.source,
      });
      return undefined;
    },
    failedKeys: (message) => [message.orderId],
    // Messages of one order run one after another; different orders side by side.
    lane: (message) => ({ key: message.orderId, order: message.sequence ?? 0 }),
  });
}

export const handler = lambda(syncRefunds);
