import { describe, expect, test } from "@jest/globals";
import { bulkOutcomes, describeBulkError } from "#shared/flows/wix-bulk";
import type { BulkResponse } from "#shared/flows/wix-catalog";

describe("Wix bulk results (HTTP 200 even when items fail)", () => {
  test("each result is paired with its input by originalIndex, in whatever order Wix answers", () => {
    const inputs = ["A", "B", "C"];
    const response: BulkResponse<{ id: string }> = {
      results: [
        { itemMetadata: { originalIndex: 2, success: true, id: "c" }, item: { id: "c" } },
        {
          itemMetadata: {
            originalIndex: 0,
            success: false,
            error: { code: "SKU_ALREADY_EXIST_ERROR", description: "taken" },
          },
        },
        { itemMetadata: { originalIndex: 1, success: false } },
        { itemMetadata: { originalIndex: 7, success: true } }, // no such input: ignored
      ],
      bulkActionMetadata: { totalSuccesses: 1, totalFailures: 2, undetailedFailures: 1 },
    };
    const outcomes = [...bulkOutcomes(response, inputs)];
    expect(outcomes).toEqual([
      { input: "C", item: { id: "c" } },
      { input: "A", error: { code: "SKU_ALREADY_EXIST_ERROR", description: "taken" } },
      { input: "B", error: { code: "UNKNOWN", description: "rejected by Wix" } },
    ]);
    expect(outcomes.map((o) => (o.error ? describeBulkError(o.error) : "ok"))).toEqual([
      "ok",
      "SKU_ALREADY_EXIST_ERROR: taken",
      "UNKNOWN: rejected by Wix",
    ]);
  });
});
