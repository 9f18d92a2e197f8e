import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { RetryableError } from "#shared/errors";
import type { InventoryMessage } from "#shared/flows/inventory/messages";
import { type GuardSite, pendingOfSharedStock } from "#shared/flows/inventory/oversell-guard";
import { InventorySync, readBins, sellableQuantities } from "#shared/flows/inventory/sync";
import { type Core, getCores, perCore, rootContext } from "#shared/runtime/core";
import { lambda } from "#shared/runtime/lambda";
import type { OutcomeRecorder } from "#shared/runtime/outcomes";
import { runPerSite } from "#shared/runtime/sites";
import { runCoalesced } from "#shared/runtime/worker";

/**
 * The inventory use-case of one site (its warehouses, its Wix location, its orders and holds); the
 * products root uses it too (opening stock of new products, the same site's).
 */
export const inventorySync = perCore(
  (core: Core) =>
    new InventorySync({
      erpnext: core.erpnext,
      wix: core.catalog,
      catalog: core.catalog,
      state: core.state,
      log: core.log,
      warehouses: core.settings.erpnext.warehouses,
      locationId: core.settings.wix.locationId,
      pendingOrders: async () => pendingOfSharedStock(guardSite(core), (await getCores()).map(guardSite)),
      sharedBinWarehouses,
    }),
);

/** A site's part of the oversell guard: its Wix orders and holds, and the warehouses it sells from. */
const guardSite = ({ site, wix, state, settings }: Core): GuardSite => ({
  site,
  wix,
  state,
  submit: settings.orders.submit,
  warehouses: settings.erpnext.warehouses,
});

/** With several sites, every site's warehouses (`[]` when one counts them all): Bins read once for all. */
async function sharedBinWarehouses(): Promise<string[] | undefined> {
  const cores = await getCores();
  if (cores.length < 2) return undefined;
  const lists = cores.map((c) => c.settings.erpnext.warehouses);
  return lists.some((l) => l.length === 0) ? [] : [...new Set(lists.flat())].sort();
}

/** Sellable ERPNext stock of these items over the chosen warehouses, with no guard (the first-sync plan's). */
export const sellableStock =
  (erpnext: Core["erpnext"], warehouses: string[]) =>
  async (itemCodes: string[]): Promise<Map<string, number>> =>
    sellableQuantities(await readBins(erpnext, itemCodes, warehouses), warehouses, itemCodes);

/** The inventory worker's composition root. */
export const getContext = rootContext((core) => ({ inventory: inventorySync(core) }));
export type Context = Awaited<ReturnType<typeof getContext>>;

/**
 * Inventory queue consumer. Hints for the same items coalesce: the whole batch becomes one
 * re-read of the Bins and one bulk push.
 */
async function syncInventory(event: SQSEvent): Promise<SQSBatchResponse> {
  return runPerSite("inventory", event, async (siteEvent, site) => {
    const ctx = await getContext(site);
    return runCoalesced("inventory", siteEvent, ctx, (messages, record) => pushStock(ctx, messages, record));
  });
}

async function pushStock(ctx: Context, batch: InventoryMessage[], record: OutcomeRecorder<"inventory">) {
  const codes = new Set<string>();
  for (const message of batch) {
    for (const c of message.itemCodes) codes.add(c);
    if (message.ledgerEntries?.length)
      for (const c of await ctx.inventory.itemsForLedgerEntries(message.ledgerEntries)) codes.add(c);
    if (message.wixProductIds?.length)
      for (const c of await ctx.inventory.itemsForProducts(message.wixProductIds, message.wixQuantities))
        codes.add(c);
  }
  const changedAt = batch
    .map((m) => m.changedAt)
    .filter(Boolean)
    .sort()[0];
  const source = batch.some((m) => m.source === "reconcile") ? "reconcile" : batch[0]?.source;
  const result = await ctx.inventory.syncItems([...codes], { changedAt, source });
  record.outcome(
    "pushed",
    `stock: ${result.pushed} pushed, ${result.created} created, ${result.unchanged} unchanged`,
    { items: codes.size, ...(result.drift.length ? { drift: result.drift.length } : {}) },
    { count: result.pushed },
  );
  // What Wix refused comes back with the whole batch; what it took is unchanged then.
  if (result.failed.length)
    throw new RetryableError(result.failed.map((f) => `${f.itemCode}: ${f.reason}`).join("; "));
}

export const handler = lambda(syncInventory);
