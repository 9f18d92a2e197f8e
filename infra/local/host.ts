import { createHash, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, isIPv6 } from "node:net";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import {
  DeleteMessageBatchCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from "aws-lambda";
import dynalite from "dynalite";
import { startFauxqs } from "fauxqs";
import { ConfigError, errorMessage } from "../../shared/errors";
import { scrub } from "../../shared/http/redact";
import { intervalOverrides, isJobName, JOBS, type JobName } from "../../shared/jobs/definitions";
import { QUEUES, type QueueName } from "../../shared/queue/messages";
import { MAX_RECEIVE_COUNT, WORKER_CONCURRENCY } from "../../shared/queue/policy";
import { TABLES, tableNamesFromEnv } from "../../shared/store/tables";
import { ErpnextSandbox, type ErpnextSnapshot } from "../sandbox/erpnext";
import { type Fault, faultProblem, type SimRequest, type SimResponse, send } from "../sandbox/kit";
import { WixSandbox, type WixSnapshot } from "../sandbox/wix";
import { durableQueues } from "./durable-queues";

/** The one local process: HTTP edge, dynalite, fauxqs, queue consumers, job timers, sandboxes. */
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
  wix?: WixSandbox;
  env: Record<string, string>;
  /** Runs a job now (what POST /jobs/{name} does). */
  runJob(name: JobName): Promise<Record<string, unknown>>;
  /** Sandbox data came back from DATA_DIR (so the demo catalog is not seeded again). */
  sandboxRestored: boolean;
  /** The same wiring the handlers use (stores, clients), for tests and tools. */
  context(): ReturnType<Functions["getContext"]>;
  /** What sits in a queue's DLQ: bodies and the reasons they were parked with. */
  dlq(queue: QueueName): { body: unknown; reason?: string; parkedAs?: string; receives: number }[];
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

/** Webhook bodies are a JWT or a (thin or full) document: a few KB; 1 MB is far beyond any. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** Any other body (sandbox bulk calls): API Gateway's own cap. */
export const BODY_LIMIT = 10 * 1024 * 1024;
const TIMEOUTS = { headersMs: 10_000, requestMs: 30_000 };

const SANDBOX_ERPNEXT = {
  key: "sandbox-api-key",
  secret: "sandbox-api-secret",
  webhook: "sandbox-webhook-secret",
};
const SANDBOX_WIX = { key: "sandbox-wix-api-key", site: "sandbox-site-id" };
/** The same receive limit as the CDK stack's redrive policy. */
export const MAX_RECEIVES = MAX_RECEIVE_COUNT;
const VISIBILITY_TIMEOUT_SECONDS = 60;
/** How soon a sandbox write reaches DATA_DIR/sandbox.json. */
const SANDBOX_SAVE_MS = 300;

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const input = { ...process.env, ...options.env };
  const problems: string[] = [];
  const port = Number(input.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT: expected a port number, got "${input.PORT}"`);
  const { intervals, problems: intervalProblems } = intervalOverrides(input);
  problems.push(...intervalProblems);

  const healthCache = input.HEALTH_CACHE_SECONDS?.trim();
  if (healthCache && !/^\d+$/.test(healthCache))
    problems.push(`HEALTH_CACHE_SECONDS: expected whole seconds, got "${input.HEALTH_CACHE_SECONDS}"`);
  const bindHost = input.HOST?.trim() || "127.0.0.1";
  const opsPortText = input.OPS_PORT?.trim();
  const opsPortValue = opsPortText ? Number(opsPortText) : undefined;
  if (
    opsPortValue !== undefined &&
    (!Number.isInteger(opsPortValue) || opsPortValue < 0 || opsPortValue > 65535)
  )
    problems.push(`OPS_PORT: expected a port number, got "${input.OPS_PORT}"`);
  const opsToken = input.OPS_TOKEN?.trim() || undefined;
  if (opsToken && opsToken.length < 16) problems.push("OPS_TOKEN: at least 16 characters");
  // Control routes are never served on a listener other hosts can reach: with a non-loopback HOST
  // they get a loopback listener of their own even without OPS_PORT (any free port).
  const opsPort = opsPortValue ?? (isLoopbackHost(bindHost) ? undefined : 0);

  // Requests are answered 503 until the host is ready (a webhook that comes early is retried).
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const notReady = (_req: IncomingMessage, res: ServerResponse) =>
    send(res, {
      status: 503,
      body: { error: "starting, try again shortly" },
      headers: { connection: "close" },
    });
  const timeouts = options.timeouts ?? TIMEOUTS;
  const listen = async (p: number, address: string, listener: Listener) => {
    const srv = createServer({
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // How often slow requests are looked for (Node's default is 30 s).
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
    });
    srv.on("request", (req, res) => {
      (req as ListenedRequest).listener = listener;
      (handle ?? notReady)(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(p, address, () => resolve());
    });
    return srv;
  };
  // With a bad port there is nothing to listen on; the problems are reported with the settings'.
  const servers: Server[] = [];
  if (!problems.length) {
    try {
      servers.push(await listen(port, bindHost, "public"));
      if (opsPort !== undefined) servers.push(await listen(opsPort, "127.0.0.1", "ops"));
    } catch (error) {
      problems.push(`PORT/HOST/OPS_PORT: cannot listen: ${errorMessage(error)}`);
    }
  }
  const [server, opsServer] = servers;
  const boundPort = (srv?: Server) => (srv?.address() as AddressInfo | null)?.port ?? 0;
  const actualPort = boundPort(server);
  const url = `http://${connectHost(bindHost)}:${actualPort}`;
  const opsUrl = opsServer ? `http://127.0.0.1:${boundPort(opsServer)}` : url;
  const ownOrigins = new Set(
    [url, opsUrl].flatMap((u) => [u, u.replace(/\/\/(127\.0\.0\.1|\[::1\]):/, "//localhost:")]),
  );
  const access: Access = { opsOnPublic: !opsServer, ownOrigins, opsToken };

  // Sandboxes stand in for whatever is not configured.
  const env: Record<string, string> = Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  let erpnext: ErpnextSandbox | undefined;
  let wix: WixSandbox | undefined;
  if (!env.ERPNEXT_URL) {
    env.ERPNEXT_URL = `${opsUrl}/sandbox/erpnext`;
    env.ERPNEXT_API_KEY ||= SANDBOX_ERPNEXT.key;
    env.ERPNEXT_API_SECRET ||= SANDBOX_ERPNEXT.secret;
    env.ERPNEXT_WEBHOOK_SECRET ||= SANDBOX_ERPNEXT.webhook;
    env.ERPNEXT_COMPANY ||= "Sandbox Co";
    env.ERPNEXT_WAREHOUSE ||= "Stores - SC";
    env.ERPNEXT_SHIPPING_ACCOUNT ||= "Freight and Forwarding Charges - SC";
    env.ERPNEXT_TAX_ACCOUNT ||= "VAT - SC";
    env.ERPNEXT_PAYMENT_ACCOUNT ||= "Wix Payments - SC";
    erpnext = new ErpnextSandbox({
      apiKey: env.ERPNEXT_API_KEY,
      apiSecret: env.ERPNEXT_API_SECRET,
      webhookUrl: `${url}/webhooks/erpnext`,
      webhookSecret: env.ERPNEXT_WEBHOOK_SECRET,
    });
  }
  if (!env.WIX_API_KEY && !env.WIX_APP_ID) {
    env.WIX_API_URL = `${opsUrl}/sandbox/wix`;
    env.WIX_API_KEY = SANDBOX_WIX.key;
    env.WIX_SITE_ID = SANDBOX_WIX.site;
    wix = new WixSandbox({
      apiKey: env.WIX_API_KEY,
      siteId: env.WIX_SITE_ID,
      // Its events name the configured instance, so WIX_INSTANCE_ID can be tried locally.
      instanceId: env.WIX_INSTANCE_ID,
      webhookUrl: `${url}/webhooks/wix`,
    });
  }

  // Embedded DynamoDB (persisted in DATA_DIR) and SQS.
  const dataDir = env.DATA_DIR || ".data";
  const sandboxFile = join(dataDir, "sandbox.json");
  const sandboxRestored = Boolean(
    options.persistSandbox && (erpnext || wix) && restoreSandboxes(sandboxFile, erpnext, wix),
  );
  if (wix) env.SANDBOX_WIX_PUBLIC_KEY = wix.publicKeyPem;
  let db: ReturnType<typeof dynalite>;
  const lockFile = join(dataDir, "host.pid");
  let locked = false;
  try {
    if (!options.inMemory) {
      mkdirSync(dataDir, { recursive: true });
      const holder = lockHolder(lockFile);
      if (holder)
        throw new Error(`in use by another local host (pid ${holder}): stop it, or set another DATA_DIR`);
      writeFileSync(lockFile, String(process.pid));
      locked = true;
    }
    db = dynalite(options.inMemory ? { createTableMs: 0 } : { path: dataDir, createTableMs: 0 });
  } catch (error) {
    problems.push(`DATA_DIR: cannot use "${dataDir}": ${errorMessage(error)}`);
    db = dynalite({ createTableMs: 0 });
  }
  await new Promise<void>((resolve) => db.listen(0, "127.0.0.1", () => resolve()));
  const dynamoEndpoint = `http://127.0.0.1:${(db.address() as AddressInfo).port}`;
  const sqsServer = await startFauxqs({ port: 0, logger: false, host: "127.0.0.1" });
  // fauxqs is in memory: with a DATA_DIR, a journal keeps queues and DLQs across a crash.
  const journal = locked
    ? await durableQueues({ target: sqsServer.address, journalFile: join(dataDir, "queues.journal") })
    : undefined;
  const sqsEndpoint = journal?.endpoint ?? sqsServer.address;

  const queueEnv: Record<string, string> = {};
  const queueUrls = new Map<string, string>();
  for (const q of QUEUES) {
    const dlq = sqsServer.createQueue(`ews-${q}-dlq`);
    const main = sqsServer.createQueue(`ews-${q}`, {
      attributes: {
        VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: MAX_RECEIVES }),
      },
    });
    queueEnv[`${q.toUpperCase()}_QUEUE_URL`] = main.queueUrl;
    queueEnv[`${q.toUpperCase()}_DLQ_URL`] = dlq.queueUrl;
    queueUrls.set(main.queueName, main.queueUrl).set(dlq.queueName, dlq.queueUrl);
  }

  Object.assign(env, queueEnv, {
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    SQS_ENDPOINT: sqsEndpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    POWERTOOLS_METRICS_DISABLED: "true",
    LOG_FORMAT: env.LOG_FORMAT ?? "pretty",
  });
  // The handlers read process.env exactly as on Lambda; stop() puts it back as it was.
  const previousEnv = { ...process.env };
  const restoreEnv = () => {
    for (const key of Object.keys(process.env)) if (!(key in previousEnv)) delete process.env[key];
    Object.assign(process.env, previousEnv);
  };
  Object.assign(process.env, env);

  const functions = await import("./functions");
  functions.resetContext();
  try {
    await functions.loadSettings(process.env);
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else throw error;
  }
  if (problems.length) {
    await journal?.close();
    await closeAll(servers, db, sqsServer);
    if (locked) rmSync(lockFile, { force: true });
    restoreEnv();
    throw new ConfigError(problems);
  }

  await createTables(dynamoEndpoint);
  const restored = await journal?.replay((name) => queueUrls.get(name));
  if (restored) functions.logger.info(`queues: ${restored} message(s) restored from ${dataDir}`);

  const sqs = new SQSClient({
    region: "us-east-1",
    endpoint: sqsEndpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  // As many consumers per queue as the event source mapping's maxConcurrency in AWS, so races
  // between concurrent batches happen here too.
  const consumers = QUEUES.flatMap((q) =>
    Array.from(
      { length: WORKER_CONCURRENCY[q] },
      () =>
        new Consumer(
          q,
          queueEnv[`${q.toUpperCase()}_QUEUE_URL`] as string,
          sqs,
          functions.workers[q],
          options.pollWaitSeconds ?? 1,
        ),
    ),
  );
  for (const c of consumers) c.start();

  const runJob = async (name: JobName) => functions.jobs({ job: name });
  const inspectDlq = (queue: QueueName) => {
    const state = sqsServer.inspectQueue(`ews-${queue}-dlq`);
    const all = [
      ...(state?.messages.ready ?? []),
      ...(state?.messages.delayed ?? []),
      ...(state?.messages.inflight ?? []).map((i) => i.message),
    ];
    return all.map((m) => ({
      body: parseMaybe(m.body),
      reason: m.messageAttributes?.reason?.StringValue,
      parkedAs: m.messageAttributes?.parkedAs?.StringValue,
      receives: m.approximateReceiveCount,
    }));
  };
  // Sandbox writes are saved within SANDBOX_SAVE_MS of being answered (a crash loses at most
  // that); a burst of writes shares one save, since the file is rewritten whole.
  const persist = options.persistSandbox && (erpnext || wix);
  let pendingSave: NodeJS.Timeout | undefined;
  const saveAfter = (req: IncomingMessage) => {
    if (
      !persist ||
      pendingSave ||
      !req.url?.startsWith("/sandbox/") ||
      isSandboxRead(req.method ?? "GET", req.url)
    )
      return;
    pendingSave = setTimeout(() => {
      pendingSave = undefined;
      saveSandboxes(sandboxFile, erpnext, wix);
    }, SANDBOX_SAVE_MS);
  };
  handle = (req, res) => {
    void route(req, res, { erpnext, wix, functions, runJob, inspectDlq, access })
      .catch((error) => {
        // A malformed percent-encoding anywhere in a path is the caller's mistake.
        if (error instanceof URIError)
          return send(res, { status: 400, body: { error: "malformed percent-encoding in the path" } });
        send(res, { status: 500, body: { error: scrub(errorMessage(error)) } });
      })
      .finally(() => saveAfter(req));
  };

  const timers: NodeJS.Timeout[] = [];
  if (persist) {
    // Changes made in-process (the demo seed, webhook delivery logs) are saved on a timer too.
    timers.push(setInterval(() => saveSandboxes(sandboxFile, erpnext, wix), 30_000));
  }
  if (options.timers) {
    for (const job of JOBS) {
      const every = intervals[job.name] ?? job.everyMs;
      timers.push(
        setInterval(() => {
          void runJob(job.name).catch((error) =>
            functions.logger.error(`job ${job.name} failed`, { reason: errorMessage(error) }),
          );
        }, every),
      );
    }
  }

  return {
    url,
    port: actualPort,
    opsUrl,
    erpnext,
    wix,
    env,
    runJob,
    context: () => functions.getContext(),
    dlq: inspectDlq,
    async drain(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (let quiet = 0; quiet < 3; ) {
        if (Date.now() > deadline) throw new Error("queues did not drain in time");
        await erpnext?.webhooksSettled();
        await wix?.webhooksSettled();
        const busy =
          consumers.some((c) => c.busy) ||
          (await Promise.all(QUEUES.map((q) => sqsDepth(sqsServer, q)))).some((n) => n > 0);
        quiet = busy ? 0 : quiet + 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    sandboxRestored,
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all(consumers.map((c) => c.stop()));
      clearTimeout(pendingSave);
      if (options.persistSandbox) saveSandboxes(sandboxFile, erpnext, wix);
      await journal?.close();
      await closeAll(servers, db, sqsServer);
      if (locked) rmSync(lockFile, { force: true });
      restoreEnv();
      functions.resetContext();
    },
  };
}

interface SandboxFile {
  erpnext?: ErpnextSnapshot;
  wix?: WixSnapshot;
}

/** The pid holding DATA_DIR, if that process still runs (a crashed host leaves a stale file). */
function lockHolder(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8"));
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/**
 * A sandbox call that changes nothing: a GET, or one of Wix's query and search calls (POSTs that
 * only read). Saving the whole sandbox after each of those would cost a large store for nothing.
 */
function isSandboxRead(method: string, url: string): boolean {
  const path = url.split("?")[0] ?? "";
  return method === "GET" || /^\/sandbox\/wix\/.*\/(query|search)(-variants)?$/.test(path);
}

function restoreSandboxes(file: string, erpnext?: ErpnextSandbox, wix?: WixSandbox): boolean {
  if (!existsSync(file)) return false;
  const saved = JSON.parse(readFileSync(file, "utf8")) as SandboxFile;
  if (erpnext && saved.erpnext) erpnext.restore(saved.erpnext);
  if (wix && saved.wix) wix.restore(saved.wix);
  return Boolean((erpnext && saved.erpnext) || (wix && saved.wix));
}

function saveSandboxes(file: string, erpnext?: ErpnextSandbox, wix?: WixSandbox): void {
  const data: SandboxFile = { erpnext: erpnext?.snapshot(), wix: wix?.snapshot() };
  writeFileSync(`${file}.tmp`, JSON.stringify(data));
  renameSync(`${file}.tmp`, file); // never a half-written file
}

function parseMaybe(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sqsDepth(server: Awaited<ReturnType<typeof startFauxqs>>, q: QueueName): number {
  const state = server.inspectQueue(`ews-${q}`);
  if (!state) return 0;
  return state.messages.ready.length + state.messages.delayed.length + state.messages.inflight.length;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function closeAll(
  servers: Server[],
  db: ReturnType<typeof dynalite>,
  sqsServer: Awaited<ReturnType<typeof startFauxqs>>,
) {
  await Promise.all(servers.map((srv) => closeServer(srv)));
  await new Promise<void>((resolve) => db.close(() => resolve()));
  await sqsServer.stop();
}

async function createTables(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const names = tableNamesFromEnv(process.env);
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const key of Object.keys(TABLES) as (keyof typeof TABLES)[]) {
    const spec = TABLES[key];
    const name = names[key];
    if (existing.has(name)) continue;
    const sortKey = "sortKey" in spec ? spec.sortKey : undefined;
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: spec.partitionKey, AttributeType: "S" },
          ...(sortKey ? [{ AttributeName: sortKey, AttributeType: "S" as const }] : []),
        ],
        KeySchema: [
          { AttributeName: spec.partitionKey, KeyType: "HASH" },
          ...(sortKey ? [{ AttributeName: sortKey, KeyType: "RANGE" as const }] : []),
        ],
      }),
    );
  }
  client.destroy();
}

type Functions = typeof import("./functions");

/** Polls one queue and hands SQS-shaped batches to the same handler Lambda would run. */
class Consumer {
  busy = false;
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly name: QueueName,
    private readonly url: string,
    private readonly sqs: SQSClient,
    private readonly handler: (event: SQSEvent) => Promise<SQSBatchResponse>,
    private readonly waitSeconds: number,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const res = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: this.waitSeconds,
            MessageSystemAttributeNames: ["All"],
            MessageAttributeNames: ["All"],
          }),
        );
        const messages = res.Messages ?? [];
        if (!messages.length) {
          if (!this.waitSeconds) await new Promise((r) => setTimeout(r, 25));
          continue;
        }
        this.busy = true;
        const event: SQSEvent = {
          Records: messages.map((m) => ({
            messageId: m.MessageId as string,
            receiptHandle: m.ReceiptHandle as string,
            body: m.Body ?? "",
            attributes: {
              ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1",
              SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
              SenderId: "local",
              ApproximateFirstReceiveTimestamp:
                m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
            },
            messageAttributes: lambdaAttributes(m.MessageAttributes),
            md5OfBody: m.MD5OfBody ?? "",
            eventSource: "aws:sqs",
            eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:ews-${this.name}`,
            awsRegion: "us-east-1",
          })),
        };
        let failed = new Set<string>();
        try {
          const result = await this.handler(event);
          failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
        } catch {
          failed = new Set(messages.map((m) => m.MessageId as string)); // the whole batch failed, as on Lambda
        }
        const done = messages.filter((m) => !failed.has(m.MessageId as string));
        if (done.length) {
          await this.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: this.url,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
            }),
          );
        }
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      } finally {
        this.busy = false;
      }
    }
  }
}

/** SQS message attributes as Lambda's SQS event carries them (camel-cased keys). */
function lambdaAttributes(
  attrs: Record<string, MessageAttributeValue> | undefined,
): SQSRecord["messageAttributes"] {
  return Object.fromEntries(
    Object.entries(attrs ?? {}).map(([name, a]) => [
      name,
      {
        dataType: a.DataType ?? "String",
        stringValue: a.StringValue,
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  );
}

// --- routes ----------------------------------------------------------------------------------

interface RouteDeps {
  erpnext?: ErpnextSandbox;
  wix?: WixSandbox;
  functions: Functions;
  runJob: (name: JobName) => Promise<Record<string, unknown>>;
  inspectDlq: (queue: QueueName) => ReturnType<LocalHost["dlq"]>;
  access: Access;
}

/** Which listener took a request: the public one (PORT on HOST) or the loopback ops one (OPS_PORT). */
type Listener = "public" | "ops";
type ListenedRequest = IncomingMessage & { listener?: Listener };

interface Access {
  /** No ops listener: the control routes share the (loopback) public one. */
  opsOnPublic: boolean;
  /** This host's own origins: a browser page served by anyone else must not drive it. */
  ownOrigins: Set<string>;
  opsToken?: string;
}

/** Public routes: what ERPNext, Wix and a monitor call. Everything else is control (ops) surface. */
const isPublicPath = (path: string) => path === "/health" || path.startsWith("/webhooks/");
/** Routes that change or reveal the integration's state (not the sandboxes' own token-auth APIs). */
const isControlPath = (path: string) => /^\/(jobs|dlq)(\/|$)/.test(path) || /^\/sandbox\/[^/]+\/_/.test(path);

/**
 * Whether a control or sandbox request may be served here: undefined = yes, else the refusal.
 * "Loopback" is decided by the listener and the request, never by the socket address alone: a
 * reverse proxy on the same machine connects from loopback for everyone on the internet.
 */
function refusal(req: ListenedRequest, path: string, access: Access): SimResponse | undefined {
  if (req.listener === "public" && !access.opsOnPublic)
    return { status: 404, body: { error: `no route ${path}` } }; // served on OPS_PORT only
  const forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"].some((h) => req.headers[h] !== undefined);
  if (forwarded)
    return {
      status: 403,
      body: { error: "control routes answer direct loopback requests only, not proxied ones (see OPS_PORT)" },
    };
  const origin = req.headers.origin;
  if (origin !== undefined && !access.ownOrigins.has(origin))
    return { status: 403, body: { error: `cross-origin request from ${origin} refused` } };
  if (access.opsToken && isControlPath(path) && !bearerMatches(req.headers.authorization, access.opsToken))
    return {
      status: 401,
      body: { error: "control routes need Authorization: Bearer <OPS_TOKEN>" },
      headers: { "www-authenticate": "Bearer" },
    };
  return undefined;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1]?.trim() ?? "";
  const digest = (v: string) => createHash("sha256").update(v).digest();
  return timingSafeEqual(digest(given), digest(token)); // constant time whatever the lengths
}

const TOO_LARGE = Symbol("too large");

/**
 * The body, or TOO_LARGE as soon as it is known to exceed `limit`: a declared Content-Length is
 * checked before anything is read, a streamed (chunked) body is counted as it comes.
 */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | typeof TOO_LARGE> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        resolve(TOO_LARGE);
      } else chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

/** 413 without reading the rest; the connection is closed, since the unread body is still on it. */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  res.once("finish", () => {
    req.socket.end();
    setTimeout(() => req.socket.destroy(), 1000).unref();
  });
  send(res, {
    status: 413,
    body: { error: `request body over ${limit} bytes` },
    headers: { connection: "close" },
  });
}

async function route(req: ListenedRequest, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const parsed = new URL(req.url ?? "/", "http://localhost");
  const path = parsed.pathname;
  const method = req.method ?? "GET";
  if (!isPublicPath(path)) {
    const refused = refusal(req, path, deps.access);
    if (refused) return send(res, refused);
  }
  const limit = path.startsWith("/webhooks/") ? WEBHOOK_BODY_LIMIT : BODY_LIMIT;
  const raw = await readLimited(req, limit);
  if (raw === TOO_LARGE) return refuseTooLarge(req, res, limit);

  if (path.startsWith("/sandbox/"))
    return sandboxRoute(method, path, parsed.searchParams, req, raw, res, deps);

  // The Webhook doctype may be set to POST (default), PUT or DELETE.
  if (["POST", "PUT", "DELETE"].includes(method) && path === "/webhooks/erpnext")
    return reply(res, await deps.functions.erpnextWebhook(apiEvent(req, raw, path)));
  if (method === "POST" && path === "/webhooks/wix")
    return reply(res, await deps.functions.wixWebhook(apiEvent(req, raw, path)));
  if (method === "GET" && path === "/health") return reply(res, await deps.functions.health());
  const job = /^\/jobs\/([^/]+)$/.exec(path);
  if (job && method === "POST") {
    const name = decodeURIComponent(job[1] as string);
    if (!isJobName(name))
      return send(res, {
        status: 404,
        body: { error: `unknown job "${name}"`, jobs: JOBS.map((j) => j.name) },
      });
    try {
      return send(res, { status: 200, body: await deps.runJob(name) });
    } catch (error) {
      return send(res, { status: 502, body: { job: name, error: scrub(errorMessage(error)) } });
    }
  }
  // Local ops: what is parked, and putting it back once the cause is fixed (AWS: see README).
  const dlq = /^\/dlq\/([^/]+)(\/redrive)?$/.exec(path);
  if (dlq) {
    const queue = decodeURIComponent(dlq[1] as string) as QueueName;
    if (!(QUEUES as readonly string[]).includes(queue))
      return send(res, { status: 404, body: { error: `no queue ${queue}`, queues: QUEUES } });
    if (method === "GET" && !dlq[2])
      return send(res, { status: 200, body: { queue, messages: deps.inspectDlq(queue) } });
    if (method === "POST" && dlq[2]) {
      const ctx = await deps.functions.getContext();
      return send(res, { status: 200, body: { queue, redriven: await ctx.queue.redrive(queue) } });
    }
  }
  const known = ["/webhooks/erpnext", "/webhooks/wix", "/health"].includes(path) || job || dlq;
  send(
    res,
    known
      ? { status: 405, body: { error: `${method} not allowed on ${path}` } }
      : { status: 404, body: { error: `no route ${path}` } },
  );
}

async function sandboxRoute(
  method: string,
  path: string,
  query: URLSearchParams,
  req: IncomingMessage,
  raw: Buffer,
  res: ServerResponse,
  deps: RouteDeps,
): Promise<void> {
  const [, , system, ...rest] = path.split("/");
  const sim = system === "erpnext" ? deps.erpnext : system === "wix" ? deps.wix : undefined;
  if (!sim)
    return send(res, { status: 404, body: { error: `no sandbox ${system} (a real one is configured)` } });
  const subPath = `/${rest.join("/")}`;
  let body: unknown;
  if (raw.length) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return send(res, { status: 400, body: { message: "body is not JSON" } });
    }
  }
  // Control surface for tests and demos (local only, no auth): faults, orders.
  if (subPath === "/_faults") {
    if (method === "GET") return send(res, { status: 200, body: { pending: sim.faults.pending } });
    if (method === "DELETE") sim.faults.clear();
    else {
      // One fault, or a list of them applied in turn (a fault schedule, as the chaos run sets).
      const faults = Array.isArray(body) ? body : [body];
      for (const [i, fault] of faults.entries()) {
        const problem = faultProblem(fault);
        if (problem)
          return send(res, {
            status: 400,
            body: { error: Array.isArray(body) ? `[${i}]: ${problem}` : problem },
          });
      }
      for (const fault of faults) sim.faults.add(fault as Fault);
    }
    return send(res, { status: 200, body: { ok: true } });
  }
  if (sim instanceof WixSandbox && subPath === "/_rejected-skus") {
    for (const sku of (body as { skus?: string[] })?.skus ?? []) sim.rejectedSkus.add(sku);
    return send(res, { status: 200, body: { rejected: [...sim.rejectedSkus] } });
  }
  if (sim instanceof WixSandbox && subPath.startsWith("/_orders")) {
    try {
      return send(res, await wixOrderControl(sim, method, subPath, body));
    } catch (error) {
      // A malformed checkout or an unknown order is the caller's mistake, not a server fault.
      return send(res, { status: 400, body: { error: errorMessage(error) } });
    }
  }
  const out = await sim.handle({
    method,
    path: subPath,
    params: {},
    query,
    headers: req.headers,
    raw,
    body,
  } satisfies SimRequest);
  send(res, out);
}

/**
 * POST /sandbox/wix/_orders {order input, events?} places an order and sends its webhooks;
 * PATCH /sandbox/wix/_orders/{id} {paymentStatus|status, event} changes it and announces it.
 */
async function wixOrderControl(wix: WixSandbox, method: string, subPath: string, body: unknown) {
  const b = (body ?? {}) as Record<string, unknown>;
  if (method === "POST" && subPath === "/_orders") {
    const copies = b.copies ?? 1;
    if (!Number.isInteger(copies) || (copies as number) < 1 || (copies as number) > 10)
      return { status: 400, body: { error: "copies: 1-10 deliveries of each event" } };
    const order = wix.placeOrder(b as never);
    const events = (b.events as string[] | undefined) ?? [
      "wix.ecom.v1.order_created",
      "wix.ecom.v1.order_approved",
    ];
    if (copies !== 1) {
      // At-least-once delivery: each event signed once and delivered `copies` times, all at once.
      const statuses = await wix.sendEventCopies(events, order, copies as number);
      return { status: 200, body: { order, delivered: statuses.map((status) => ({ status })) } };
    }
    const delivered = [];
    for (const e of events) delivered.push({ event: e, status: await wix.sendEvent(e, order) });
    return { status: 200, body: { order, delivered } };
  }
  const id = /^\/_orders\/([^/]+)$/.exec(subPath)?.[1];
  if (method === "PATCH" && id) {
    const order = wix.changeOrder(id, b as never);
    const event = b.event as string | undefined;
    const status = event ? await wix.sendEvent(event, order) : undefined;
    return { status: 200, body: { order, delivered: status } };
  }
  return { status: 404, body: { error: "unknown control route" } };
}

function apiEvent(req: IncomingMessage, raw: Buffer, path: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(",") : v;
  const text = raw.toString("utf8");
  // API Gateway passes non-text bodies base64-encoded; mirror it so the same decoding runs.
  const isBinary = !Buffer.from(text, "utf8").equals(raw);
  return {
    version: "2.0",
    routeKey: `${req.method} ${path}`,
    rawPath: path,
    rawQueryString: "",
    headers,
    requestContext: {
      http: { method: req.method ?? "GET", path, sourceIp: req.socket.remoteAddress ?? "" },
    } as never,
    body: isBinary ? raw.toString("base64") : text,
    isBase64Encoded: isBinary,
  };
}

function reply(res: ServerResponse, out: APIGatewayProxyStructuredResultV2): void {
  res.writeHead(out.statusCode ?? 200, (out.headers ?? {}) as Record<string, string>);
  res.end(out.body ?? "");
}

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host.startsWith("127.") || host === "::1";
}

/** The address to reach a listener bound to `host` (a wildcard bind is reached on loopback). */
function connectHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "localhost") return "127.0.0.1";
  return isIPv6(host) ? `[${host}]` : host;
}
