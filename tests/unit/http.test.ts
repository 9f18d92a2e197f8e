import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { describeFrappeError, ErpnextClient } from "#shared/erpnext/client";
import { HttpError, isRetryableStatus } from "#shared/errors";
import { HttpClient } from "#shared/http/client";
import { RateBudget } from "#shared/http/rate-budget";
import { redact, rememberSecrets, scrub, scrubDeep } from "#shared/http/redact";
import { backoffDelay, parseRetryAfter, type RetryInfo, retry } from "#shared/resilience/retry";
import { describeWixError } from "#shared/wix/responses";

describe("retry policy", () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  test("exponential with jitter between half and the full ceiling, capped", () => {
    expect(backoffDelay(1, policy, undefined, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, undefined, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, undefined, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, undefined, () => 1)).toBe(1000);
  });
  test("Retry-After wins when longer, within a bound", () => {
    expect(backoffDelay(1, policy, 2000, () => 0)).toBe(2000);
    expect(backoffDelay(1, policy, 60_000, () => 0)).toBe(4000);
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
  test("which statuses are retryable", () => {
    expect([429, 500, 502, 503, 504, 408].every(isRetryableStatus)).toBe(true);
    // Refused credentials are an outage (a key being rotated), not bad data: retried, never parked.
    expect([401, 403].every(isRetryableStatus)).toBe(true);
    expect([400, 404, 409, 417, 428].some(isRetryableStatus)).toBe(false);
  });
});

describe("retry: the one retry loop", () => {
  const policy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };
  class Flaky extends Error {}
  const failing = (failures: number, error: () => Error = () => new Flaky("not yet")) => {
    const calls: number[] = [];
    const fn = async (attempt: number) => {
      calls.push(attempt);
      if (calls.length <= failures) throw error();
      return "done";
    };
    return { fn, calls };
  };
  const isRetryable = (error: unknown) => error instanceof Flaky;

  test("a retryable failure is tried again until it succeeds, announced before each wait", async () => {
    const { fn, calls } = failing(2);
    const retries: RetryInfo[] = [];
    await expect(retry(fn, { policy, isRetryable, onRetry: (info) => retries.push(info) })).resolves.toBe(
      "done",
    );
    expect(calls).toEqual([1, 2, 3]);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries.every((r) => r.error instanceof Flaky && r.delayMs <= policy.maxDelayMs)).toBe(true);
  });

  test("the policy's attempts are the most it makes; the last failure is thrown as it is", async () => {
    const { fn, calls } = failing(10, () => new Flaky(`failure ${calls.length}`));
    await expect(retry(fn, { policy, isRetryable })).rejects.toThrow("failure 4");
    expect(calls).toEqual([1, 2, 3, 4]);
  });

  test("anything not retryable is thrown at once", async () => {
    const { fn, calls } = failing(1, () => new TypeError("a bug"));
    await expect(retry(fn, { policy, isRetryable })).rejects.toThrow(TypeError);
    expect(calls).toEqual([1]);
  });

  test("a wait the failure asks for (Retry-After) replaces a shorter backoff", async () => {
    const { fn } = failing(1);
    const delays: number[] = [];
    await retry(fn, { policy, isRetryable, retryAfterMs: () => 6, onRetry: (i) => delays.push(i.delayMs) });
    expect(delays).toEqual([6]);
  });
});

describe("HttpClient against a real local server", () => {
  let server: Server;
  let url: string;
  const plan: { status: number; body: string; headers?: Record<string, string> }[] = [];
  const seen: { auth?: string; path?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ auth: req.headers.authorization, path: req.url });
      const next = plan.shift() ?? { status: 200, body: '{"data": {"ok": true}}' };
      res.writeHead(next.status, { "content-type": "application/json", ...next.headers });
      res.end(next.body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const erp = () =>
    new ErpnextClient({
      url,
      apiKey: "KEY123",
      apiSecret: "SECRET456",
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    });

  test("429 (plain text, Retry-After) then 500 then success: retried, with token auth", async () => {
    plan.push(
      { status: 429, body: "Too Many Requests", headers: { "retry-after": "0" } },
      { status: 500, body: "{}" },
    );
    const client = erp();
    await expect(client.get("Item", "A")).resolves.toEqual({ ok: true });
    expect(client.http.stats.retries).toBe(2);
    expect(seen.at(-1)?.auth).toBe("token KEY123:SECRET456");
  });

  test("every name put into a path is one encoded segment: doctype, document and method", async () => {
    const client = erp();
    await client.get("Sales Order", "SO/1?x#y");
    expect(seen.at(-1)?.path).toBe("/api/resource/Sales%20Order/SO%2F1%3Fx%23y");
    plan.push({ status: 200, body: '{"message": "ok"}' });
    await client.call("my_app.api/../x?y", {});
    expect(seen.at(-1)?.path).toBe("/api/method/my_app.api%2F..%2Fx%3Fy");
  });

  test("a 417 is permanent and carries Frappe's message, without the credentials", async () => {
    const messages = JSON.stringify([JSON.stringify({ message: "Customer is mandatory <b>KEY123</b>" })]);
    plan.push({
      status: 417,
      body: JSON.stringify({ exc_type: "MandatoryError", _server_messages: messages }),
    });
    const error = (await erp()
      .insert("Sales Order", {})
      .catch((e) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(417);
    expect(error.message).toContain("MandatoryError: Customer is mandatory");
    expect(error.message).not.toContain("KEY123");
  });

  test("retries stop after the policy's attempts", async () => {
    plan.push({ status: 503, body: "{}" }, { status: 503, body: "{}" }, { status: 503, body: "{}" });
    const error = (await erp()
      .get("Item", "A")
      .catch((e) => e)) as HttpError;
    expect(error.status).toBe(503);
    expect(error.retryable).toBe(true);
  });

  test("a refused connection is a retryable network error", async () => {
    const client = new HttpClient({
      name: "X",
      baseUrl: "http://127.0.0.1:1",
      headers: () => ({}),
      describeError: () => ({ message: "", details: {} }),
      retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    });
    const error = (await client.send({ method: "GET", path: "/" }).catch((e) => e)) as HttpError;
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("network error");
  });
});

describe("error envelopes", () => {
  test("Frappe's double-encoded _server_messages", () => {
    const body = {
      exc_type: "LinkValidationError",
      _server_messages: JSON.stringify([JSON.stringify({ message: "Could not find Country: Narnia" })]),
    };
    expect(describeFrappeError(417, body).message).toBe(
      "LinkValidationError: Could not find Country: Narnia",
    );
  });
  test("Wix application and validation errors with the request id", () => {
    const app = describeWixError(
      409,
      {
        message: "conflict",
        details: { applicationError: { code: "REVISION_MISMATCH", description: "stale" } },
      },
      { "x-wix-request-id": "req-1" },
    );
    expect(app.message).toBe("REVISION_MISMATCH: stale [request req-1]");
    expect(app.details).toMatchObject({ code: "REVISION_MISMATCH", requestId: "req-1" });
    const v = describeWixError(
      400,
      {
        message: "bad",
        details: {
          validationError: { fieldViolations: [{ field: "product.name", description: "too long" }] },
        },
      },
      {},
    );
    expect(v.message).toContain("product.name: too long");
  });
});

describe("secrets", () => {
  test("redact masks credential-like keys at any depth; scrub removes known values", () => {
    expect(redact({ authorization: "token a:b", nested: { apiSecret: "x", name: "ok" } })).toEqual({
      authorization: "***",
      nested: { apiSecret: "***", name: "ok" },
    });
    expect(scrub("failed with key ABCD1234 here", ["ABCD1234"])).toBe("failed with key *** here");
  });

  test("a remembered secret is scrubbed inside any base64 text, at any alignment, and nested values", () => {
    const secret = "unit-remembered-secret-42";
    rememberSecrets(secret);
    for (const prefix of ["", "a", "ab", "token key:", "Basic "]) {
      for (const encoding of ["base64", "base64url"] as const) {
        const encoded = Buffer.from(`${prefix}${secret}!`).toString(encoding);
        const decoded = Buffer.from(scrub(`echo ${encoded}`).slice(5), encoding).toString("latin1");
        expect({ prefix, encoding, decoded: decoded.includes(secret.slice(3, -3)) }).toEqual({
          prefix,
          encoding,
          decoded: false,
        });
      }
    }
    expect(scrubDeep({ reason: `x ${secret}`, details: [{ n: 1, why: secret }] })).toEqual({
      reason: "x ***",
      details: [{ n: 1, why: "***" }],
    });
  });
});

describe("rate budget", () => {
  test("bursts up to the bucket, then paces requests (simulated clock)", async () => {
    let now = 0;
    const waits: number[] = [];
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
    };
    const budget = new RateBudget(600, 2, clock); // 10 a second after a burst of 2
    for (let i = 0; i < 5; i++) await budget.take();
    expect(waits).toEqual([100, 100, 100]);
    now += 10_000; // idle: the bucket refills only up to its burst
    for (let i = 0; i < 3; i++) await budget.take();
    expect(waits).toEqual([100, 100, 100, 100]);
  });
});

describe("what the client repeats by itself", () => {
  let server: Server;
  let url: string;
  let answers: number[] = [];
  let seen = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      seen++;
      res.writeHead(answers.shift() ?? 200, { "content-type": "application/json" });
      res.end('{"data": {}}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const client = () =>
    new HttpClient({
      name: "T",
      baseUrl: url,
      headers: () => ({}),
      describeError: () => ({ message: "", details: {} }),
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
  const run = async (req: Parameters<HttpClient["send"]>[0], plan: number[]) => {
    answers = plan;
    seen = 0;
    const ok = await client()
      .send(req)
      .then(() => true)
      .catch(() => false);
    return { ok, seen };
  };

  test("a POST that may have been committed (500) is not repeated; the caller re-checks first", async () => {
    expect(await run({ method: "POST", path: "/x", body: {} }, [500])).toEqual({ ok: false, seen: 1 });
  });
  test("answers that say 'not processed' (429, 503) are repeated for any method", async () => {
    expect(await run({ method: "POST", path: "/x", body: {} }, [429, 503])).toEqual({ ok: true, seen: 3 });
  });
  test("an ERPNext submit whose answer was lost (500) is not repeated: the same PUT would be refused as UpdateAfterSubmitError", async () => {
    const erp = new ErpnextClient({
      url,
      apiKey: "K",
      apiSecret: "S",
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const update = async (patch: Record<string, unknown>, plan: number[]) => {
      answers = plan;
      seen = 0;
      const ok = await erp
        .update("Sales Invoice", "SI-1", patch)
        .then(() => true)
        .catch(() => false);
      return { ok, seen };
    };
    expect(await update({ docstatus: 1 }, [500])).toEqual({ ok: false, seen: 1 });
    expect(await update({ docstatus: 2 }, [500])).toEqual({ ok: false, seen: 1 });
    // A field update means the same thing twice: repeated.
    expect(await update({ wix_status: "Synced" }, [500])).toEqual({ ok: true, seen: 2 });
  });
  test("reads and guarded writes are repeated on 5xx", async () => {
    expect(await run({ method: "GET", path: "/x" }, [500, 502])).toEqual({ ok: true, seen: 3 });
    expect(await run({ method: "POST", path: "/search", body: {}, idempotent: true }, [500])).toEqual({
      ok: true,
      seen: 2,
    });
  });
});

describe("the transport (Node's fetch)", () => {
  let server: Server;
  let url: string;
  let seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === "/moved") {
        res.writeHead(302, { location: "/elsewhere" });
        res.end();
      } else if (req.url === "/stall") {
        // Headers, then half a body and silence.
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"data": ');
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"data": {}}');
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  const client = (baseUrl: string, attempts = 1) =>
    new HttpClient({
      name: "T",
      baseUrl,
      headers: () => ({}),
      describeError: () => ({ message: "refused", details: {} }),
      retry: { attempts, baseDelayMs: 1, maxDelayMs: 2 },
      timeoutMs: 300,
    });

  test("a refused connection is known as one (ECONNREFUSED): even a POST is repeated", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const http = client(`http://127.0.0.1:${port}`, 2);
    const error = (await http.send({ method: "POST", path: "/x", body: {} }).catch((e) => e)) as HttpError;
    expect(error.details.code).toBe("ECONNREFUSED");
    expect(error.message).toContain("ECONNREFUSED");
    expect(http.stats.retries).toBe(1);
  });

  test("a body that stops coming is a retryable network error, not a stray exception", async () => {
    const error = await client(url)
      .send({ method: "GET", path: "/stall" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 0, retryable: true, details: { code: "ETIMEDOUT" } });
  });

  test("a redirect is an answer, not followed (a followed 302 would turn a POST into a GET)", async () => {
    seen = [];
    const error = (await client(url)
      .send({ method: "POST", path: "/moved", body: {} })
      .catch((e) => e)) as HttpError;
    expect(error.status).toBe(302);
    expect(seen).toEqual(["POST /moved"]);
  });
});
