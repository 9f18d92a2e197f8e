import * as z from "../../validation";

/**
 * "Reconcile this order's refunds": the worker re-reads the order's transactions and books every
 * completed refund not booked yet, so a duplicate, a late or an out-of-order message is harmless.
 */
export const refundsMessage = z.object({
  kind: z.literal("order-refunds"),
  orderId: z.string().check(z.minLength(1)),
  source: z.string(),
  eventType: z.optional(z.string()),
  eventId: z.optional(z.string()),
  sequence: z.optional(z.number()),
  changedAt: z.optional(z.string()),
  /** Set by a person's redrive: try a refund parked for this same Wix state again. */
  retryParked: z.optional(z.boolean()),
});
export type RefundsMessage = z.infer<typeof refundsMessage>;
