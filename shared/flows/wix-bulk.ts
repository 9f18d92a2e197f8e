import type { BulkResponse } from "./wix-catalog";

export interface BulkError {
  code: string;
  description?: string;
}

/**
 * Pairs each per-item result of a Wix bulk call (HTTP 200 even when items fail) with the input
 * it answers, by `originalIndex`.
 */
export function* bulkOutcomes<I, T>(
  response: BulkResponse<T>,
  inputs: I[],
): Generator<{ input: I; item?: T; error?: BulkError }> {
  for (const r of response.results) {
    const input = inputs[r.itemMetadata.originalIndex];
    if (input === undefined) continue;
    if (r.itemMetadata.success) yield { input, item: r.item };
    else yield { input, error: r.itemMetadata.error ?? { code: "UNKNOWN", description: "rejected by Wix" } };
  }
}

export function describeBulkError(error: BulkError): string {
  return error.description ? `${error.code}: ${error.description}` : error.code;
}
