import * as z from "../../validation";
import { orderEventShape } from "../order-events";

export const ordersMessage = z.object({
  kind: z.literal("order"),
  ...orderEventShape,
  /** Set by a person's redrive: try an order parked for this same Wix state again. */
  retryParked: z.optional(z.boolean()),
});
export type OrdersMessage = z.infer<typeof ordersMessage>;
