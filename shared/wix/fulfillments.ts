import { AlreadyExistsError, HttpError, NotFoundError } from "../errors";
import type { WixFulfillment, WixFulfillmentUpdate } from "../flows/wix-fulfillments";
import type { HttpClient } from "../http/client";
import type {
  CreateFulfillmentBody,
  CreateFulfillmentResponse,
  DeleteFulfillmentResponse,
  ListFulfillmentsBody,
  ListFulfillmentsResponse,
  UpdateFulfillmentBody,
  UpdateFulfillmentResponse,
} from "./fulfillment-types";

/**
 * Order fulfillments (@wix/auto_sdk_ecom_order-fulfillments, build/cjs/index.js request builders;
 * `/ecom/v1/fulfillments` on www.wixapis.com). Kept out of the class body's order code so the
 * shipments flow's calls stay together.
 */
export class WixFulfillments {
  constructor(private readonly http: HttpClient) {}

  /**
   * List Fulfillments For Multiple Orders: `POST /ecom/v1/fulfillments/list-by-ids {orderIds}`
   * (1..100 per call, `@maxSize 100` in meta.d.ts); every order asked for is in the answer map.
   */
  async orderFulfillments(orderIds: string[]): Promise<Map<string, WixFulfillment[]>> {
    const found = new Map<string, WixFulfillment[]>();
    const ids = [...new Set(orderIds)];
    for (let i = 0; i < ids.length; i += WIX_FULFILLMENT_ORDERS) {
      const res = await this.http.send<ListFulfillmentsResponse>({
        method: "POST",
        path: "/ecom/v1/fulfillments/list-by-ids",
        idempotent: true, // a read
        body: { orderIds: ids.slice(i, i + WIX_FULFILLMENT_ORDERS) } satisfies ListFulfillmentsBody,
      });
      for (const entry of res.body.ordersWithFulfillments ?? [])
        if (entry.orderId) found.set(entry.orderId, entry.fulfillments ?? []);
    }
    for (const id of ids) if (!found.has(id)) found.set(id, []);
    return found;
  }

  /**
   * Create Fulfillment: `POST /ecom/v1/fulfillments/orders/{orderId}/create-fulfillment
   * {fulfillment}`. A tracking number the order already has is `TRACKING_NUMBER_ALREADY_EXISTS`
   * (CreateFulfillmentApplicationErrors): AlreadyExistsError; an unknown order NotFoundError.
   */
  async createFulfillment(
    orderId: string,
    fulfillment: WixFulfillment,
  ): Promise<{ fulfillmentId: string; fulfillments: WixFulfillment[] }> {
    const res = await fulfillmentCall(() =>
      this.http.send<CreateFulfillmentResponse>({
        method: "POST",
        path: `/ecom/v1/fulfillments/orders/${encodeURIComponent(orderId)}/create-fulfillment`,
        // The SDK's request carries the order id in the body as well as the path (contract test).
        body: { orderId, fulfillment } satisfies CreateFulfillmentBody,
      }),
    );
    return {
      fulfillmentId: res.body.fulfillmentId ?? "",
      fulfillments: res.body.orderWithFulfillments?.fulfillments ?? [],
    };
  }

  /**
   * Update Fulfillment: `PATCH /ecom/v1/fulfillments/{fulfillment.id}/orders/{orderId}` with
   * `{fulfillment: {id, ...}, orderId}`, as the SDK's updateFulfillment sends it. Line items and
   * quantities cannot change (delete and create again); `null` clears a field.
   */
  async updateFulfillment(orderId: string, fulfillment: WixFulfillmentUpdate): Promise<WixFulfillment[]> {
    const res = await fulfillmentCall(() =>
      this.http.send<UpdateFulfillmentResponse>({
        method: "PATCH",
        path: `/ecom/v1/fulfillments/${encodeURIComponent(fulfillment.id)}/orders/${encodeURIComponent(orderId)}`,
        idempotent: true, // setting the same fields again changes nothing
        body: { fulfillment, orderId } satisfies UpdateFulfillmentBody,
      }),
    );
    return res.body.orderWithFulfillments?.fulfillments ?? [];
  }

  /** Delete Fulfillment: `DELETE /ecom/v1/fulfillments/{fulfillmentId}/orders/{orderId}`; gone: NotFoundError. */
  async deleteFulfillment(orderId: string, fulfillmentId: string): Promise<WixFulfillment[]> {
    const res = await fulfillmentCall(() =>
      this.http.send<DeleteFulfillmentResponse>({
        method: "DELETE",
        path: `/ecom/v1/fulfillments/${encodeURIComponent(fulfillmentId)}/orders/${encodeURIComponent(orderId)}`,
        idempotent: true,
      }),
    );
    return res.body.orderWithFulfillments?.fulfillments ?? [];
  }
}

/** Orders per List Fulfillments For Multiple Orders call (`orderIds @maxSize 100`, FUL meta.d.ts). */
export const WIX_FULFILLMENT_ORDERS = 100;

/** Transport failures of the fulfillment calls as the domain conditions the flow handles. */
async function fulfillmentCall<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof HttpError && error.details.code === "TRACKING_NUMBER_ALREADY_EXISTS")
      throw new AlreadyExistsError(error.message, error.details);
    if (error instanceof HttpError && error.status === 404)
      throw new NotFoundError(error.message, error.details);
    throw error;
  }
}
