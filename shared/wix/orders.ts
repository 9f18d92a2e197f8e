import type {
  ListTransactionsForMultipleOrdersRequestOriginal,
  ListTransactionsForMultipleOrdersResponseOriginal,
  ListTransactionsForSingleOrderResponseOriginal,
} from "@wix/auto_sdk_ecom_order-transactions/meta";
import type {
  GetOrderResponseOriginal,
  OrderOriginal,
  SearchOrdersRequestOriginal,
  SearchOrdersResponseOriginal,
} from "@wix/auto_sdk_ecom_orders/meta";
import { HttpError } from "../errors";
import type { Wire, WixOrder, WixOrderTransactions, WixOrderTransactionsWire } from "../flows/wix-orders";
import type { HttpClient } from "../http/client";

/** eCommerce orders and their payments (@wix/auto_sdk_ecom_orders, order-transactions). */
export class WixOrders {
  constructor(private readonly http: HttpClient) {}

  /** Get Order: `GET /ecom/v1/orders/{id}` (@wix/auto_sdk_ecom_orders, getOrder). */
  async getOrder(id: string): Promise<WixOrder | undefined> {
    try {
      const res = await this.http.send<GetOrderResponse>({
        method: "GET",
        path: `/ecom/v1/orders/${encodeURIComponent(id)}`,
      });
      return res.body.order;
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * The payments and refunds of each order, by order id (@wix/auto_sdk_ecom_order-transactions):
   * one order is `GET /ecom/v1/payments/orders/{orderId}` (listTransactionsForSingleOrder), more
   * are `POST /ecom/v1/payments/list-by-ids` in batches of 100 ids (listTransactionsForMultipleOrders,
   * `orderIds` @minSize 1 @maxSize 100). An order Wix does not know is left out of the map.
   */
  async orderTransactions(orderIds: string[]): Promise<Map<string, WixOrderTransactions>> {
    const ids = [...new Set(orderIds)];
    const found = new Map<string, WixOrderTransactions>();
    const keep = (tx: WixOrderTransactionsWire | undefined, fallbackId?: string) => {
      const orderId = tx?.orderId ?? fallbackId;
      if (!tx || !orderId) return;
      found.set(orderId, { orderId, payments: tx.payments ?? [], refunds: tx.refunds ?? [] });
    };
    if (ids.length === 1) {
      const [orderId] = ids as [string];
      try {
        const res = await this.http.send<Wire<ListTransactionsForSingleOrderResponseOriginal>>({
          method: "GET",
          path: `/ecom/v1/payments/orders/${encodeURIComponent(orderId)}`,
        });
        keep(res.body.orderTransactions, orderId);
      } catch (error) {
        if (!(error instanceof HttpError && error.status === 404)) throw error;
      }
      return found;
    }
    for (let i = 0; i < ids.length; i += WIX_TRANSACTIONS_BATCH) {
      const res = await this.http.send<Wire<ListTransactionsForMultipleOrdersResponseOriginal>>({
        method: "POST",
        path: "/ecom/v1/payments/list-by-ids",
        idempotent: true, // a read
        body: {
          orderIds: ids.slice(i, i + WIX_TRANSACTIONS_BATCH),
        } satisfies ListTransactionsForMultipleOrdersRequestOriginal,
      });
      for (const tx of res.body.orderTransactions ?? []) keep(tx);
    }
    return found;
  }

  /**
   * One page of orders updated since `since`, oldest first (Search Orders,
   * `POST /ecom/v1/orders/search`). The filter names every status on purpose: by default Search
   * Orders leaves PENDING and REJECTED orders out (doc comment of searchOrders in
   * @wix/auto_sdk_ecom_orders); INITIALIZED orders it never returns. `updatedDate` and `status`
   * are filterable and sortable (OrderSearchSpec, same package). The answer pages with
   * `metadata` (CursorPagingMetadata), not `pagingMetadata`.
   */
  async searchOrders(since: string, cursor?: string): Promise<{ orders: WixOrder[]; next?: string }> {
    const search: SearchOrdersRequestOriginal["search"] = cursor
      ? { cursorPaging: { limit: WIX_ORDER_PAGE, cursor } }
      : {
          filter: { updatedDate: { $gte: since }, status: { $in: [...SEARCHED_ORDER_STATUSES] } },
          sort: [{ fieldName: "updatedDate", order: "ASC" }],
          cursorPaging: { limit: WIX_ORDER_PAGE },
        };
    const res = await this.http.send<SearchOrdersResponse>({
      method: "POST",
      path: "/ecom/v1/orders/search",
      idempotent: true, // a read
      body: { search } satisfies SearchOrdersRequestOriginal,
    });
    const { orders, metadata } = res.body;
    return {
      orders: orders ?? [],
      next: metadata?.hasNext ? (metadata.cursors?.next ?? undefined) : undefined,
    };
  }
}

/** Orders per List Transactions For Multiple Orders call (`orderIds` @maxSize 100, TX meta.d.ts). */
export const WIX_TRANSACTIONS_BATCH = 100;

/** Search Orders' largest page (CursorPaging.limit: @max 100, @wix/auto_sdk_ecom_orders meta). */
export const WIX_ORDER_PAGE = 100;
/** Every status Search Orders can return (OrderStatus, less INITIALIZED which it never returns). */
export const SEARCHED_ORDER_STATUSES = [
  "APPROVED",
  "PENDING",
  "CANCELED",
  "REJECTED",
] as const satisfies Wire<OrderOriginal["status"]>[];

/** Answers as the SDK declares them, with our order shape (checked against `OrderOriginal` in shared/flows/wix-orders.ts). */
type GetOrderResponse = Omit<GetOrderResponseOriginal, "order"> & { order?: WixOrder };
type SearchOrdersResponse = Omit<Wire<SearchOrdersResponseOriginal>, "orders"> & { orders?: WixOrder[] };
