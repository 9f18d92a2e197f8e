import type { Context as LambdaContext, SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { Settings } from "#shared/config/settings";
import { CategorySync } from "#shared/flows/products/categories";
import { type PlanSources, readAndPlan } from "#shared/flows/products/first-sync-read";
import { itemStatusUpdates } from "#shared/flows/products/item-status";
import { itemMessages, type ProductsMessage } from "#shared/flows/products/messages";
import type { SiteScope } from "#shared/flows/products/scope";
import { ProductSync } from "#shared/flows/products/sync";
import { ErpnextStatusWriter } from "#shared/flows/status/erpnext";
import type { Progress } from "#shared/ops/progress";
import { type Core, getCores, perCore, rootContext } from "#shared/runtime/core";
import { lambda } from "#shared/runtime/lambda";
import { logger } from "#shared/runtime/logger";
import type { OutcomeRecorder } from "#shared/runtime/outcomes";
import { runPerSite } from "#shared/runtime/sites";
import { type Leftover, runPerRecord } from "#shared/runtime/worker";
import { inventorySync, sellableStock } from "./inventory";

/** Where a site sells: its price list and item groups (shared/flows/products/scope.ts). */
const scopeOf = ({ settings }: Pick<Core, "settings">): SiteScope => ({
  site: settings.site,
  priceList: settings.erpnext.priceList,
  itemGroups: settings.erpnext.itemGroups,
});

/** Every site's scope, in the sites file's order: each site reads what all of them need, once. */
const allScopes = async () => (await getCores()).map(scopeOf);

export const productSync = perCore((core: Core) => {
  const { erpnext, catalog, state, log, settings, queue } = core;
  const inventory = inventorySync(core);
  return new ProductSync({
    erpnext,
    wix: catalog,
    state,
    log,
    erpnextUrl: settings.erpnext.url,
    ...scopeOf(core),
    sites: allScopes,
    allowFreeItems: settings.erpnext.allowFreeItems,
    // New products are created with their stock in the same call; a product that does not
    // exist in Wix yet has no Wix orders, so the oversell guard has nothing to subtract.
    quantities: (itemCodes) => inventory.sellable(itemCodes, { guard: false }),
    // Linked products (and any without an inventory item) get their stock right after.
    onPublished: (itemCodes) => queue.send("inventory", [{ kind: "stock", itemCodes, source: "published" }]),
    // What a Catalog V1 sync had no time left for comes back as new work (a fresh message, so a
    // large first sync is never parked for the retries it took).
    requeue: (itemCodes, changedAt) =>
      queue.send("products", itemMessages(itemCodes, "deferred", 100, changedAt)),
  });
});

export const categorySync = perCore(
  ({ catalog, state, log }: Core) => new CategorySync({ wix: catalog, state, log }),
);

/**
 * `npm run plan` (infra/local/first-sync-plan.ts): what the first sync would do, read-only, with the
 * products flow's rules and the inventory flow's stock. `sites`: every site's settings (several
 * sites), so the plan leaves out what another site sells, as the sync does.
 */
export function planFirstSync(
  { erpnext, catalog, settings }: Pick<Core, "erpnext" | "catalog" | "settings">,
  options: { stockThreshold: number; mappings?: PlanSources["mappings"]; sites?: Settings[] },
  progress: (total: number) => Progress,
) {
  return readAndPlan(
    {
      erpnext,
      wix: catalog,
      erpnextStock: sellableStock(erpnext, settings.erpnext.warehouses),
      mappings: options.mappings,
    },
    {
      erpnextUrl: settings.erpnext.url,
      priceList: settings.erpnext.priceList,
      allowFreeItems: settings.erpnext.allowFreeItems,
      locationId: settings.wix.locationId,
      stockThreshold: options.stockThreshold,
      scope: {
        own: scopeOf({ settings }),
        sites: (options.sites ?? [settings]).map((s) => scopeOf({ settings: s })),
      },
    },
    progress,
  );
}
export { renderPlan } from "#shared/flows/products/first-sync-render";

/** The products worker's composition root (categories ride the products queue). */
export const getContext = rootContext((core) => ({
  products: productSync(core),
  categories: categorySync(core),
  // Item status fields in ERPNext, written once per item per batch (WRITE_STATUS_TO_ERPNEXT).
  status: core.settings.status.writeToErpnext ? new ErpnextStatusWriter(core.erpnext) : undefined,
}));
export type Context = Awaited<ReturnType<typeof getContext>>;

type Message<K extends ProductsMessage["kind"]> = Extract<ProductsMessage, { kind: K }>;

/**
 * The time a batch keeps after publishing: the sync log, the stock and requeue messages and the
 * Item status writes to ERPNext (flushed once per batch).
 */
const AFTER_PUBLISHING_MS = 20_000;

/** Products queue consumer: each message names up to 100 items to publish in bulk. */
async function syncProducts(event: SQSEvent, context: LambdaContext): Promise<SQSBatchResponse> {
  // The batch's messages run one after another within one invocation: they share its deadline.
  const deadline = Date.now() + context.getRemainingTimeInMillis() - AFTER_PUBLISHING_MS;
  return runPerSite("products", event, async (siteEvent, site) => {
    const ctx = await getContext(site);
    return runPerRecord("products", siteEvent, ctx, {
      handle: (message, record) =>
        message.kind === "categories"
          ? fileCategories(ctx, message)
          : syncItems(ctx, message, record, deadline),
      // Every item a failed message names is in the sync log with the reason.
      failedKeys: (message) => message.itemCodes,
      // One message after another: each is one bulk call already.
      lane: () => ({ key: "batch" }),
    });
  });
}

async function syncItems(
  ctx: Context,
  message: Message<"items">,
  record: OutcomeRecorder<"products">,
  deadline?: number,
): Promise<Leftover<ProductsMessage>> {
  if (message.deletedProductIds?.length) {
    const forgotten = await ctx.products.forgetDeleted(message.deletedProductIds);
    logger.info(`deleted in Wix: ${forgotten.length} mapping(s) forgotten`, { items: forgotten });
  }
  const priced = message.priceNames?.length ? await ctx.products.itemsForPrices(message.priceNames) : [];
  const codes = [...message.itemCodes, ...priced];
  if (!codes.length && message.priceNames?.length)
    logger.warn("Item Price not found and never published: nothing to do", { ...message });
  const results = codes.length
    ? await ctx.products.syncItems(codes, { changedAt: message.changedAt, deadline })
    : [];
  for (const r of results)
    record.outcome(
      r.outcome,
      `product ${r.outcome}: ${r.itemCode}`,
      { reason: r.reason },
      { level: r.outcome === "skipped" ? "debug" : undefined },
    );
  if (record.writesStatus)
    for (const update of await itemStatusUpdates(results, {
      mappings: (codes) => ctx.state.getMappings(codes),
      siteId: ctx.settings.wix.siteId,
    }))
      record.status(update);
  const failed = results.filter((r) => r.outcome === "failed");
  const retry = failed.filter((r) => r.retryable);
  if (retry.length) return { retry: retry.map((r) => `${r.itemCode}: ${r.reason}`).join("; ") };
  // The rest of the message is done; park only what Wix rejects, with its reasons.
  if (failed.length)
    return {
      park: { ...message, itemCodes: failed.map((r) => r.itemCode) },
      reason: failed.map((r) => `${r.itemCode}: ${r.reason}`).join("; "),
    };
}

async function fileCategories(
  ctx: Context,
  message: Message<"categories">,
): Promise<Leftover<ProductsMessage>> {
  const { filed, failed } = await ctx.categories.file(message.group, message.itemCodes);
  logger.info(`category ${message.group}: ${filed} product(s) filed`);
  const reasons = failed.map((f) => `${f.itemCode}: ${f.reason}`).join("; ");
  // Filed products are done (a redelivery skips them). What Wix refused is retried, or parked at
  // once when Wix says retrying cannot help.
  if (failed.some((f) => f.retryable)) return { retry: reasons };
  if (failed.length)
    return { park: { ...message, itemCodes: failed.map((f) => f.itemCode) }, reason: reasons };
}

export const handler = lambda(syncProducts);
