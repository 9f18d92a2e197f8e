import { describe, expect, test } from "@jest/globals";
import { retryDelaySeconds } from "#shared/queue/policy";
import { encodeBody } from "#shared/queue/sqs";

describe("queue policy", () => {
  test("retryable failures back off 30 s, 2 min, 8 min, then 30 min at most", () => {
    const middle = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelaySeconds(n, 30, middle))).toEqual([
      30, 120, 480, 1800, 1800, 1800,
    ]);
    expect(retryDelaySeconds(3, 0, middle)).toBe(0);
  });

  test("jitter stays within a quarter either side", () => {
    expect(retryDelaySeconds(2, 30, () => 0)).toBe(90);
    expect(retryDelaySeconds(2, 30, () => 0.999999)).toBe(150);
  });
});

describe("message bodies SQS accepts", () => {
  test.each([
    ["an emoji", "MUG-😀"],
    ["a noncharacter", "X\uFFFE\uFFFF"],
    ["a lone surrogate", "A\uD800B"],
    ["control characters", "A\u0000\u0007\u007F"],
    ["non-ASCII letters", "Café Ünïcödé"],
  ])("%s: printable ASCII only, and parses back to the same value", (_, code) => {
    const body = encodeBody({ kind: "items", itemCodes: [code] });
    expect(body).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(body)).toEqual({ kind: "items", itemCodes: [code] });
  });
});
