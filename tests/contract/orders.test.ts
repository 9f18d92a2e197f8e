import { getOrder, searchOrders } from "@wix/auto_sdk_ecom_orders";
import type { OrderOriginal, SearchOrdersResponseOriginal } from "@wix/auto_sdk_ecom_orders/meta";
import type { Wire } from "#shared/flows/wix-orders";
import { SEARCHED_ORDER_STATUSES } from "#shared/wix/orders";
import { recordingWix, restMethod, sdkRequest } from "./wire";

/** An order as the SDK declares it on the wire (REST names, ISO dates), with an additional fee. */
const wireOrder: Wire<OrderOriginal> = {
  id: "5d0f8a5e-0d4c-4f0e-9a51-2a1f1c3b8e01",
  number: "10042",
  createdDate: "2026-11-20T10:00:00.000Z",
  updatedDate: "2026-11-20T10:05:00.000Z",
  status: "APPROVED",
  paymentStatus: "PAID",
  currency: "USD",
  taxIncludedInPrices: false,
  lineItems: [
    {
      id: "1c7a2d4e-0000-4000-8000-000000000001",
      productName: { original: "Mug" },
      catalogReference: { catalogItemId: "p1", appId: "215238eb-22a5-4c36-9e7b-e7c08025e04e" },
      quantity: 2,
      price: { amount: "10.00", formattedAmount: "$10.00" },
      physicalProperties: { sku: "MUG-1", shippable: true },
    },
  ],
  priceSummary: {
    subtotal: { amount: "20.00" },
    shipping: { amount: "4.95" },
    tax: { amount: "1.60" },
    discount: { amount: "0" },
    totalAdditionalFees: { amount: "2.50" },
    total: { amount: "29.05" },
  },
  additionalFees: [
    {
      id: "9b2e1f3a-0000-4000-8000-000000000002",
      name: "Handling",
      price: { amount: "2.50" },
      priceBeforeTax: { amount: "2.50" },
      source: "SERVICE_PLUGIN",
    },
  ],
};

describe("Wix orders: our requests equal the official SDK's", () => {
  test("Get Order: same path and method; the SDK's order shape parses", async () => {
    // prepare
    const wix = await recordingWix();
    wix.answer({ order: wireOrder });
    const id = wireOrder.id as string;
    // act
    const ours = await wix.client.getOrder(id);
    const sdk = await sdkRequest((http) => getOrder(http)(id), { order: wireOrder });
    await wix.close();
    // assess
    const [sent] = wix.requests;
    expect(sent?.method).toBe(restMethod(sdk));
    expect(sent?.path).toBe(sdk.path);
    expect(ours?.priceSummary.totalAdditionalFees?.amount).toBe("2.50");
    expect(ours?.additionalFees?.[0]?.priceBeforeTax?.amount).toBe("2.50");
  });

  test("Get Order: an id from a webhook is one path segment, whatever it holds", async () => {
    // prepare
    const wix = await recordingWix();
    wix.answer({ order: wireOrder });
    // act
    await wix.client.getOrder("../../stores/v3/products/x?y=1#z");
    await wix.close();
    // assess
    expect(wix.requests[0]?.path).toBe("/ecom/v1/orders/..%2F..%2Fstores%2Fv3%2Fproducts%2Fx%3Fy%3D1%23z");
  });

  test("Search Orders, first page: same path, method and body (every status named)", async () => {
    // prepare
    const wix = await recordingWix();
    const since = "2026-11-20T00:00:00.000Z";
    const answer: Wire<SearchOrdersResponseOriginal> = {
      orders: [wireOrder],
      metadata: { count: 1, cursors: { next: "CURSOR-2" }, hasNext: true },
    };
    wix.answer(answer);
    // act
    const page = await wix.client.searchOrders(since);
    const sdk = await sdkRequest(
      (http) =>
        searchOrders(http)({
          filter: { _updatedDate: { $gte: new Date(since) }, status: { $in: [...SEARCHED_ORDER_STATUSES] } },
          sort: [{ fieldName: "_updatedDate", order: "ASC" }],
          cursorPaging: { limit: 100 },
        }),
      answer,
    );
    await wix.close();
    // assess
    const [sent] = wix.requests;
    expect(sent?.method).toBe(restMethod(sdk));
    expect(sent?.path).toBe(sdk.path);
    // The SDK hands its http client a Date; JSON puts an ISO string on the wire.
    expect(sent?.body).toEqual(JSON.parse(JSON.stringify(sdk.body)));
    expect(page.orders.map((o) => o.number)).toEqual(["10042"]);
    expect(page.next).toBe("CURSOR-2");
  });

  test("Search Orders, cursor page: only the cursor; the last page has no next", async () => {
    // prepare
    const wix = await recordingWix();
    const answer: Wire<SearchOrdersResponseOriginal> = {
      orders: [],
      metadata: { count: 0, cursors: {}, hasNext: false },
    };
    wix.answer(answer);
    // act
    const page = await wix.client.searchOrders("2026-11-20T00:00:00.000Z", "CURSOR-2");
    const sdk = await sdkRequest(
      (http) => searchOrders(http)({ cursorPaging: { limit: 100, cursor: "CURSOR-2" } }),
      answer,
    );
    await wix.close();
    // assess
    const [sent] = wix.requests;
    expect(sent?.method).toBe(restMethod(sdk));
    expect(sent?.path).toBe(sdk.path);
    expect(sent?.body).toEqual(sdk.body);
    expect(page).toEqual({ orders: [], next: undefined });
  });
});
