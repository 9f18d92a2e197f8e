import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { lambda } from "../../runtime/lambda";
import { getContext } from "../../runtime/roots/billing";
import { runPerRecord } from "../../runtime/worker";

/**
 * Billing queue consumer: each message names a Wix order whose invoice and payments are brought
 * in line with Wix. Copies of a message find the work done (BillingSync reconciles the whole list),
 * so no event idempotency table is needed.
 */
async function syncBilling(event: SQSEvent): Promise<SQSBatchResponse> {
  const ctx = await getContext();
  return runPerRecord("billing", event, ctx, {
    handle: async (message, record) => {
      const result = await ctx.billing.sync(message.orderId, message);
      record.outcome(result.outcome, `billing ${result.outcome}: ${message.orderId}`, {
        salesInvoice: result.salesInvoice,
        paymentEntries: result.paymentEntries.length ? result.paymentEntries : undefined,
        reason: result.reason,
        via: message.source,
      });
      return undefined;
    },
    failedKeys: (message) => [message.orderId],
    // Different orders run side by side; messages of the same order one after another.
    lane: (message) => ({ key: message.orderId, order: message.sequence ?? 0 }),
  });
}

export const handler = lambda(syncBilling);
