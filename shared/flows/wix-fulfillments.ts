import type {
  FulfillmentOriginal,
  OrderWithFulfillmentsOriginal,
} from "@wix/auto_sdk_ecom_order-fulfillments/meta";
import type { Wire } from "./wix-orders";

/**
 * Order fulfillments on the wire as the shipments flow (and the audit) read them, from the official SDK's types
 * (@wix/auto_sdk_ecom_order-fulfillments/meta): a wrong field name fails `tsc`. Type-only imports,
 * so no bundle grows.
 */
export type WixFulfillment = Wire<FulfillmentOriginal>;
export type WixOrderWithFulfillments = Wire<OrderWithFulfillmentsOriginal>;
export type WixFulfillmentLine = NonNullable<WixFulfillment["lineItems"]>[number];
export type WixTrackingInfo = NonNullable<WixFulfillment["trackingInfo"]>;
/**
 * Update Fulfillment's changes: "To remove a field's value, pass `null`" (updateFulfillment doc,
 * @wix/auto_sdk_ecom_order-fulfillments index.typings.d.ts), which the SDK's types do not spell.
 */
export type WixFulfillmentUpdate = Omit<WixFulfillment, "trackingInfo"> & {
  id: string;
  trackingInfo?: WixTrackingInfo | null;
};
