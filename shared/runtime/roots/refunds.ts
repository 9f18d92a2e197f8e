import type { WixRefund } from "../../flows/refunds/mapping";
import { RefundSync } from "../../flows/refunds/sync";
import { type Core, perCore, rootContext } from "../core";

/** The refunds use-case over the shared clients; the invoice comes from the billing flow. */
export const refundSync = perCore(
  ({ erpnext, wix, state, log, settings }: Core) =>
    new RefundSync({
      erpnext,
      wix: {
        getOrder: (id) => wix.getOrder(id),
        orderRefunds: async (orderId): Promise<WixRefund[]> => {
          const found = await wix.orderTransactions([orderId]);
          return found.get(orderId)?.refunds ?? [];
        },
      },
      invoices: {
        invoiceFor: async (orderId) => {
          const record = await state.getOrder(orderId);
          if (!record?.salesOrder) return undefined;
          const [si] = await erpnext.list<{ name: string }>("Sales Invoice", {
            fields: ["name"],
            filters: [
              ["po_no", "=", record.orderNumber],
              ["is_return", "=", 0],
              ["docstatus", "=", 1],
            ],
            pageLength: 1,
          });
          return si;
        },
      },
      state,
      log,
      settings: {
        company: settings.orders.company,
        paymentAccount: settings.orders.paymentAccount,
        returnWarehouse: settings.refunds.returnWarehouse,
      },
    }),
);

/** The refunds worker's composition root. */
export const getContext = rootContext((core) => ({ refunds: refundSync(core) }));
export type Context = Awaited<ReturnType<typeof getContext>>;
