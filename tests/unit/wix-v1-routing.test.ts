/**
 * Catalog V1's events through the flows' declarations (shared/runtime/webhook-routing.ts): each
 * becomes its flow's message, which that flow's queue accepts; setup lists them for V1 sites only.
 */
import { describe, expect, test } from "@jest/globals";
import { CATALOG_V1_EVENTS } from "#shared/flows/catalog-v1-events";
import { messageSchemas } from "#shared/flows/registry";
import { routeWixEvent, wixEventQueues } from "#shared/runtime/webhook-routing";

const settings = { shipments: { source: "erpnext" } };
const PRODUCT = "91f7ac8b-2baa-4f7d-b2b6-4a6a5e3f0d11";

/** The one message routed, checked against its queue's schema. */
function accepted(routed: ReturnType<typeof routeWixEvent>): boolean {
  const [work] = "work" in routed ? routed.work : [];
  if (!work) return false;
  const { queue, ...message } = work;
  return messageSchemas[queue].safeParse(message).success;
}

describe("Catalog V1 events become their flow's message", () => {
  test.each([CATALOG_V1_EVENTS.inventoryVariantsChanged, CATALOG_V1_EVENTS.inventoryItemChanged])(
    "%s: the inventory flow re-checks the product's items",
    (eventType) => {
      const routed = routeWixEvent({ eventType, productId: PRODUCT }, settings);
      expect(routed).toEqual({
        work: [
          { queue: "inventory", kind: "stock", itemCodes: [], wixProductIds: [PRODUCT], source: "webhook" },
        ],
      });
      expect(accepted(routed)).toBe(true);
    },
  );

  test("ProductDeleted: the products flow forgets the product", () => {
    const routed = routeWixEvent(
      { eventType: CATALOG_V1_EVENTS.productDeleted, productId: PRODUCT },
      settings,
    );
    expect(routed).toEqual({
      work: [
        { queue: "products", kind: "items", itemCodes: [], deletedProductIds: [PRODUCT], source: "webhook" },
      ],
    });
    expect(accepted(routed)).toBe(true);
  });

  test("a message naming nothing at all is still refused by the queues' schemas", () => {
    expect(
      messageSchemas.inventory.safeParse({ kind: "stock", itemCodes: [], source: "webhook" }).success,
    ).toBe(false);
    expect(
      messageSchemas.products.safeParse({ kind: "items", itemCodes: [], source: "webhook" }).success,
    ).toBe(false);
  });

  test("V1 catalog events we do not take feed no flow", () => {
    expect(wixEventQueues("com.wix.ecommerce.catalog.api.v1.ProductChanged")).toEqual([]);
    expect(wixEventQueues("com.wix.ecommerce.catalog.api.v1.VariantsChanged")).toEqual([]);
  });
});
