import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { errorMessage, PermanentError, RetryableError } from "../../errors";
import { lambda } from "../../runtime/lambda";
import { logger, metrics } from "../../runtime/logger";
import { getContext } from "../../runtime/roots/products";
import { runRecords } from "../../runtime/worker";

/** Products queue consumer: each message names up to 100 items to publish in bulk. */
async function syncProducts(event: SQSEvent): Promise<SQSBatchResponse> {
  const ctx = await getContext();
  const response = await runRecords("products", event, ctx.queue, async (batch) => {
    const errors = new Map<string, unknown>();
    for (const { record, message } of batch) {
      try {
        if (message.kind === "categories") {
          const { filed, failed } = await ctx.categories.file(message.group, message.itemCodes);
          logger.info(`category ${message.group}: ${filed} product(s) filed`);
          const reasons = failed.map((f) => `${f.itemCode}: ${f.reason}`).join("; ");
          // Filed products are done (a redelivery skips them). What Wix refused is retried, or
          // parked at once when Wix says retrying cannot help.
          if (failed.some((f) => f.retryable)) errors.set(record.messageId, new RetryableError(reasons));
          else if (failed.length)
            await ctx.queue.deadLetter(
              "products",
              JSON.stringify({ ...message, itemCodes: failed.map((f) => f.itemCode) }),
              reasons,
            );
          continue;
        }
        const priced = message.priceNames?.length
          ? await ctx.products.itemsForPrices(message.priceNames)
          : [];
        const codes = [...message.itemCodes, ...priced];
        if (!codes.length)
          logger.warn("Item Price not found and never published: nothing to do", { ...message });
        const results = codes.length
          ? await ctx.products.syncItems(codes, { changedAt: message.changedAt })
          : [];
        for (const r of results) {
          const line = `product ${r.outcome}: ${r.itemCode}`;
          if (r.outcome === "failed") logger.error(line, { reason: r.reason });
          else if (r.outcome === "skipped") logger.debug(line, { reason: r.reason });
          else logger.info(line, r.reason ? { reason: r.reason } : {});
          metrics.addMetric(`products_${r.outcome}`, "Count", 1);
        }
        const failed = results.filter((r) => r.outcome === "failed");
        const retry = failed.filter((r) => r.retryable);
        if (retry.length) {
          errors.set(
            record.messageId,
            new RetryableError(retry.map((r) => `${r.itemCode}: ${r.reason}`).join("; ")),
          );
        } else if (failed.length) {
          // The rest of the message is done; park only what Wix rejects, with its reasons.
          await ctx.queue.deadLetter(
            "products",
            JSON.stringify({ ...message, itemCodes: failed.map((r) => r.itemCode) }),
            failed.map((r) => `${r.itemCode}: ${r.reason}`).join("; "),
          );
        }
      } catch (error) {
        // The whole message failed (ERPNext or Wix unreachable, refused): every item it names is
        // in the sync log with the reason, whether it will be retried or parked.
        const reason = errorMessage(error);
        const entries = message.itemCodes.map((key) => ({
          flow: "products" as const,
          key,
          outcome: "failed" as const,
          reason,
        }));
        await ctx.log.writeAll(entries).catch(() => undefined);
        errors.set(record.messageId, error instanceof Error ? error : new PermanentError(String(error)));
      }
    }
    return errors;
  });
  return response;
}

export const handler = lambda(syncProducts);
