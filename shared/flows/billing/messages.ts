import * as z from "../../validation";
import { orderEventShape } from "../order-events";

/**
 * "Bring this order's invoice and payments in line with Wix": sent by the orders flow after it
 * creates a Sales Order or sees a payment, by the shipments flow after a Delivery Note
 * (`source: "shipment"`), and by Wix payment webhooks. Each message re-reads the order and its
 * transactions, so copies and their order do not matter.
 */
export const billingMessage = z.object({
  kind: z.literal("order-billing"),
  ...orderEventShape,
});
export type BillingMessage = z.infer<typeof billingMessage>;
