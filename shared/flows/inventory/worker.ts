import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { RetryableError } from "../../errors";
import { lambda } from "../../runtime/lambda";
import { logger, metrics } from "../../runtime/logger";
import { getContext } from "../../runtime/roots/inventory";
import { runRecords } from "../../runtime/worker";

/**
 * Inventory queue consumer. Hints for the same items coalesce: the whole batch becomes one
 * re-read of the Bins and one bulk push.
 */
async function syncInventory(event: SQSEvent): Promise<SQSBatchResponse> {
  const ctx = await getContext();
  const response = await runRecords("inventory", event, ctx.queue, async (batch) => {
    const errors = new Map<string, unknown>();
    try {
      const codes = new Set<string>();
      for (const { message } of batch) {
        for (const c of message.itemCodes) codes.add(c);
        if (message.ledgerEntries?.length)
          for (const c of await ctx.inventory.itemsForLedgerEntries(message.ledgerEntries)) codes.add(c);
      }
      const changedAt = batch
        .map((b) => b.message.changedAt)
        .filter(Boolean)
        .sort()[0];
      const source = batch.some((b) => b.message.source === "reconcile")
        ? "reconcile"
        : batch[0]?.message.source;
      const result = await ctx.inventory.syncItems([...codes], { changedAt, source });
      logger.info(
        `stock: ${result.pushed} pushed, ${result.created} created, ${result.unchanged} unchanged`,
        {
          items: codes.size,
          ...(result.drift.length ? { drift: result.drift.length } : {}),
        },
      );
      metrics.addMetric("inventory_pushed", "Count", result.pushed);
      if (result.failed.length) {
        const error = new RetryableError(result.failed.map((f) => `${f.itemCode}: ${f.reason}`).join("; "));
        for (const { record } of batch) errors.set(record.messageId, error);
      }
    } catch (error) {
      for (const { record } of batch) errors.set(record.messageId, error);
    }
    return errors;
  });
  return response;
}

export const handler = lambda(syncInventory);
