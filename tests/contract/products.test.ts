import { getProduct } from "@wix/auto_sdk_stores_products-v-3";
import { recordingWix, restMethod, sdkRequest } from "./wire";

describe("Wix products: our requests equal the official SDK's", () => {
  test("Get Product", async () => {
    // prepare
    const wix = await recordingWix();
    wix.answer({ product: { id: "p1", name: "Mug", variantsInfo: { variants: [] } } });
    // act
    await wix.client.getProduct("p1");
    const sdk = await sdkRequest((http) => getProduct(http)("p1"), {});
    await wix.close();
    // assess
    const [ours] = wix.requests;
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
  });
});
