import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { getContext } from "#infra/local/context";
import { type Harness, startHarness } from "./harness";

/** Reading a DLQ (the audit, the weekly report) must not hide its messages from the next reader. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.host.stop();
});

test("what is parked is still there for a second reader right after the first", async () => {
  const ctx = await getContext();
  const body = JSON.stringify({ kind: "items", itemCodes: ["PEEK-1"], source: "test" });
  await ctx.queue.deadLetter("products", body, "peek test: refused by Wix");
  const first = await ctx.queue.parkedMessages("products");
  const second = await ctx.queue.parkedMessages("products");
  expect(first.map((m) => m.reason)).toContain("peek test: refused by Wix");
  expect(second.map((m) => m.reason)).toContain("peek test: refused by Wix");
  expect(await ctx.queue.dlqReasons("products")).toContainEqual({
    reason: "peek test: refused by Wix",
    count: 1,
  });
});
