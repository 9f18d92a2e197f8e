import * as z from "../../validation";

/**
 * The shipments queue: a Delivery Note to push to Wix (ERPNext webhook, catch-up job), or a Wix
 * order whose fulfillments to bring into ERPNext (fulfillments_updated, FULFILMENT_SOURCE=wix).
 * Both name the thing only: the worker re-reads it, so duplicates and old events are harmless.
 */
export const shipmentsMessage = z.union([
  z.object({
    kind: z.literal("delivery-note"),
    name: z.string().check(z.minLength(1)),
    source: z.string(),
    changedAt: z.optional(z.string()),
  }),
  z.object({
    kind: z.literal("fulfillments"),
    orderId: z.string().check(z.minLength(1)),
    source: z.string(),
    eventId: z.optional(z.string()),
    changedAt: z.optional(z.string()),
  }),
]);
export type ShipmentsMessage = z.infer<typeof shipmentsMessage>;

/** The sync log key and the lane of a message: the Delivery Note, or the Wix order. */
export const subjectOf = (m: ShipmentsMessage): string => (m.kind === "delivery-note" ? m.name : m.orderId);
