import * as z from "../../validation";
import { orderEventShape } from "../order-events";

/**
 * "Reconcile this order's refunds": the worker re-reads the order's transactions and books every
 * completed refund not booked yet, so a duplicate, a late or an out-of-order message is harmless.
 */
export const refundsMessage = z.object({
  kind: z.literal("order-refunds"),
  ...orderEventShape,
  /** Set by a person's redrive: try a refund parked for this same Wix state again. */
  retryParked: z.optional(z.boolean()),
});
export type RefundsMessage = z.infer<typeof refundsMessage>;
