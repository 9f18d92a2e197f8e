import type {
  CreateFulfillmentRequestOriginal,
  CreateFulfillmentResponseOriginal,
  DeleteFulfillmentResponseOriginal,
  ListFulfillmentsForMultipleOrdersRequestOriginal,
  ListFulfillmentsForMultipleOrdersResponseOriginal,
  UpdateFulfillmentRequestOriginal,
  UpdateFulfillmentResponseOriginal,
} from "@wix/auto_sdk_ecom_order-fulfillments/meta";
import type { WixFulfillmentUpdate } from "../flows/wix-fulfillments";
import type { Wire } from "../flows/wix-orders";

/**
 * Order fulfillment requests and answers on the wire, from the official SDK's types
 * (@wix/auto_sdk_ecom_order-fulfillments/meta); the fulfillment itself is the flows'
 * (shared/flows/wix-fulfillments.ts).
 */
/** Request bodies: the SDK sends the path parameters (orderId) in the body too. */
export type ListFulfillmentsBody = ListFulfillmentsForMultipleOrdersRequestOriginal;
export type CreateFulfillmentBody = Wire<CreateFulfillmentRequestOriginal>;
export type UpdateFulfillmentBody = Omit<Wire<UpdateFulfillmentRequestOriginal>, "fulfillment"> & {
  fulfillment?: WixFulfillmentUpdate;
};
export type ListFulfillmentsResponse = Wire<ListFulfillmentsForMultipleOrdersResponseOriginal>;
export type CreateFulfillmentResponse = Wire<CreateFulfillmentResponseOriginal>;
export type UpdateFulfillmentResponse = Wire<UpdateFulfillmentResponseOriginal>;
export type DeleteFulfillmentResponse = Wire<DeleteFulfillmentResponseOriginal>;
