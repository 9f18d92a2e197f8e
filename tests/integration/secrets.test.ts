import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { readBody, send } from "../../infra/sandbox/kit";
import { WixSandbox } from "../../infra/sandbox/wix";
import { HttpError } from "../../shared/http/errors";
import { WixClient } from "../../shared/wix/client";
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
