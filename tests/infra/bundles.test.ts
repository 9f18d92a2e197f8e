import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "@jest/globals";
import { type Bundle, bundleFunction } from "#infra/cdk/bundle";
import { FUNCTIONS, type FunctionName } from "#infra/cdk/functions";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const names = Object.keys(FUNCTIONS) as FunctionName[];
const bundles = new Map<FunctionName, Bundle>();

/** Every function bundled once, as `cdk deploy` bundles it: sizes, not timings. */
beforeAll(async () => {
  for (const name of names) bundles.set(name, await bundleFunction(FUNCTIONS[name], projectRoot));
});

const bundle = (name: FunctionName) => bundles.get(name) as Bundle;

describe("bundle budgets", () => {
  test.each(names)("%s stays within its budget (minified)", (name) => {
    expect(bundle(name).kb).toBeLessThanOrEqual(FUNCTIONS[name].budgetKb);
  });

  test("no function bundles undici: HTTP goes through Node's own fetch", () => {
    expect(names.filter((name) => bundle(name).packages.has("undici"))).toEqual([]);
  });

  test("only the orders worker bundles Powertools Idempotency: each worker has its own composition root", () => {
    const withIdempotency = names.filter((name) =>
      bundle(name).packages.has("@aws-lambda-powertools/idempotency"),
    );
    expect(withIdempotency).toEqual(["ordersWorker"]);
  });
});
