import { describe, expect, test } from "@jest/globals";
import { AuthError, HttpError } from "#shared/errors";
import { probeApis } from "#shared/ops/health-checks";

describe("health probes through the adapters", () => {
  test("refused credentials: reachable, not authenticated; Wix down: unreachable", async () => {
    // prepare: each probe is asked once
    const asked: string[] = [];
    const erpnext = {
      whoAmI: async (opts?: { probe?: boolean }) => {
        asked.push(`whoAmI ${JSON.stringify(opts)}`);
        throw new AuthError("ERPNext: AuthenticationError", 401, true);
      },
    };
    const wix = {
      catalogVersion: async (opts?: { probe?: boolean }) => {
        asked.push(`catalogVersion ${JSON.stringify(opts)}`);
        throw new HttpError("Wix: HTTP 503", 503, true);
      },
    };
    // act
    const { erpnext: e, wix: w, failing } = await probeApis({ erpnext, wix });
    // assess
    expect(asked).toEqual(['whoAmI {"probe":true}', 'catalogVersion {"probe":true}']);
    expect(e).toMatchObject({ reachable: true, authenticated: false });
    expect(w).toMatchObject({ reachable: false });
    expect(failing).toHaveLength(2);
  });

  test("both up: the user and the catalog version are reported", async () => {
    const { erpnext, wix, failing } = await probeApis({
      erpnext: { whoAmI: async () => "integration@example.com" },
      wix: { catalogVersion: async () => "V3_CATALOG" },
    });
    expect(erpnext).toMatchObject({ reachable: true, authenticated: true, user: "integration@example.com" });
    expect(wix).toMatchObject({ reachable: true, catalogVersion: "V3_CATALOG" });
    expect(failing).toEqual([]);
  });
});
