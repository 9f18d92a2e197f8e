import { BillingSync } from "../../flows/billing/sync";
import { type Core, perCore, rootContext } from "../core";

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

/** The billing worker's composition root. */
export const getContext = rootContext((core) => ({ billing: billingSync(core) }));
export type Context = Awaited<ReturnType<typeof getContext>>;
