import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { readBody, send } from "#infra/sandbox/kit";
import { WixSandbox } from "#infra/sandbox/wix/index";
import { HttpError } from "#shared/errors";
import { scrub } from "#shared/http/redact";
import { WixClient } from "#shared/wix/client";
import { createItem, type Harness, startHarness } from "./harness";

describe("secrets never appear in logs or the sync log", () => {
  let h: Harness;
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  beforeAll(async () => {
    // Readable logs at DEBUG, captured: everything the process prints.
    h = await startHarness({
      POWERTOOLS_LOG_LEVEL: "DEBUG",
      LOG_FORMAT: "pretty",
      ERPNEXT_API_SECRET: "very-secret-api-password",
      ERPNEXT_WEBHOOK_SECRET: "webhook-secret-never-printed",
    });
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
  });
  afterAll(async () => {
    process.stdout.write = write;
    await h.host.stop();
  });

  test("an error body that echoes the credentials is scrubbed before it is logged or stored", async () => {
    const secret = "very-secret-api-password";
    const echo = {
      exc_type: "ValidationError",
      _server_messages: JSON.stringify([
        JSON.stringify({ message: `proxy saw token sandbox-api-key:${secret}` }),
      ]),
    };
    h.erpnext.faults.add({ status: 417, count: 1, match: "GET /api/resource/Item\\?", body: echo });
    createItem(h.erpnext, "SECRET-1", 5);
    await h.host.drain();
    const ctx = await h.host.context();
    const log = await ctx.log.since("products", new Date(Date.now() - 60_000));
    const reasons = JSON.stringify(log);
    expect(reasons).toContain("proxy saw token"); // the failure is recorded...
    expect(reasons).not.toContain(secret); // ...without the secret
    const printed = lines.join("");
    expect(printed).toContain("proxy saw token");
    expect(printed).not.toContain(secret);
    expect(JSON.stringify(h.host.dlq("products"))).not.toContain(secret);
  });

  test("every configured secret, and its base64 forms, is scrubbed from every sink", async () => {
    const webhookSecret = "webhook-secret-never-printed";
    const pair = "sandbox-api-key:very-secret-api-password";
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    const echoes = [
      webhookSecret, // the Webhook doctype's HMAC secret, quoted back
      b64(`Basic ${pair}`), // an auth header echoed base64-encoded
      b64(`{"authorization":"token ${pair}"}`), // a whole request echoed, encoded
      b64(`x-frappe-webhook-secret=${webhookSecret}`).replace(/=+$/, ""),
    ];
    h.erpnext.faults.add({
      status: 417,
      count: 1,
      match: "GET /api/resource/Item\\?",
      body: { exc_type: "ValidationError", exception: `upstream echoed ${echoes.join(" and ")}` },
    });
    createItem(h.erpnext, "SECRET-2", 5);
    await h.host.drain();
    const ctx = await h.host.context();
    const sinks = {
      printed: lines.join(""),
      syncLog: JSON.stringify(await ctx.log.since("products", new Date(Date.now() - 60_000))),
      dlq: JSON.stringify(h.host.dlq("products")),
      report: JSON.stringify(await h.request("POST", "/jobs/weekly-report")),
    };
    for (const [sink, text] of Object.entries(sinks)) {
      if (sink !== "report")
        expect({ sink, echoed: text.includes("upstream echoed") }).toEqual({ sink, echoed: true });
      for (const leak of [webhookSecret, pair, "very-secret-api-password", ...echoes])
        expect({ sink, leaks: text.includes(leak) ? leak : undefined }).toEqual({ sink, leaks: undefined });
    }
  });
});

describe("Wix app auth (OAuth client credentials) against the sandbox", () => {
  let server: Server;
  let sim: WixSandbox;
  let url: string;
  beforeAll(async () => {
    sim = new WixSandbox({
      apiKey: "unused-key",
      siteId: "site",
      appId: "app-1",
      appSecret: "app-secret-1",
      instanceId: "inst-1",
    });
    server = createServer(async (req, res) => {
      const parsed = new URL(req.url ?? "/", "http://x");
      const raw = await readBody(req);
      const body = raw.length ? JSON.parse(raw.toString()) : undefined;
      send(
        res,
        await sim.handle({
          method: req.method ?? "GET",
          path: parsed.pathname,
          params: {},
          query: parsed.searchParams,
          headers: req.headers,
          raw,
          body,
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test("a token is fetched once and reused; a wrong secret is a 401 that names no secret", async () => {
    const client = new WixClient({
      apiUrl: url,
      appId: "app-1",
      appSecret: "app-secret-1",
      instanceId: "inst-1",
    });
    expect(await client.catalogVersion()).toBe("V3_CATALOG");
    expect(await client.findVariantsBySku(["NONE"])).toEqual([]);
    expect(sim.callLog.filter((c) => c.includes("oauth2"))).toHaveLength(1); // one token, reused until near expiry
    const wrong = new WixClient({
      apiUrl: url,
      appId: "app-1",
      appSecret: "not-the-secret",
      instanceId: "inst-1",
      retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    });
    const error = (await wrong.catalogVersion().catch((e) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(401);
    expect(error.message).not.toContain("not-the-secret");
  });
});

describe("the OAuth access token is scrubbed like a configured secret", () => {
  test("an API that echoes the token (plain or base64) leaves no trace of it in the error", async () => {
    const token = `OAUTH2.${"t0k3n-".repeat(6)}`;
    const server = createServer(async (req, res) => {
      await readBody(req);
      if (req.url === "/oauth2/token")
        return send(res, { status: 200, body: { access_token: token, expires_in: 3600 } });
      const seen = req.headers.authorization ?? "";
      send(res, {
        status: 400,
        body: { message: `bad auth ${seen} (${Buffer.from(`Bearer ${seen}`).toString("base64")})` },
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const client = new WixClient({
        apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        appId: "app-2",
        appSecret: "app-secret-2",
        instanceId: "inst-2",
        retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      });
      const error = (await client.catalogVersion().catch((e) => e)) as HttpError;
      expect(error.message).toContain("bad auth");
      expect(error.message).not.toContain(token);
      expect(error.message).not.toContain(Buffer.from(`Bearer ${token}`).toString("base64").slice(12, 40));
      expect(scrub(`later: ${token}`)).toBe("later: ***"); // every sink scrubs it from now on
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
