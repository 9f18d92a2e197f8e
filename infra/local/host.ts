import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
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
import { ConfigError, errorMessage } from "../../shared/http/errors";
import { intervalOverrides, isJobName, JOBS, type JobName } from "../../shared/jobs/definitions";
import { QUEUES, type QueueName } from "../../shared/queue/messages";
import { MAX_RECEIVE_COUNT, WORKER_CONCURRENCY } from "../../shared/queue/policy";
import { TABLES, tableNamesFromEnv } from "../../shared/store/tables";
import { ErpnextSandbox, type ErpnextSnapshot } from "../sandbox/erpnext";
import { readBody, type SimRequest, send } from "../sandbox/kit";
import { WixSandbox, type WixSnapshot } from "../sandbox/wix";
import { durableQueues } from "./durable-queues";

/** The one local process: HTTP edge, dynalite, fauxqs, queue consumers, job timers, sandboxes. */
export interface LocalHost {
  url: string;
  port: number;
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
}

const SANDBOX_ERPNEXT = {
  key: "sandbox-api-key",
  secret: "sandbox-api-secret",
  webhook: "sandbox-webhook-secret",
};
const SANDBOX_WIX = { key: "sandbox-wix-api-key", site: "sandbox-site-id" };
/** The same receive limit as the CDK stack's redrive policy. */
export const MAX_RECEIVES = MAX_RECEIVE_COUNT;
const VISIBILITY_TIMEOUT_SECONDS = 60;

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const input = { ...process.env, ...options.env };
  const problems: string[] = [];
  const port = Number(input.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT: expected a port number, got "${input.PORT}"`);
  const { intervals, problems: intervalProblems } = intervalOverrides(input);
  problems.push(...intervalProblems);

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${actualPort}`;

  // Sandboxes stand in for whatever is not configured.
  const env: Record<string, string> = Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  let erpnext: ErpnextSandbox | undefined;
  let wix: WixSandbox | undefined;
  if (!env.ERPNEXT_URL) {
    env.ERPNEXT_URL = `${url}/sandbox/erpnext`;
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
    env.WIX_API_URL = `${url}/sandbox/wix`;
    env.WIX_API_KEY = SANDBOX_WIX.key;
    env.WIX_SITE_ID = SANDBOX_WIX.site;
    wix = new WixSandbox({
      apiKey: env.WIX_API_KEY,
      siteId: env.WIX_SITE_ID,
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
    await closeAll(server, db, sqsServer);
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
  // A sandbox write is saved as soon as it is answered, so a crash loses none of it.
  const persist = options.persistSandbox && (erpnext || wix);
  const saveAfter = (req: IncomingMessage) => {
    if (persist && req.method !== "GET" && req.url?.startsWith("/sandbox/"))
      saveSandboxes(sandboxFile, erpnext, wix);
  };
  server.on("request", (req, res) => {
    void route(req, res, { erpnext, wix, functions, runJob, inspectDlq })
      .catch((error) => {
        send(res, { status: 500, body: { error: errorMessage(error) } });
      })
      .finally(() => saveAfter(req));
  });

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
      if (options.persistSandbox) saveSandboxes(sandboxFile, erpnext, wix);
      await journal?.close();
      await closeAll(server, db, sqsServer);
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

async function closeAll(
  server: Server,
  db: ReturnType<typeof dynalite>,
  sqsServer: Awaited<ReturnType<typeof startFauxqs>>,
) {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
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
}

async function route(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const parsed = new URL(req.url ?? "/", "http://localhost");
  const path = parsed.pathname;
  const raw = await readBody(req);
  const method = req.method ?? "GET";

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
    if (!isLoopback(req.socket.remoteAddress))
      return send(res, { status: 403, body: { error: "jobs are loopback only" } });
    const name = decodeURIComponent(job[1] as string);
    if (!isJobName(name))
      return send(res, {
        status: 404,
        body: { error: `unknown job "${name}"`, jobs: JOBS.map((j) => j.name) },
      });
    try {
      return send(res, { status: 200, body: await deps.runJob(name) });
    } catch (error) {
      return send(res, { status: 502, body: { job: name, error: errorMessage(error) } });
    }
  }
  // Local ops: what is parked, and putting it back once the cause is fixed (AWS: see README).
  const dlq = /^\/dlq\/([^/]+)(\/redrive)?$/.exec(path);
  if (dlq && isLoopback(req.socket.remoteAddress)) {
    const queue = dlq[1] as QueueName;
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
    if (method === "DELETE") sim.faults.clear();
    else {
      const fault = body as { count?: unknown } | undefined;
      if (!fault || typeof fault !== "object" || !Number.isInteger(fault.count)) {
        return send(res, {
          status: 400,
          body: {
            error: 'a fault is {"count": N, "status"?, "match"?, "latencyMs"?, "after"?, "late"?, "body"?}',
          },
        });
      }
      sim.faults.add(fault as never);
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
    const order = wix.placeOrder(b as never);
    const events = (b.events as string[] | undefined) ?? [
      "wix.ecom.v1.order_created",
      "wix.ecom.v1.order_approved",
    ];
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

function isLoopback(address: string | undefined): boolean {
  return !!address && (address.startsWith("127.") || address === "::1" || address === "::ffff:127.0.0.1");
}
