import { products } from "./flow";
import type { ItemClaims } from "./ports";
import type { ItemResult, Planned } from "./product-plan";

/**
 * Catalog V1 takes a second product with a SKU the store has (the V1 SDK,
 * @wix/auto_sdk_stores_products, declares no refusal; V3 answers SKU_ALREADY_EXIST_ERROR, which
 * publish.ts turns into a link), and the products worker runs two batches at once: a template's
 * variants each naming it, an Item and its Item Price saved together, a catch-up meeting a webhook.
 * So on V1 a new item is claimed per site (the state store scopes leases to the site) before its
 * SKU search and create, and let go once its mapping is written.
 *
 * The lease outlives the worker's timeout, so a live holder is never overtaken; a crashed one's
 * item is free again a minute after.
 */
export const CLAIM_SECONDS = products.worker.timeoutSeconds + 60;

const claimKey = (itemCode: string) => `product:${itemCode}`;

/**
 * Claims each new item; returns the plans claimed. An item another worker holds is a retryable
 * result of its own (its retry finds the mapping the holder wrote), never the others' failure.
 */
export async function claimNew(
  claims: ItemClaims,
  creates: Planned[],
  results: ItemResult[],
): Promise<Planned[]> {
  const taken = await Promise.all(creates.map((p) => claims.claim(claimKey(p.itemCode), CLAIM_SECONDS)));
  for (const [i, plan] of creates.entries()) if (!taken[i]) results.push(held(plan.itemCode));
  return creates.filter((_, i) => taken[i]);
}

/** Lets the claims go (what was made is mapped; what was deferred is free for the requeued run). */
export async function releaseClaims(claims: ItemClaims, plans: Planned[]): Promise<void> {
  await Promise.all(plans.map((p) => claims.release(claimKey(p.itemCode))));
}

/** Runs `make` (which makes the item's product) under the item's claim. */
export async function withClaim(
  claims: ItemClaims,
  itemCode: string,
  make: () => Promise<ItemResult>,
): Promise<ItemResult> {
  if (!(await claims.claim(claimKey(itemCode), CLAIM_SECONDS))) return held(itemCode);
  try {
    return await make();
  } finally {
    await claims.release(claimKey(itemCode));
  }
}

/** The result of an item claimed elsewhere: retried, it finds what the holder made. */
export function held(
  itemCode: string,
  reason = "being published by another worker on this site",
): ItemResult {
  return { itemCode, outcome: "failed", reason, retryable: true, claimedElsewhere: true };
}
