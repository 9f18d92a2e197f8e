import { beforeEach, describe, expect, test } from "@jest/globals";
import { itemForLine, V1_DEFAULT_VARIANT_ID } from "#shared/flows/line-items";
import { orderSkus } from "#shared/flows/order-holds";
import type { ProductMapping } from "#shared/flows/records";
import { orderLines } from "#shared/flows/shipments/push";
import type { WixLineItem, WixOrder } from "#shared/flows/wix-orders";
import { FakeState } from "./fakes";

const STORES = "215238eb-22a5-4c36-9e7b-e7c08025e04e";
let state: FakeState;

function map(itemCode: string, productId: string, variantId?: string) {
  const mapping: ProductMapping = {
    itemCode,
    productId,
    ...(variantId ? { variantId } : {}),
    createdAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-01T00:00:00.000Z",
  };
  state.mappings.set(itemCode, mapping);
}

/** A line with no SKU (Wix leaves it out when the product has none): only its reference tells. */
const line = (productId: string, options?: NonNullable<WixLineItem["catalogReference"]>["options"]) => ({
  id: "l-1",
  quantity: 1,
  price: { amount: "10.00" },
  catalogReference: { catalogItemId: productId, appId: STORES, ...(options ? { options } : {}) },
});

beforeEach(() => {
  state = new FakeState();
  // A V1 product without managed variants: mapped on V1 under its default variant.
  map("MUG", "p-mug", V1_DEFAULT_VARIANT_ID);
  // A product with managed variants: the template and two variants.
  map("TEE", "p-tee");
  map("TEE-S", "p-tee", "v-s");
  map("TEE-M", "p-tee", "v-m");
});

describe("which item a Wix order line is", () => {
  test("a V1 product without managed variants, its reference carrying no variant id: its default variant's item", async () => {
    expect(await itemForLine(line("p-mug"), state)).toBe("MUG");
  });

  test("a V1 product without managed variants, its reference naming choices: its default variant's item", async () => {
    expect(await itemForLine(line("p-mug", { options: { Color: "Red" } }), state)).toBe("MUG");
  });

  test("choices of a product with managed variants but no variant id name no item: never the template's or another variant's", async () => {
    expect(await itemForLine(line("p-tee", { options: { Size: "M" } }), state)).toBeUndefined();
  });

  test("a variant id names its variant; a SKU comes first", async () => {
    expect(await itemForLine(line("p-tee", { variantId: "v-m" }), state)).toBe("TEE-M");
    expect(
      await itemForLine(
        { ...line("p-tee", { variantId: "v-m" }), physicalProperties: { sku: " TEE-S " } },
        state,
      ),
    ).toBe("TEE-S");
  });

  test("the stock holds and the shipments read lines the same way", async () => {
    // prepare
    const order = {
      lineItems: [line("p-mug", { options: { Color: "Red" } }), line("p-tee", { options: { Size: "M" } })],
    };
    // act
    const holds = await orderSkus(order as WixOrder, state);
    const shipped = await orderLines(order as WixOrder, state);
    // assess
    expect(holds).toEqual({ MUG: 1 });
    expect(shipped.map((l) => l.itemCode)).toEqual(["MUG", undefined]);
  });
});
