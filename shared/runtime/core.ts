import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type Settings, secretValues } from "../config/settings";
import { ErpnextClient } from "../erpnext/client";
import { PermanentError } from "../errors";
import { RateBudget } from "../http/rate-budget";
import { StateStore } from "../store/state";
import { SyncLog } from "../store/sync-log";
import type { TableNames } from "../store/tables";
import { SiteCatalog, type V1AdaptersFactory } from "../wix/catalog";
import { WixV1Collections } from "../wix/catalog-v1/collections";
import { WixV1Inventory } from "../wix/catalog-v1/inventory";
import { WixV1Products } from "../wix/catalog-v1/products";
import { WixClient } from "../wix/client";
import { awsClients } from "./aws";
import { recordWithheldWrite, TestModeSyncLog } from "./dry-run";
import { logger } from "./logger";
import { loadSites } from "./settings";

/**
 * What every function beyond the webhook edges builds on: the settings, both APIs, the state
 * store, the sync log and the queue. Each worker's composition root (functions/workers/<flow>.ts)
 * adds only the use-cases it runs, so its bundle carries only those.
 */
export interface Core {
  /** The Wix site this core serves (shared/config/sites.ts); every site has its own core. */
  site: string;
  settings: Settings;
  secrets: string[];
  erpnext: ErpnextClient;
  /** Everything Wix that is not the catalog: orders, fulfillments, transactions... */
  wix: WixClient;
  /** The site's catalog (products, inventory, categories) on the version it runs now. */
  catalog: SiteCatalog;
  state: StateStore;
  /**
   * The state of no site (the default site's keys): what a job run once for every site keeps (its
   * watermarks), the same whichever site is listed first, and where the single-site release left it.
   */
  everySiteState: StateStore;
  log: SyncLog;
  queue: ReturnType<typeof awsClients>["queue"];
  dynamo: DynamoDBClient;
  tables: TableNames;
}

/** The Catalog V1 adapters of a site (shared/wix/catalog-v1/), built on the site's HttpClient. */
const catalogV1: V1AdaptersFactory = (http) => {
  const products = new WixV1Products(http);
  return {
    products,
    // V1 keeps stock per product: the inventory adapter finds a SKU's product and variant first.
    inventory: new WixV1Inventory(http, (skus) => products.variantsBySku(skus)),
    collections: new WixV1Collections(http),
  };
};

/** A site's catalog on the version it runs: V3 through its WixClient, V1 through the V1 adapters. */
export function siteCatalog(
  wix: WixClient,
  site: string,
  v1Adapters: V1AdaptersFactory = catalogV1,
): SiteCatalog {
  // The V1 adapters share the site's HttpClient: one rate budget, one auth, one dry-run guard.
  return new SiteCatalog({ v3: wix, v1: v1Adapters(wix.http), site });
}

/**
 * One core per Wix site: its settings, its Wix client and rate budget, its state (keys scoped to
 * the site) and a queue that stamps the site on what its use-cases send. ERPNext, the tables and
 * the queues themselves are shared: one ERPNext serves every site.
 */
async function buildCores(
  env: NodeJS.ProcessEnv = process.env,
  v1Adapters: V1AdaptersFactory = catalogV1,
): Promise<Core[]> {
  const sites = await loadSites(env);
  const aws = awsClients(env);
  const onRetry =
    (system: string) => (info: { attempt: number; delayMs: number; status?: number; reason: string }) =>
      logger.warn(`${system} call failed, retrying`, { ...info });
  const global = sites[0] as Settings;
  // Test mode: the adapters withhold every write (shared/http/dry-run.ts); the runtime logs them.
  const testMode = global.dryRun;
  const onWithheldWrite = testMode ? recordWithheldWrite : undefined;
  const erpnext = new ErpnextClient({ ...global.erpnext, onRetry: onRetry("ERPNext"), onWithheldWrite });
  const several = sites.length > 1;
  const everySiteState = new StateStore(aws.db, aws.tables.state, { testMode });
  return sites.map((settings) => {
    const wix = new WixClient({
      ...settings.wix,
      budget: new RateBudget(settings.wix.requestsPerMinute),
      onRetry: onRetry(several ? `Wix (${settings.site})` : "Wix"),
      onWithheldWrite,
    });
    return {
      site: settings.site,
      settings,
      secrets: secretValues(settings),
      erpnext,
      wix,
      // The V1 adapters share the site's HttpClient: one rate budget, one auth, one dry-run guard.
      catalog: siteCatalog(wix, settings.site, v1Adapters),
      state: new StateStore(aws.db, aws.tables.state, { testMode, site: settings.site }),
      everySiteState,
      log: testMode
        ? new TestModeSyncLog(aws.db, aws.tables.syncLog, settings.site)
        : new SyncLog(aws.db, aws.tables.syncLog, settings.site),
      queue: aws.queue.forSite(settings.site),
      dynamo: aws.dynamo,
      tables: aws.tables,
    };
  });
}

let cached: Promise<Core[]> | undefined;

/** Every site's core, built once; a failed build is not cached so the next invocation tries again. */
export function getCores(): Promise<Core[]> {
  cached ??= buildCores().catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** A site that is not (or no longer) in the settings: its messages wait in the DLQ for a person. */
export class UnknownSiteError extends PermanentError {
  constructor(site: string, known: string[]) {
    super(`site "${site}" is not configured (sites: ${known.join(", ")})`);
  }
}

/** The core of one site; without a name the first site's (the only one without SITES_FILE). */
export async function getCore(site?: string): Promise<Core> {
  const cores = await getCores();
  const core = site === undefined ? cores[0] : cores.find((c) => c.site === site);
  if (!core)
    throw new UnknownSiteError(
      site ?? "",
      cores.map((c) => c.site),
    );
  return core;
}

/** Forgets the core, and with it everything built on it (see `perCore`). */
export function resetCore(): void {
  cached = undefined;
}

/**
 * One `build(core)` per core: the functions of one process (the local host runs them all)
 * share one instance of each use-case, as they share one set of clients and one Wix budget.
 */
export function perCore<T>(build: (core: Core) => T): (core: Core) => T {
  const built = new WeakMap<Core, T>();
  return (core) => {
    let value = built.get(core);
    if (value === undefined) {
      value = build(core);
      built.set(core, value);
    }
    return value;
  };
}

/** A root's `getContext(site?)`: that site's core plus what `extend` adds, once per core. */
export function rootContext<T extends object>(
  extend: (core: Core) => T,
): (site?: string) => Promise<Core & T> {
  const context = perCore((core) => ({ ...core, ...extend(core) }));
  return async (site) => context(await getCore(site));
}
