import { paymentAccountFor } from "../../flows/billing/accounts";
import { ensureSalesInvoice } from "../../flows/billing/invoice";
import { RefundSync } from "../../flows/refunds/sync";
import { type Core, perCore, rootContext } from "../core";

/**
 * The refunds use-case over the shared clients. A refund needs the order's Sales Invoice: the
 * billing flow's, made now when there is none yet (invoice-then-credit, see the README), except
 * when the shop does not invoice at all (INVOICE_ON=never: the refund is paid out unallocated) or
 * the order is canceled (not sold: the refund is paid out unallocated and its Sales Order cancelled).
 */
export const refundSync = perCore(
  ({ erpnext, wix, state, log, settings, queue }: Core) =>
    new RefundSync({
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
          return ensureSalesInvoice({ erpnext, wix, state }, { orderId });
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
    }),
);

/** The refunds worker's composition root. */
export const getContext = rootContext((core) => ({ refunds: refundSync(core) }));
export type Context = Awaited<ReturnType<typeof getContext>>;
