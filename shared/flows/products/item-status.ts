import type { ProductMapping } from "../records";
import { itemStatus, type WixStatus } from "../status/fields";
import type { StatusUpdate } from "../status/ports";
import type { ItemResult } from "./sync";

/**
 * What each product outcome shows on the Item. An unchanged item, or one that is not in ERPNext,
 * gets no write: writing it would bump its `modified` for nothing (and, without the webhook
 * condition, announce it back to us: an unchanged item writing its status again would loop).
 */
export function statusOf(result: ItemResult): WixStatus | undefined {
  // Another site's result is the one the Item shows: one writer per Item, never two in turn. So is
  // the result of the run holding the item's claim.
  if (result.statusElsewhere || result.claimedElsewhere) return undefined;
  switch (result.outcome) {
    case "created":
    case "updated":
    case "linked":
      return "Synced";
    case "hidden":
      return "Hidden";
    case "failed":
      return "Error";
    case "skipped":
      if (result.restate) return "Synced";
      // Waiting for a valid price (ProductSync's "not published: ..."): a person can act on it.
      return result.reason?.startsWith("not published") ? "Pending" : undefined;
    default:
      return undefined;
  }
}

/** The Item status updates of one batch of product results, with the Wix product ids we hold. */
export async function itemStatusUpdates(
  results: ItemResult[],
  deps: { mappings: (codes: string[]) => Promise<Map<string, ProductMapping>>; siteId?: string; at?: Date },
): Promise<StatusUpdate[]> {
  const shown = results.flatMap((r) => {
    const status = statusOf(r);
    return status ? [{ result: r, status }] : [];
  });
  if (!shown.length) return [];
  const mappings = await deps.mappings(shown.map((s) => s.result.itemCode));
  const at = deps.at ?? new Date();
  return shown.map(({ result, status }) =>
    itemStatus(result.itemCode, status, {
      at,
      productId: mappings.get(result.itemCode)?.productId,
      siteId: deps.siteId,
      error: result.reason,
    }),
  );
}
