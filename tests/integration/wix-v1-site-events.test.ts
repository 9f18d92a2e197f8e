/**
 * Catalog V1 events on a site whose sandbox Wix runs Catalog V1 (WIX_SANDBOX_CATALOG=V1): health
 * says V1, a quantity changed in the Wix dashboard is set back through the V1 adapters, and the
 * event announcing our own write costs no Wix call.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { getContext } from "#infra/local/context";
import { CATALOG_V1_EVENTS } from "#shared/flows/catalog-v1-events";
import { createItem, type Harness, startHarness } from "./harness";
import { postTo, signV1 } from "./v1-events";

describe("Catalog V1 events on a V1 site (WIX_SANDBOX_CATALOG=V1)", () => {
  let v1: Harness;
  beforeAll(async () => {
    v1 = await startHarness({ WIX_SANDBOX_CATALOG: "V1" });
  });
  afterAll(() => v1.host.stop());

  const variantOf = (sku: string) => v1.wix.v1Variants().find((v) => v.sku === sku);
  const event = async (eventType: string, body: object) =>
    postTo(v1, await signV1(v1.wix, (await getContext()).settings.wix.instanceId, eventType, body));

  test("the site is healthy on V1; a dashboard stock change is set back, our own write's echo costs nothing", async () => {
    const health = (await v1.request("GET", "/health")).body as { wix: { catalogVersion: string } };
    expect(health.wix).toEqual({ reachable: true, catalogVersion: "V1_CATALOG" });
    createItem(v1.erpnext, "V1OPS-1", 8);
    v1.erpnext.moveBin("V1OPS-1", "Stores - SC", { actual: 7 });
    await v1.host.drain();
    const variant = variantOf("V1OPS-1");
    expect(variant?.stock).toMatchObject({ quantity: 7 });
    const productId = variant?.productId as string;
    const variantId = variant?.variantId as string;
    // The merchant sets 40 in the Wix dashboard; Wix announces it.
    const stock = v1.wix.v1Inventory.get(productId)?.variants.find((v) => v.variantId === variantId);
    if (stock) stock.quantity = 40;
    const changed = (quantity: number) =>
      event(CATALOG_V1_EVENTS.inventoryVariantsChanged, {
        productId,
        variants: [{ id: variantId, oldValue: { quantity: 7 }, newValue: { quantity } }],
      });
    expect((await changed(40)).status).toBe(200);
    await v1.host.drain();
    expect(variantOf("V1OPS-1")?.stock).toMatchObject({ quantity: 7 });
    // Wix announces our write too: the quantity we pushed, so nothing is read or written.
    const before = { ...v1.wix.calls };
    expect((await changed(7)).status).toBe(200);
    await v1.host.drain();
    expect(v1.wix.calls).toEqual(before);
  });
});
