import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { Settings } from "../config/settings";
import { secretValues } from "../config/settings";
import { ErpnextClient } from "../erpnext/client";
import { CategorySync } from "../flows/categories/sync";
import { pendingWixQuantities } from "../flows/inventory/oversell-guard";
import { InventorySync } from "../flows/inventory/sync";
import { OrderSync } from "../flows/orders/sync";
import { ProductSync } from "../flows/products/sync";
import { RateBudget } from "../http/rate-budget";
import { StateStore } from "../store/state";
import { SyncLog } from "../store/sync-log";
import { WixClient } from "../wix/client";
import { awsClients } from "./aws";
import { logger } from "./logger";
import { loadSettings } from "./settings";

export type Context = Awaited<ReturnType<typeof buildContext>>;

/** Everything a worker or job needs, wired once per container (or once per local process). */
export async function buildContext(env: NodeJS.ProcessEnv = process.env) {
  const settings = await loadSettings(env);
  const aws = awsClients(env);
  const onRetry =
    (system: string) => (info: { attempt: number; delayMs: number; status?: number; reason: string }) =>
      logger.warn(`${system} call failed, retrying`, { ...info });
  const erpnext = new ErpnextClient({ ...settings.erpnext, onRetry: onRetry("ERPNext") });
  const wix = new WixClient({
    ...settings.wix,
    budget: new RateBudget(settings.wix.requestsPerMinute),
    onRetry: onRetry("Wix"),
  });
  const state = new StateStore(aws.db, aws.tables.state);
  const log = new SyncLog(aws.db, aws.tables.syncLog);
  // Wix event ids already handled (Powertools Idempotency; the table's TTL forgets them).
  const eventStore = new DynamoDBPersistenceLayer({
    tableName: aws.tables.idempotency,
    awsSdkV3Client: aws.dynamo,
    keyAttr: "id",
    expiryAttr: "expiration",
  });
  const inventory = new InventorySync({
    erpnext,
    wix,
    state,
    log,
    warehouses: settings.erpnext.warehouses,
    locationId: settings.wix.locationId,
    pendingOrders: () => pendingWixQuantities({ wix, state, submit: settings.orders.submit }),
  });
  const products = new ProductSync({
    erpnext,
    wix,
    state,
    log,
    erpnextUrl: settings.erpnext.url,
    priceList: settings.erpnext.priceList,
    allowFreeItems: settings.erpnext.allowFreeItems,
    // New products are created with their stock in the same call; a product that does not
    // exist in Wix yet has no Wix orders, so the oversell guard has nothing to subtract.
    quantities: (itemCodes) => inventory.sellable(itemCodes, { guard: false }),
    // Linked products (and any without an inventory item) get their stock right after.
    onPublished: (itemCodes) =>
      aws.queue.send("inventory", [{ kind: "stock", itemCodes, source: "published" }]),
  });
  const categories = new CategorySync({ wix, state, log });
  const orders = new OrderSync({ erpnext, wix, state, log, settings: settings.orders });
  return {
    settings,
    secrets: secretValues(settings),
    erpnext,
    wix,
    state,
    log,
    eventStore,
    queue: aws.queue,
    products,
    categories,
    inventory,
    orders,
  };
}

let cached: Promise<Context> | undefined;

/** The container's context; a failed build is not cached so the next invocation tries again. */
export function getContext(): Promise<Context> {
  cached ??= buildContext().catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

export function resetContext(): void {
  cached = undefined;
}

export type { Settings };
