import * as z from "../../validation";

export const ordersMessage = z.object({
  kind: z.literal("order"),
  orderId: z.string().check(z.minLength(1)),
  source: z.string(),
  eventType: z.optional(z.string()),
  eventId: z.optional(z.string()),
  sequence: z.optional(z.number()),
  changedAt: z.optional(z.string()),
  /** Set by a person's redrive: try an order parked for this same Wix state again. */
  retryParked: z.optional(z.boolean()),
});
export type OrdersMessage = z.infer<typeof ordersMessage>;
