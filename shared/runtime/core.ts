import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type Settings, secretValues } from "../config/settings";
import { ErpnextClient } from "../erpnext/client";
import { RateBudget } from "../http/rate-budget";
import { StateStore } from "../store/state";
import { SyncLog } from "../store/sync-log";
import type { TableNames } from "../store/tables";
import { WixClient } from "../wix/client";
import { awsClients } from "./aws";
import { recordWithheldWrite, TestModeSyncLog } from "./dry-run";
import { logger } from "./logger";
import { loadSettings } from "./settings";

/**
 * What every function beyond the webhook edges builds on: the settings, both APIs, the state
 * store, the sync log and the queue. Each worker's composition root (functions/workers/<flow>.ts)
 * adds only the use-cases it runs, so its bundle carries only those.
 */
export interface Core {
  settings: Settings;
  secrets: string[];
  erpnext: ErpnextClient;
  wix: WixClient;
  state: StateStore;
  log: SyncLog;
  queue: ReturnType<typeof awsClients>["queue"];
  dynamo: DynamoDBClient;
  tables: TableNames;
}

async function buildCore(env: NodeJS.ProcessEnv = process.env): Promise<Core> {
  const settings = await loadSettings(env);
  const aws = awsClients(env);
  const onRetry =
    (system: string) => (info: { attempt: number; delayMs: number; status?: number; reason: string }) =>
      logger.warn(`${system} call failed, retrying`, { ...info });
  // Test mode: the adapters withhold every write (shared/http/dry-run.ts); the runtime logs them.
  const testMode = settings.dryRun;
  const onWithheldWrite = testMode ? recordWithheldWrite : undefined;
  return {
    settings,
    secrets: secretValues(settings),
    erpnext: new ErpnextClient({ ...settings.erpnext, onRetry: onRetry("ERPNext"), onWithheldWrite }),
    wix: new WixClient({
      ...settings.wix,
      budget: new RateBudget(settings.wix.requestsPerMinute),
      onRetry: onRetry("Wix"),
      onWithheldWrite,
    }),
    state: new StateStore(aws.db, aws.tables.state, { testMode }),
    log: testMode ? new TestModeSyncLog(aws.db, aws.tables.syncLog) : new SyncLog(aws.db, aws.tables.syncLog),
    queue: aws.queue,
    dynamo: aws.dynamo,
    tables: aws.tables,
  };
}

let cached: Promise<Core> | undefined;

/** The container's core, built once; a failed build is not cached so the next invocation tries again. */
export function getCore(): Promise<Core> {
  cached ??= buildCore().catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
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

/** A root's `getContext`: the core plus what `extend` adds, once per core. */
export function rootContext<T extends object>(extend: (core: Core) => T): () => Promise<Core & T> {
  const context = perCore((core) => ({ ...core, ...extend(core) }));
  return async () => context(await getCore());
}
