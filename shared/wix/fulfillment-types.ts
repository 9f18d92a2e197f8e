import type {
  CreateFulfillmentRequestOriginal,
  CreateFulfillmentResponseOriginal,
  DeleteFulfillmentResponseOriginal,
  FulfillmentOriginal,
  ListFulfillmentsForMultipleOrdersRequestOriginal,
  ListFulfillmentsForMultipleOrdersResponseOriginal,
  OrderWithFulfillmentsOriginal,
  UpdateFulfillmentRequestOriginal,
  UpdateFulfillmentResponseOriginal,
} from "@wix/auto_sdk_ecom_order-fulfillments/meta";
import type { Wire } from "./types";

/**
 * Order fulfillments on the wire, from the official SDK's types
 * (@wix/auto_sdk_ecom_order-fulfillments/meta): a wrong field name fails `tsc`. Type-only imports,
 * so no bundle grows.
 */
export type WixFulfillment = Wire<FulfillmentOriginal>;
export type WixOrderWithFulfillments = Wire<OrderWithFulfillmentsOriginal>;
export type WixFulfillmentLine = NonNullable<WixFulfillment["lineItems"]>[number];
export type WixTrackingInfo = NonNullable<WixFulfillment["trackingInfo"]>;

/** Request bodies: the path parameters (orderId, fulfillment.id) travel in the path, not the body. */
export type ListFulfillmentsBody = ListFulfillmentsForMultipleOrdersRequestOriginal;
export type CreateFulfillmentBody = Omit<Wire<CreateFulfillmentRequestOriginal>, "orderId">;
export type UpdateFulfillmentBody = Omit<Wire<UpdateFulfillmentRequestOriginal>, "orderId"> & {
  /** Serialized by the SDK's request builder (`paths: [{path: "fieldMask"}]`, index.js). */
  fieldMask?: string;
};
export type ListFulfillmentsResponse = Wire<ListFulfillmentsForMultipleOrdersResponseOriginal>;
export type CreateFulfillmentResponse = Wire<CreateFulfillmentResponseOriginal>;
export type UpdateFulfillmentResponse = Wire<UpdateFulfillmentResponseOriginal>;
export type DeleteFulfillmentResponse = Wire<DeleteFulfillmentResponseOriginal>;
