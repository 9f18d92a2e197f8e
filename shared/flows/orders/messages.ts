import * as z from "../../validation";

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

export const ordersMessage = z.object({
  kind: z.literal("order"),
  ...orderEventShape,
  /** Set by a person's redrive: try an order parked for this same Wix state again. */
  retryParked: z.optional(z.boolean()),
});
export type OrdersMessage = z.infer<typeof ordersMessage>;
