import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEEP, sleep } from "./config";

// --- the host as a child process -----------------------------------------------------------

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON read back from the sandboxes' REST APIs
  body: any;
}

/** `npm start` as a merchant runs it: node with tsx as a loader, so SIGKILL reaches the host itself. */
export class ChildHost {
  readonly dataDir = mkdtempSync(join(tmpdir(), "ews-chaos-"));
  private child?: ChildProcess;
  private port = 0;

  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<number> {
    const started = Date.now();
    this.port ||= await freePort();
    const log = openSync(join(this.dataDir, "host.log"), "a");
    this.child = spawn(process.execPath, ["--import", "tsx", "infra/local/main.ts"], {
      env: {
        ...process.env,
        NODE_OPTIONS: "",
        HOST: "127.0.0.1",
        PORT: String(this.port),
        DATA_DIR: this.dataDir,
        DEMO_ITEMS: "0",
        DEMO_ORDER: "0",
        POWERTOOLS_LOG_LEVEL: "WARN",
        ...this.env,
      },
      stdio: ["ignore", log, log],
    });
    // Until start-up is complete every request gets 503 "starting"; then /health answers a report.
    await until(async () => typeof (await this.call("GET", "/health")).body?.status === "string", 120_000);
    return Date.now() - started;
  }

  async kill(signal: "SIGKILL" | "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {}
      return { status: res.status, body: parsed };
    } catch {
      return { status: 0, body: undefined };
    }
  }

  /** A driver call that must get through: retried while the host is down or starting (not on 4xx). */
  async must(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.call(method, path, body, headers);
      if (res.status >= 200 && res.status < 300) return res;
      if (attempt >= 60 || (res.status >= 400 && res.status < 500))
        throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`);
      await sleep(500);
    }
  }

  cleanUp(): void {
    if (KEEP) console.log(`  data kept in ${this.dataDir} (host.log, sandbox.json)`);
    else rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the local host");
    await sleep(200);
  }
}

/** Runs `work` over `list` with at most `width` at once. */
export async function pool<T>(
  list: T[],
  width: number,
  work: (x: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < list.length) {
        const i = next++;
        await work(list[i] as T, i);
      }
    }),
  );
}
