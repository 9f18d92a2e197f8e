import { createServer } from "node:http";
import {
  createFulfillment,
  deleteFulfillment,
  listFulfillmentsForMultipleOrders,
  updateFulfillment,
} from "@wix/auto_sdk_ecom_order-fulfillments";
import type { OrderWithFulfillmentsOriginal } from "@wix/auto_sdk_ecom_order-fulfillments/meta";
import { AlreadyExistsError, NotFoundError } from "#shared/errors";
import type { Wire } from "#shared/flows/wix-orders";
import { WixClient } from "#shared/wix/client";
import { recordingWix, restMethod, sdkRequest } from "./wire";

const ORDER = "5d0f8a5e-0d4c-4f0e-9a51-2a1f1c3b8e01";
const LINE = "1c7a2d4e-0000-4000-8000-000000000001";
const FULFILLMENT = "7e3b9c1d-0000-4000-8000-000000000003";

/** An order's fulfillments as the SDK declares them on the wire (REST names, ISO dates). */
const wire: Wire<OrderWithFulfillmentsOriginal> = {
  orderId: ORDER,
  fulfillments: [
    {
      id: FULFILLMENT,
      createdDate: "2026-11-20T10:00:00.000Z",
      lineItems: [{ id: LINE, quantity: 2 }],
      trackingInfo: {
        trackingNumber: "1Z999",
        shippingProvider: "ups",
        trackingLink: "https://www.ups.com/track?tracknum=1Z999",
      },
    },
  ],
};

describe("Wix order fulfillments: our requests equal the official SDK's", () => {
  test("List Fulfillments For Multiple Orders: same call; the answer maps order id -> fulfillments", async () => {
    const wix = await recordingWix();
    wix.answer({ ordersWithFulfillments: [wire] });
    const ours = await wix.client.orderFulfillments([ORDER, "other-order"]);
    const sdk = await sdkRequest((http) => listFulfillmentsForMultipleOrders(http)([ORDER, "other-order"]));
    await wix.close();
    const [sent] = wix.requests;
    expect(sent?.method).toBe(restMethod(sdk));
    expect(sent?.path).toBe(sdk.path);
    expect(sent?.body).toEqual(sdk.body);
    expect(ours.get(ORDER)?.[0]?.lineItems).toEqual([{ id: LINE, quantity: 2 }]);
    // An order Wix answered nothing for has no fulfillments.
    expect(ours.get("other-order")).toEqual([]);
  });

  test("more than 100 orders go in calls of 100 (orderIds @maxSize 100)", async () => {
    const wix = await recordingWix();
    wix.answer({ ordersWithFulfillments: [] });
    const ids = Array.from({ length: 150 }, (_, i) => `order-${i}`);
    await wix.client.orderFulfillments(ids);
    await wix.close();
    expect(wix.requests.map((r) => (r.body as { orderIds: string[] }).orderIds.length)).toEqual([100, 50]);
  });

  test("Create Fulfillment: same path, method and body; the new id comes back", async () => {
    const wix = await recordingWix();
    wix.answer({ orderWithFulfillments: wire, fulfillmentId: FULFILLMENT });
    const fulfillment = {
      lineItems: [{ id: LINE, quantity: 2 }],
      trackingInfo: { trackingNumber: "1Z999", shippingProvider: "ups" },
    };
    const ours = await wix.client.createFulfillment(ORDER, fulfillment);
    const sdk = await sdkRequest((http) =>
      createFulfillment(http)(ORDER, {
        lineItems: [{ _id: LINE, quantity: 2 }],
        trackingInfo: fulfillment.trackingInfo,
      }),
    );
    await wix.close();
    const [sent] = wix.requests;
    expect(sent?.method).toBe(restMethod(sdk));
    expect(sent?.path).toBe(sdk.path);
    expect(sent?.body).toEqual(sdk.body);
    expect(ours.fulfillmentId).toBe(FULFILLMENT);
  });

  test("Update Fulfillment: same path, method and body (id in the fulfillment, the order id too)", async () => {
    const wix = await recordingWix();
    wix.answer({ orderWithFulfillments: wire });
    const trackingInfo = { trackingNumber: "NEW-2", shippingProvider: "fedex" };
    await wix.client.updateFulfillment(ORDER, { id: FULFILLMENT, trackingInfo });
    const sdk = await sdkRequest((http) =>
      updateFulfillment(http)(
        { orderId: ORDER, fulfillmentId: FULFILLMENT },
        { fulfillment: { trackingInfo } },
      ),
    );
    await wix.close();
    const [sent] = wix.requests;
    expect(sent?.method).toBe(restMethod(sdk));
    expect(sent?.path).toBe(sdk.path);
    expect(sent?.body).toEqual(sdk.body);
  });

  test("Update Fulfillment with `trackingInfo: null` (tracking removed): the null goes as the SDK sends it", async () => {
    const wix = await recordingWix();
    wix.answer({
      orderWithFulfillments: { orderId: ORDER, fulfillments: [{ id: FULFILLMENT, lineItems: [] }] },
    });
    const after = await wix.client.updateFulfillment(ORDER, { id: FULFILLMENT, trackingInfo: null });
    const sdk = await sdkRequest((http) =>
      updateFulfillment(http)(
        { orderId: ORDER, fulfillmentId: FULFILLMENT },
        // The SDK's types have no null here; its doc says "to remove a field's value, pass null".
        { fulfillment: { trackingInfo: null as never } },
      ),
    );
    await wix.close();
    const [sent] = wix.requests;
    expect(sent?.method).toBe(restMethod(sdk));
    expect(sent?.path).toBe(sdk.path);
    expect(sent?.body).toStrictEqual(sdk.body);
    expect(sent?.body).toHaveProperty("fulfillment.trackingInfo", null);
    expect(after).toEqual([{ id: FULFILLMENT, lineItems: [] }]);
  });

  test("Delete Fulfillment: same path and method", async () => {
    const wix = await recordingWix();
    wix.answer({ orderWithFulfillments: { orderId: ORDER, fulfillments: [] } });
    expect(await wix.client.deleteFulfillment(ORDER, FULFILLMENT)).toEqual([]);
    const sdk = await sdkRequest((http) =>
      deleteFulfillment(http)({ orderId: ORDER, fulfillmentId: FULFILLMENT }),
    );
    await wix.close();
    const [sent] = wix.requests;
    expect(sent?.method).toBe(restMethod(sdk));
    expect(sent?.path).toBe(sdk.path);
  });
});

describe("Wix order fulfillments: refusals as domain conditions", () => {
  async function answering(status: number, body: unknown) {
    const server = createServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const client = new WixClient({
      apiUrl: `http://127.0.0.1:${port}`,
      apiKey: "k",
      siteId: "s",
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    return { client, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  test("TRACKING_NUMBER_ALREADY_EXISTS (CreateFulfillmentApplicationErrors) is AlreadyExistsError", async () => {
    const wix = await answering(400, {
      message: "exists",
      details: { applicationError: { code: "TRACKING_NUMBER_ALREADY_EXISTS", description: "exists" } },
    });
    await expect(wix.client.createFulfillment(ORDER, { lineItems: [{ id: LINE }] })).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );
    await wix.close();
  });

  test("a fulfillment already gone is NotFoundError", async () => {
    const wix = await answering(404, { message: "not found", details: {} });
    await expect(wix.client.deleteFulfillment(ORDER, FULFILLMENT)).rejects.toBeInstanceOf(NotFoundError);
    await wix.close();
  });
});
