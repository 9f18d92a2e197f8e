/**
 * The local host's control routes (never deployed): run a job now, look at and redrive a DLQ, and
 * the sandboxes (their REST APIs, faults, checkouts), whose data is kept in DATA_DIR.
 */

import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { errorMessage } from "#shared/errors";
import { QUEUES, type QueueName } from "#shared/flows/registry";
import { scrub } from "#shared/http/redact";
import { isJobName, JOBS, type JobInput, type JobName } from "#shared/jobs/definitions";
import { parsePeriod } from "#shared/ops/audit/run";
import { parkedFor, unknownSite } from "#shared/ops/sites";
import { siteOf } from "#shared/queue/sqs";
import type { ErpnextSandbox, ErpnextSnapshot } from "../sandbox/erpnext";
import { type Fault, faultProblem, type SimRequest, type SimResponse } from "../sandbox/kit";
import { WixSandbox, type WixSnapshot } from "../sandbox/wix";
import type { ParkedMessage } from "./aws";
import type { Sandboxes } from "./bootstrap";

export interface ControlDeps extends Sandboxes {
  runJob(name: JobName, input?: JobInput): Promise<Record<string, unknown>>;
  dlq(queue: QueueName): ParkedMessage[];
  /** Moves a DLQ's messages back to their queue (only one site's, and those naming none); how many. */
  redrive(queue: QueueName, site?: string): Promise<number>;
  /** The configured Wix sites' names. */
  sites(): Promise<string[]>;
}

export interface ControlRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** The answer of a control route, or undefined when no control route has this path. */
export async function controlRoute(req: ControlRequest, deps: ControlDeps): Promise<SimResponse | undefined> {
  const { method, path } = req;
  if (path.startsWith("/sandbox/")) return sandboxRoute(req, deps);
  const job = /^\/jobs\/([^/]+)$/.exec(path);
  const dlq = /^\/dlq\/([^/]+)(\/redrive)?$/.exec(path);
  // `?site=eu` (the CLI's --site): one site's run or messages; an unknown name lists the sites.
  const site = req.query.get("site") ?? undefined;
  const siteProblem = (job || dlq) && unknownSite(await deps.sites(), site);
  if (siteProblem) return { status: 404, body: { error: siteProblem, sites: await deps.sites() } };
  if (job && method === "POST") {
    const name = decodeURIComponent(job[1] as string);
    if (!isJobName(name))
      return { status: 404, body: { error: `unknown job "${name}"`, jobs: JOBS.map((j) => j.name) } };
    // A run by hand of the audit may name its period: ?from=2026-11-01&to=2026-11-30.
    const from = req.query.get("from") ?? undefined;
    const to = req.query.get("to") ?? undefined;
    let input: JobInput | undefined;
    if (from !== undefined || to !== undefined) {
      if (name !== "monthly-audit")
        return { status: 400, body: { error: `job ${name} takes no from/to (only monthly-audit does)` } };
      const { problems } = parsePeriod(from, to);
      if (problems.length) return { status: 400, body: { error: problems.join("; ") } };
      input = { from, to };
    }
    if (site !== undefined) input = { ...input, site };
    try {
      return { status: 200, body: await deps.runJob(name, input) };
    } catch (error) {
      return { status: 502, body: { job: name, error: scrub(errorMessage(error)) } };
    }
  }
  // Local ops: what is parked, and putting it back once the cause is fixed (AWS: see README).
  if (dlq) {
    const queue = decodeURIComponent(dlq[1] as string) as QueueName;
    if (!(QUEUES as readonly string[]).includes(queue))
      return { status: 404, body: { error: `no queue ${queue}`, queues: QUEUES } };
    const ours = parkedFor(site);
    if (method === "GET" && !dlq[2])
      return { status: 200, body: { queue, messages: deps.dlq(queue).filter((m) => ours(siteOf(m.body))) } };
    if (method === "POST" && dlq[2])
      return { status: 200, body: { queue, redriven: await deps.redrive(queue, site) } };
  }
  if (job || dlq) return { status: 405, body: { error: `${method} not allowed on ${path}` } };
  return undefined;
}

async function sandboxRoute(req: ControlRequest, deps: ControlDeps): Promise<SimResponse> {
  const { method, path, raw } = req;
  const [, , system, ...rest] = path.split("/");
  let sim = system === "erpnext" ? deps.erpnext : system === "wix" ? deps.wix : undefined;
  // With SANDBOX_SITES each site's sandbox Wix is served under /sandbox/wix/<site>.
  if (system === "wix" && deps.wixSites) {
    const site = rest.shift() ?? "";
    sim = deps.wixSites[site];
    if (!sim) {
      const sites = Object.keys(deps.wixSites).join(", ");
      return { status: 404, body: { error: `no sandbox Wix site "${site}": /sandbox/wix/{${sites}}/...` } };
    }
  }
  if (!sim) return { status: 404, body: { error: `no sandbox ${system} (a real one is configured)` } };
  const subPath = `/${rest.join("/")}`;
  let body: unknown;
  if (raw.length) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return { status: 400, body: { message: "body is not JSON" } };
    }
  }
  // Control surface for tests and demos: faults, orders.
  if (subPath === "/_faults") {
    if (method === "GET") return { status: 200, body: { pending: sim.faults.pending } };
    if (method === "DELETE") sim.faults.clear();
    else {
      // One fault, or a list of them applied in turn (a fault schedule, as the chaos run sets).
      const faults = Array.isArray(body) ? body : [body];
      for (const [i, fault] of faults.entries()) {
        const problem = faultProblem(fault);
        if (problem)
          return { status: 400, body: { error: Array.isArray(body) ? `[${i}]: ${problem}` : problem } };
      }
      for (const fault of faults) sim.faults.add(fault as Fault);
    }
    return { status: 200, body: { ok: true } };
  }
  // Webhooks lost on the way (as when the app's endpoint is down past Wix's retries):
  // {"count": N, "match": "<event type regex>"}; GET counts those pending, DELETE clears.
  if (sim instanceof WixSandbox && subPath === "/_lost-webhooks") {
    if (method === "GET") return { status: 200, body: { pending: sim.pendingLosses } };
    if (method === "DELETE") sim.clearLosses();
    else {
      const { count, match } = (body ?? {}) as { count?: unknown; match?: unknown };
      if (!Number.isInteger(count) || (count as number) < 1 || typeof match !== "string")
        return { status: 400, body: { error: 'expected {"count": N >= 1, "match": "<event type regex>"}' } };
      try {
        sim.loseWebhooks(count as number, new RegExp(match));
      } catch {
        return { status: 400, body: { error: `match: not a regular expression: ${match}` } };
      }
    }
    return { status: 200, body: { ok: true } };
  }
  // Wix converts the site from Catalog V1 to V3 (v1-migrate.ts), as between two runs.
  if (sim instanceof WixSandbox && subPath === "/_migrate-to-v3") {
    if (method !== "POST") return { status: 405, body: { error: "POST converts the site to Catalog V3" } };
    const from = sim.catalogVersion;
    sim.migrateToV3();
    return { status: 200, body: { from, catalogVersion: sim.catalogVersion } };
  }
  if (sim instanceof WixSandbox && subPath === "/_rejected-skus") {
    for (const sku of (body as { skus?: string[] })?.skus ?? []) sim.rejectedSkus.add(sku);
    return { status: 200, body: { rejected: [...sim.rejectedSkus] } };
  }
  if (sim instanceof WixSandbox && subPath.startsWith("/_orders")) {
    try {
      return await wixOrderControl(sim, method, subPath, body);
    } catch (error) {
      // A malformed checkout or an unknown order is the caller's mistake, not a server fault.
      return { status: 400, body: { error: errorMessage(error) } };
    }
  }
  return sim.handle({
    method,
    path: subPath,
    params: {},
    query: req.query,
    headers: req.headers,
    raw,
    body,
  } satisfies SimRequest);
}

/**
 * POST /sandbox/wix/_orders {order input, events?} places an order and sends its webhooks;
 * PATCH /sandbox/wix/_orders/{id} {paymentStatus|status, event} changes it and announces it.
 */
async function wixOrderControl(
  wix: WixSandbox,
  method: string,
  subPath: string,
  body: unknown,
): Promise<SimResponse> {
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

// --- sandbox data in DATA_DIR ----------------------------------------------------------------

/** How soon a sandbox write reaches DATA_DIR/sandbox.json. */
const SANDBOX_SAVE_MS = 300;
/** Changes made in-process (the demo seed, webhook delivery logs) are saved on a timer too. */
const SANDBOX_SAVE_EVERY_MS = 30_000;

interface SandboxFile {
  erpnext?: ErpnextSnapshot;
  wix?: WixSnapshot;
  /** With SANDBOX_SITES: each site's sandbox Wix, by name. */
  wixSites?: Record<string, WixSnapshot>;
}

export interface SandboxStore {
  /** A sandbox write arrives: saved at the latest before its first webhook delivery. */
  beforeRequest(method: string, url: string): void;
  /** Saves soon after a request that changed a sandbox (a burst shares one save). */
  afterRequest(method: string, url: string): void;
  /** Stops the timers and saves what is there. */
  close(): void;
}

/** Puts the sandboxes back as DATA_DIR/sandbox.json left them; whether there was anything. */
export function restoreSandboxes(file: string, { erpnext, wix, wixSites }: Sandboxes): boolean {
  if (!existsSync(file)) return false;
  const saved = JSON.parse(readFileSync(file, "utf8")) as SandboxFile;
  let restored = false;
  const put = <S>(sandbox: { restore(s: S): void } | undefined, snapshot: S | undefined) => {
    if (!sandbox || !snapshot) return;
    sandbox.restore(snapshot);
    restored = true;
  };
  put(erpnext, saved.erpnext);
  if (wixSites) for (const [name, sandbox] of Object.entries(wixSites)) put(sandbox, saved.wixSites?.[name]);
  else put(wix, saved.wix);
  return restored;
}

/**
 * Sandbox writes are saved within SANDBOX_SAVE_MS of being answered (a crash loses at most that);
 * a burst of writes shares one save, since the file is rewritten whole.
 */
export function sandboxStore(file: string, sandboxes: Sandboxes): SandboxStore {
  let pendingSave: NodeJS.Timeout | undefined;
  let unsaved = false;
  const save = () => {
    unsaved = false;
    saveSandboxes(file, sandboxes);
  };
  const every = setInterval(save, SANDBOX_SAVE_EVERY_MS);
  // Changes are saved before they are announced, as the real systems commit before their webhooks:
  // a crash right after a webhook must not lose the order it announced (the chaos run's SIGKILL
  // left events of orders the restarted sandbox Wix no longer had, retried without end).
  const commit = () => {
    if (unsaved) save();
  };
  for (const sandbox of allSandboxes(sandboxes)) sandbox.beforeWebhook(commit);
  const isWrite = (method: string, url: string) => url.startsWith("/sandbox/") && !isSandboxRead(method, url);
  return {
    // Marked when the write arrives: a control route such as POST /sandbox/wix/_orders announces
    // its order before it answers.
    beforeRequest(method, url) {
      if (isWrite(method, url)) unsaved = true;
    },
    afterRequest(method, url) {
      if (!isWrite(method, url)) return;
      unsaved = true;
      if (pendingSave) return;
      pendingSave = setTimeout(() => {
        pendingSave = undefined;
        save();
      }, SANDBOX_SAVE_MS);
    },
    close() {
      clearInterval(every);
      clearTimeout(pendingSave);
      save();
    },
  };
}

/**
 * A sandbox call that changes nothing: a GET, or one of Wix's query and search calls (POSTs that
 * only read). Saving the whole sandbox after each of those would cost a large store for nothing.
 */
function isSandboxRead(method: string, url: string): boolean {
  const path = url.split("?")[0] ?? "";
  return method === "GET" || /^\/sandbox\/wix\/.*\/(query|search)(-variants)?$/.test(path);
}

/** Every sandbox the host runs: ERPNext's and each Wix site's. */
export function allSandboxes({ erpnext, wix, wixSites }: Sandboxes): (ErpnextSandbox | WixSandbox)[] {
  return [erpnext, ...(wixSites ? Object.values(wixSites) : [wix])].filter(
    (s): s is ErpnextSandbox | WixSandbox => s !== undefined,
  );
}

function saveSandboxes(file: string, { erpnext, wix, wixSites }: Sandboxes): void {
  const data: SandboxFile = { erpnext: erpnext?.snapshot() };
  if (wixSites)
    data.wixSites = Object.fromEntries(Object.entries(wixSites).map(([name, s]) => [name, s.snapshot()]));
  else data.wix = wix?.snapshot();
  writeFileSync(`${file}.tmp`, JSON.stringify(data));
  renameSync(`${file}.tmp`, file); // never a half-written file
}
