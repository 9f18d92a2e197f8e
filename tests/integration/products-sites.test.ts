/**
 * ERPNext's load does not grow with the Wix sites (issue 18): the products use-case of two sites,
 * taking the same ERPNext news side by side as the products worker's fan-out does
 * (shared/runtime/sites.ts, inside withSharedReads), reads the sandbox ERPNext over loopback with
 * the real ErpnextClient, counted by its `http.stats`. Wix and our state are the in-memory fakes
 * of the flow's ports: only ERPNext's calls are counted here.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { ErpnextClient } from "#shared/erpnext/client";
import type { SiteScope } from "#shared/flows/products/scope";
import { ProductSync } from "#shared/flows/products/sync";
import { withSharedReads } from "#shared/http/read-memo";
import { FakeLog, FakeState, FakeWixProducts } from "../unit/flows/product-fakes";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.host.stop();
});

const US: SiteScope = { site: "us", priceList: "Standard Selling", itemGroups: [] };
const EU: SiteScope = { site: "eu", priceList: "EU Selling", itemGroups: ["All Item Groups"] };

/** ERPNext reads of one products message of these codes synced on every site of `scopes`. */
async function readsOf(scopes: SiteScope[], codes: string[]): Promise<{ reads: number; created: number }> {
  const erpnext = new ErpnextClient({
    url: `${h.host.url}/sandbox/erpnext`,
    apiKey: "sandbox-api-key",
    apiSecret: "sandbox-api-secret",
  });
  const results = await withSharedReads(() =>
    Promise.all(
      scopes.map((scope) =>
        new ProductSync({
          erpnext,
          wix: new FakeWixProducts(),
          state: new FakeState(),
          log: new FakeLog(),
          erpnextUrl: "https://erp.example.com",
          ...scope,
          sites: async () => scopes,
        }).syncItems(codes),
      ),
    ),
  );
  return {
    reads: erpnext.http.stats.reads,
    created: results.flat().filter((r) => r.outcome === "created").length,
  };
}

test("two sites read ERPNext within 1.3x of one site for the same change", async () => {
  // "EU Selling" is one of the sandbox ERPNext's price lists (infra/sandbox/erpnext/masters.ts).
  const codes: string[] = [];
  for (let i = 0; i < 150; i++) {
    const code = `SITES-${i}`;
    codes.push(code);
    h.erpnext.importDoc("Item", {
      item_code: code,
      item_name: code,
      item_group: "Products",
      stock_uom: "Nos",
    });
    // Two in three on the US list, every one on the EU list.
    if (i % 3)
      h.erpnext.importDoc("Item Price", {
        item_code: code,
        price_list: "Standard Selling",
        price_list_rate: 5,
      });
    h.erpnext.importDoc("Item Price", { item_code: code, price_list: "EU Selling", price_list_rate: 4 });
  }

  const one = await readsOf([EU], codes);
  const two = await readsOf([US, EU], codes);
  expect(one.created).toBe(150);
  expect(two.created).toBe(100 + 150);
  expect(two.reads).toBeLessThanOrEqual(one.reads * 1.3);
});
