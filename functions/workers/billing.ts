import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { paymentAccountFor } from "#shared/flows/billing/accounts";
import { ensureSalesInvoice } from "#shared/flows/billing/invoice";
import { BillingSync } from "#shared/flows/billing/sync";
import { type Core, perCore, rootContext } from "#shared/runtime/core";
import { lambda } from "#shared/runtime/lambda";
import { runPerSite } from "#shared/runtime/sites";
import { runPerRecord } from "#shared/runtime/worker";

export const billingSync = perCore(
  ({ erpnext, wix, state, log, settings }: Core) =>
    new BillingSync({
      erpnext,
      wix,
      state,
      log,
      settings: {
        ...settings.billing,
        company: settings.orders.company,
        submit: settings.orders.submit,
      },
    }),
);

/** What the refunds worker takes from billing: the order's Sales Invoice, made when missing. */
export const salesInvoiceOf = ({ erpnext, wix, state }: Core, orderId: string) =>
  ensureSalesInvoice({ erpnext, wix, state }, { orderId });
export { paymentAccountFor };

/** The billing worker's composition root. */
export const getContext = rootContext((core) => ({ billing: billingSync(core) }));
export type Context = Awaited<ReturnType<typeof getContext>>;

/**
 * Billing queue consumer: each message names a Wix order whose invoice and payments are brought
 * in line with Wix. Copies of a message find the work done (BillingSync reconciles the whole list),
 * so no event idempotency table is needed.
 */
async function syncBilling(event: SQSEvent): Promise<SQSBatchResponse> {
  return runPerSite("billing", event, async (siteEvent, site) => {
    const ctx = await getContext(site);
    return runPerRecord("billing", siteEvent, ctx, {
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
  });
}

export const handler = lambda(syncBilling);
