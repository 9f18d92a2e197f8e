/**
 * Catalog V1's events at the Wix edge, two sites on one ERPNext: a signed V1 event is routed to
 * the site its app instance names and its flow acts on that site only. The sandbox Wix runs V3 here;
 * the events are signed as Wix sends V1's (a MessageEnvelope whose `data` is the event body itself:
 * `ProductDeletedEnvelope {data: ProductDeleted, metadata}`, @wix/auto_sdk_stores_products
 * index.typings.d.ts), with each sandbox site's own key.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { getContext } from "#infra/local/context";
import type { WixSandbox } from "#infra/sandbox/wix/index";
import { CATALOG_V1_EVENTS } from "#shared/flows/catalog-v1-events";
import { createItem, type Harness, startHarness } from "./harness";
import { postTo, signV1 } from "./v1-events";

let h: Harness;
let us: WixSandbox;
let eu: WixSandbox;

beforeAll(async () => {
  h = await startHarness({ SANDBOX_SITES: "us,eu" });
  us = h.wixSites.us as WixSandbox;
  eu = h.wixSites.eu as WixSandbox;
});
afterAll(() => h.host.stop());

/** A V1 event as `site`'s Wix signs it, naming its app instance. */
async function v1Event(site: "us" | "eu", eventType: string, body: object): Promise<string> {
  const { instanceId } = (await getContext(site)).settings.wix;
  return signV1(site === "us" ? us : eu, instanceId, eventType, body);
}

const post = (token: string) => postTo(h, token);
const mappingOn = async (site: string, code: string) => (await getContext(site)).state.getMapping(code);

/** The Wix quantity of a SKU on a site, set as a merchant would in the dashboard. */
function setWixQuantity(wix: WixSandbox, sku: string, quantity: number): void {
  const id = wix.inventoryForSku(sku)?.id as string;
  (wix.inventory.get(id) as { quantity?: number }).quantity = quantity;
}

describe("Catalog V1 events, per site", () => {
  test("a stock change in one site's Wix is set back to ERPNext's on that site only", async () => {
    // prepare: published on both sites with ERPNext's 6 units, then both Wix quantities changed by hand
    createItem(h.erpnext, "V1EV-1", 12);
    h.erpnext.moveBin("V1EV-1", "Stores - SC", { actual: 6 });
    await h.host.drain();
    expect([us.inventoryForSku("V1EV-1")?.quantity, eu.inventoryForSku("V1EV-1")?.quantity]).toEqual([6, 6]);
    setWixQuantity(us, "V1EV-1", 40);
    setWixQuantity(eu, "V1EV-1", 40);
    const productId = (await mappingOn("eu", "V1EV-1"))?.productId as string;
    // act: eu's Wix says its inventory variants changed
    const res = await post(
      await v1Event("eu", CATALOG_V1_EVENTS.inventoryVariantsChanged, {
        productId,
        variants: [{ id: "v", oldValue: { quantity: 6 }, newValue: { quantity: 40 } }],
      }),
    );
    await h.host.drain();
    // assess: queued to inventory for eu, which re-checked and pushed ERPNext's quantity
    expect(res).toMatchObject({
      status: 200,
      body: { queued: expect.stringContaining("(eu) -> inventory") },
    });
    expect(eu.inventoryForSku("V1EV-1")?.quantity).toBe(6);
    expect(us.inventoryForSku("V1EV-1")?.quantity).toBe(40);
  });

  test("a product deleted in one site's Wix is forgotten there; the other site keeps its own", async () => {
    createItem(h.erpnext, "V1EV-2", 9);
    await h.host.drain();
    const euProduct = (await mappingOn("eu", "V1EV-2"))?.productId as string;
    const usProduct = (await mappingOn("us", "V1EV-2"))?.productId;
    expect(euProduct).toBeTruthy();
    const res = await post(await v1Event("eu", CATALOG_V1_EVENTS.productDeleted, { productId: euProduct }));
    await h.host.drain();
    expect(res).toMatchObject({ status: 200, body: { queued: expect.stringContaining("(eu) -> products") } });
    expect(await mappingOn("eu", "V1EV-2")).toBeUndefined();
    expect((await mappingOn("us", "V1EV-2"))?.productId).toBe(usProduct);
  });

  test("a late ProductDeleted of a product the item has since left keeps the item's new mapping", async () => {
    // prepare: the item was re-created in Wix (a new product); the old product's index entry stays
    const { state } = await getContext("us");
    const at = new Date().toISOString();
    await state.putMapping({ itemCode: "V1EV-3", productId: "old-product", createdAt: at, updatedAt: at });
    await state.putMapping({ itemCode: "V1EV-3", productId: "new-product", createdAt: at, updatedAt: at });
    // act
    const forgotten = await state.forgetProduct("old-product");
    // assess
    expect(forgotten).toEqual([]);
    expect((await state.getMapping("V1EV-3"))?.productId).toBe("new-product");
    expect(await state.itemsForProduct("old-product")).toEqual([]);
    expect(await state.forgetProduct("new-product")).toEqual(["V1EV-3"]);
  });

  test("a V1 event naming no product is refused (400); a V1 event we do not take is ignored (200)", async () => {
    expect((await post(await v1Event("us", CATALOG_V1_EVENTS.productDeleted, {}))).status).toBe(400);
    const other = await post(
      await v1Event("us", "com.wix.ecommerce.catalog.api.v1.ProductChanged", { productId: "p" }),
    );
    expect(other).toMatchObject({ status: 200, body: { ignored: expect.stringContaining("not handled") } });
  });
});
