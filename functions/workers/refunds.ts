import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { RefundSync } from "#shared/flows/refunds/sync";
import { type Core, perCore, rootContext } from "#shared/runtime/core";
import { lambda } from "#shared/runtime/lambda";
import { runPerSite } from "#shared/runtime/sites";
import { runPerRecord } from "#shared/runtime/worker";
import { paymentAccountFor, salesInvoiceOf } from "./billing";

/**
 * The refunds use-case over the shared clients. A refund needs the order's Sales Invoice: the
 * billing flow's, made now when there is none yet (invoice-then-credit, see the README), except
 * when the shop does not invoice at all (INVOICE_ON=never: the refund is paid out unallocated) or
 * the order is canceled (not sold: the refund is paid out unallocated and its Sales Order cancelled).
 */
export const refundSync = perCore((core: Core) => {
  const { erpnext, wix, state, log, settings, queue } = core;
  return new RefundSync({
    erpnext,
    wix: {
      getOrder: (id) => wix.getOrder(id),
      orderTransactions: async (orderId) => {
        const found = (await wix.orderTransactions([orderId])).get(orderId);
        return { refunds: found?.refunds ?? [], payments: found?.payments ?? [] };
      },
    },
    invoices: {
      invoiceFor: async (orderId, { make }) => {
        if (settings.billing.invoiceOn === "never") return undefined;
        // Not to be made: only one made already (or being made) by the billing flow.
        if (!make && !(await state.billing.getInvoice(orderId))) return undefined;
        return salesInvoiceOf(core, orderId);
      },
    },
    onCanceledRefunded: (orderId) => queue.send("orders", [{ kind: "order", orderId, source: "refunds" }]),
    state,
    log,
    settings: {
      company: settings.orders.company,
      paymentAccount: settings.orders.paymentAccount,
      paymentAccountFor: (payment) => paymentAccountFor(payment, settings.billing),
      returnWarehouse: settings.refunds.returnWarehouse,
    },
  });
});

/** The refunds worker's composition root. */
export const getContext = rootContext((core) => ({ refunds: refundSync(core) }));
export type Context = Awaited<ReturnType<typeof getContext>>;

/**
 * Refunds queue consumer: each message names a Wix order whose refunds to reconcile. Duplicates
 * need no event idempotency table: the sync re-reads the order's transactions and books only what
 * is missing, under a lease on the order.
 */
async function syncRefunds(event: SQSEvent): Promise<SQSBatchResponse> {
  return runPerSite("refunds", event, async (siteEvent, site) => {
    const ctx: Context = await getContext(site);
    return runPerRecord("refunds", siteEvent, ctx, {
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
  });
}

export const handler = lambda(syncRefunds);
