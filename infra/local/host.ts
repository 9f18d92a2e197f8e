import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DEFAULT_SITE } from "#shared/config/settings";
import { ConfigError, errorMessage } from "#shared/errors";
import { QUEUES, type QueueName } from "#shared/flows/registry";
import type { JobInput, JobName } from "#shared/jobs/definitions";
import type { ErpnextSandbox } from "../sandbox/erpnext";
import type { WixSandbox } from "../sandbox/wix";
import { type LocalAws, openDynamo, type ParkedMessage, startLocalAws } from "./aws";
import { applyProcessEnv, connectHost, lockDataDir, readHostSettings, sandboxesFor } from "./bootstrap";
import {
  allSandboxes,
  controlRoute,
  restoreSandboxes,
  type SandboxStore,
  sandboxStore,
} from "./control-plane";
import { startEventSources } from "./event-source";
import { closeServer, gateway, listen, type RequestHandler, TIMEOUTS } from "./gateway";
import { setUpSandboxErpnext } from "./sandbox-setup";
import { startScheduler } from "./scheduler";

export { MAX_RECEIVES } from "./aws";
export { BODY_LIMIT, WEBHOOK_BODY_LIMIT } from "./gateway";

/**
 * The one local process: the HTTP edge (gateway), dynalite and fauxqs (AWS emulation), queue
 * consumers (event source), job timers (scheduler) and the sandboxes (control plane). The queues,
 * consumers, workers and timers come from the flow registry, the routes from infra/routes.ts.
 */
export interface LocalHost {
  /** The public listener (webhooks, health): PORT on HOST. */
  url: string;
  port: number;
  /**
   * Where the control routes (jobs, DLQs, sandboxes) are served: the loopback OPS_PORT listener,
   * or the main one when OPS_PORT is unset and HOST is loopback.
   */
  opsUrl: string;
  erpnext?: ErpnextSandbox;
  /** The sandbox Wix (with SANDBOX_SITES, the first site's). */
  wix?: WixSandbox;
  /**
   * Every sandbox Wix by site name: SANDBOX_SITES' (each served under /sandbox/wix/<name>), or the
   * one sandbox Wix as "default"; empty when Wix is configured.
   */
  wixSites: Record<string, WixSandbox>;
  env: Record<string, string>;
  /** Runs a job now (what POST /jobs/{name} does). */
  runJob(name: JobName, input?: JobInput): Promise<Record<string, unknown>>;
  /** Sandbox data came back from DATA_DIR (so the demo catalog is not seeded again). */
  sandboxRestored: boolean;
  /** The same wiring the handlers use (stores, clients), for tests and tools. */
  context(): ReturnType<Functions["getContext"]>;
  /** What sits in a queue's DLQ: bodies and the reasons they were parked with. */
  dlq(queue: QueueName): ParkedMessage[];
  /** Resolves when every queue is empty and nothing is in flight (tests, bench). */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalHostOptions {
  env?: Record<string, string | undefined>;
  /** Keep DynamoDB in memory instead of DATA_DIR (tests). */
  inMemory?: boolean;
  /** Run job timers (off in tests, which call runJob). */
  timers?: boolean;
  /** Consumer poll wait in seconds; tests use 0 for speed. */
  pollWaitSeconds?: number;
  /** Keep the sandboxes' data in DATA_DIR across restarts (npm start), so they match DynamoDB. */
  persistSandbox?: boolean;
  /** How long a client may take to send its headers / its whole request (slow clients are cut off). */
  timeouts?: { headersMs: number; requestMs: number };
}

type Functions = typeof import("./functions");

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const input = { ...process.env, ...options.env };
  const { settings, problems } = readHostSettings(input);

  // Requests are answered 503 until the host is ready (a webhook that comes early is retried).
  let handle: RequestHandler | undefined;
  const timeouts = options.timeouts ?? TIMEOUTS;
  // With a bad port there is nothing to listen on; the problems are reported with the settings'.
  const servers: Server[] = [];
  if (!problems.length) {
    try {
      servers.push(await listen(settings.port, settings.bindHost, "public", timeouts, () => handle));
      if (settings.opsPort !== undefined)
        servers.push(await listen(settings.opsPort, "127.0.0.1", "ops", timeouts, () => handle));
    } catch (error) {
      problems.push(`PORT/HOST/OPS_PORT: cannot listen: ${errorMessage(error)}`);
    }
  }
  const [server, opsServer] = servers;
  const boundPort = (srv?: Server) => (srv?.address() as AddressInfo | null)?.port ?? 0;
  const actualPort = boundPort(server);
  const url = `http://${connectHost(settings.bindHost)}:${actualPort}`;
  const opsUrl = opsServer ? `http://127.0.0.1:${boundPort(opsServer)}` : url;
  const ownOrigins = new Set(
    [url, opsUrl].flatMap((u) => [u, u.replace(/\/\/(127\.0\.0\.1|\[::1\]):/, "//localhost:")]),
  );
  const access = { opsOnPublic: !opsServer, ownOrigins, opsToken: settings.opsToken };

  // Sandboxes stand in for whatever is not configured.
  const env: Record<string, string> = Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const sandboxes = sandboxesFor(env, { url, opsUrl });
  const { erpnext, wix, wixSites } = sandboxes;
  problems.push(...sandboxes.problems);

  // Embedded DynamoDB (persisted in DATA_DIR) and SQS.
  const dataDir = env.DATA_DIR || ".data";
  const sandboxFile = join(dataDir, "sandbox.json");
  const persisted = options.persistSandbox && allSandboxes(sandboxes).length > 0;
  const sandboxRestored = Boolean(persisted && restoreSandboxes(sandboxFile, sandboxes));
  // Each sandbox site's events are verified with its own key only (a restored sandbox kept its key).
  if (wixSites)
    env.SITES = JSON.stringify(
      sandboxes.siteEntries?.map((e) => ({
        ...e,
        WIX_WEBHOOK_PUBLIC_KEY: wixSites[e.name]?.publicKeyPem,
      })),
    );
  else if (wix) env.SANDBOX_WIX_PUBLIC_KEY = wix.publicKeyPem;
  let releaseLock: (() => void) | undefined;
  let db: ReturnType<typeof openDynamo>;
  try {
    if (!options.inMemory) releaseLock = lockDataDir(dataDir);
    db = openDynamo(options.inMemory ? undefined : dataDir);
  } catch (error) {
    problems.push(`DATA_DIR: cannot use "${dataDir}": ${errorMessage(error)}`);
    db = openDynamo(undefined);
  }
  // fauxqs is in memory: with a DATA_DIR, a journal keeps queues and DLQs across a crash.
  const aws: LocalAws = await startLocalAws(db, releaseLock ? dataDir : undefined);

  Object.assign(env, aws.queueEnv, {
    DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    SQS_ENDPOINT: aws.sqsEndpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    POWERTOOLS_METRICS_DISABLED: "true",
    LOG_FORMAT: env.LOG_FORMAT ?? "pretty",
  });
  // The handlers read process.env exactly as on Lambda; stop() puts it back as it was.
  const restoreEnv = applyProcessEnv(env);

  const functions: Functions = await import("./functions");
  functions.resetContext();
  try {
    await functions.loadSettings(process.env);
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else throw error;
  }
  const closeAll = async () => {
    await Promise.all(servers.map((srv) => closeServer(srv)));
    await aws.close();
    releaseLock?.();
  };
  if (problems.length) {
    await closeAll();
    restoreEnv();
    throw new ConfigError(problems);
  }

  await aws.createTables();
  const restored = await aws.replayJournal();
  if (restored) functions.logger.info(`queues: ${restored} message(s) restored from ${dataDir}`);

  const eventSources = startEventSources({
    sqsEndpoint: aws.sqsEndpoint,
    queueUrl: aws.queueUrl,
    workers: await functions.loadWorkers(),
    pollWaitSeconds: options.pollWaitSeconds ?? 1,
  });

  const runJob = async (name: JobName, input?: JobInput) => functions.jobs({ job: name, ...input });
  const store: SandboxStore | undefined = persisted ? sandboxStore(sandboxFile, sandboxes) : undefined;
  handle = gateway({
    api: functions.api,
    control: (req) =>
      controlRoute(req, {
        ...sandboxes,
        runJob,
        dlq: aws.dlq,
        redrive: async (queue) => (await functions.getContext()).queue.redrive(queue),
      }),
    access,
    beforeRequest: store?.beforeRequest,
    afterRequest: store?.afterRequest,
  });

  if (erpnext) {
    const { erpnext: client, settings: integration } = await functions.getContext();
    await setUpSandboxErpnext(
      { erpnext: client, settings: integration, webhookUrl: `${url}/webhooks/erpnext` },
      (message) => functions.logger.warn(message),
    );
  }

  const stopScheduler = options.timers
    ? startScheduler({
        intervals: settings.intervals,
        runJob,
        onError: (message, reason) => functions.logger.error(message, { reason }),
      })
    : undefined;

  return {
    url,
    port: actualPort,
    opsUrl,
    erpnext,
    wix,
    wixSites: wixSites ?? (wix ? { [DEFAULT_SITE]: wix } : {}),
    env,
    runJob,
    context: () => functions.getContext(),
    dlq: aws.dlq,
    async drain(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (let quiet = 0; quiet < 3; ) {
        if (Date.now() > deadline) throw new Error("queues did not drain in time");
        for (const sandbox of allSandboxes(sandboxes)) await sandbox.webhooksSettled();
        const busy = eventSources.busy() || QUEUES.some((q) => aws.depth(q) > 0);
        quiet = busy ? 0 : quiet + 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    sandboxRestored,
    async stop() {
      stopScheduler?.();
      await eventSources.stop();
      store?.close();
      await closeAll();
      restoreEnv();
      functions.resetContext();
    },
  };
}
