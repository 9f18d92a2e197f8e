import * as z from "../validation";
import type { WixEvent } from "./declaration";

/**
 * What every message about one Wix order carries (orders, billing, refunds): the order, where the
 * hint came from, and the Wix event it came with (id for idempotency, sequence for ordering).
 */
export const orderEventShape = {
  orderId: z.string().check(z.minLength(1)),
  source: z.string(),
  eventType: z.optional(z.string()),
  eventId: z.optional(z.string()),
  sequence: z.optional(z.number()),
  changedAt: z.optional(z.string()),
};

/** The fields of an order message that a Wix webhook event gives (the edge's `source` is "webhook"). */
export const orderEventOf = ({ orderId, eventType, eventId, sequence, eventTime }: WixEvent) => ({
  orderId,
  eventType,
  eventId,
  sequence,
  changedAt: eventTime,
  source: "webhook",
});

/**
 * Payment events of order transactions (@wix/auto_sdk_ecom_order-transactions index.typings.d.ts):
 * "a payment or refund is added, or a payment is updated"; the deprecated `updated` still comes.
 */
export const PAYMENT_EVENTS = [
  "wix.ecom.v1.order_transactions_details_updated",
  "wix.ecom.v1.order_transactions_updated",
] as const;
/** The order's payment status changed (@wix/auto_sdk_ecom_orders index.typings.d.ts `onOrderPaymentStatusUpdated`). */
export const PAYMENT_STATUS_UPDATED = "wix.ecom.v1.order_payment_status_updated";

/** An order event as its fields are typed: what every order message carries beside its `kind`. */
export type OrderEvent = z.infer<typeof orderEvent>;
const orderEvent = z.object(orderEventShape);
