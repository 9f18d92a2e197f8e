import { describe, expect, test } from "@jest/globals";
import { token } from "@wix/auto_sdk_identity_oauth/meta";
import { getCatalogVersion } from "@wix/auto_sdk_stores_catalog-versioning";
import { recordingWix, restMethod, sdkRequest } from "./wire";

describe("Wix platform calls: our requests equal the official SDK's", () => {
  test("Get Catalog Version (read before any catalog write)", async () => {
    // prepare
    const wix = await recordingWix();
    wix.answer({ catalogVersion: "V3_CATALOG" });
    // act
    const version = await wix.client.catalogVersion();
    const sdk = await sdkRequest((http) => getCatalogVersion(http)(), { catalogVersion: "V3_CATALOG" });
    await wix.close();
    // assess
    const [ours] = wix.requests;
    expect(version).toBe("V3_CATALOG");
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
  });

  test("a site without Stores answers no version: reported as STORES_NOT_INSTALLED, never V3", async () => {
    const wix = await recordingWix();
    wix.answer({});
    expect(await wix.client.catalogVersion()).toBe("STORES_NOT_INSTALLED");
    await wix.close();
  });

  test("OAuth token (app auth): the same path and method as the SDK's Token call", async () => {
    // prepare: app credentials instead of a key; every call first fetches a token
    const wix = await recordingWix({
      apiKey: undefined,
      appId: "app",
      appSecret: "secret",
      instanceId: "inst",
    });
    wix.answer(
      { access_token: "tok", token_type: "Bearer", expires_in: 14400 },
      { catalogVersion: "V3_CATALOG" },
    );
    // act
    await wix.client.catalogVersion();
    // The SDK's own metadata for this call (its request builder takes raw HTTP bytes).
    const sdk = { method: token().httpMethod, path: token().getUrl({ host: "www.wixapis.com" }) };
    await wix.close();
    // assess: the SDK types this call as raw HTTP (RawHttpRequest in @wix/auto_sdk_identity_oauth
    // meta.d.ts), so only path and method are in its contract; the body is the documented
    // client-credentials grant (the token() doc in @wix/auto_sdk_identity_oauth build/cjs/index.d.ts),
    // and the token goes out raw, without "Bearer".
    const [tokenCall, versionCall] = wix.requests;
    expect(tokenCall?.method).toBe(sdk.method);
    expect(tokenCall?.path).toBe(sdk.path);
    expect(tokenCall?.body).toEqual({
      grant_type: "client_credentials",
      client_id: "app",
      client_secret: "secret",
      instance_id: "inst",
    });
    expect(versionCall?.path).toBe("/stores/v3/provision/version");
  });
});
