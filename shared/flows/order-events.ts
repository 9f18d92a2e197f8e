import * as z from "../validation";

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

/** An order event as its fields are typed: what every order message carries beside its `kind`. */
export type OrderEvent = z.infer<typeof orderEvent>;
const orderEvent = z.object(orderEventShape);
