import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "@jest/globals";
import type { HttpClient } from "@wix/sdk-types";
import { WixClient } from "#shared/wix/client";

/**
 * Contract harness: what the official Wix SDK sends for a call, and what our client sends for the
 * same call, so that a test can assert they are the same request.
 *
 * The SDK's REST modules, called without a Wix context, take an `httpClient` and hand it a request
 * factory `({host}) => {method, url, data?, params?}` (see @wix/sdk-runtime rest-modules.js). Query
 * and search calls travel as GET with the request in `params` (`.r` = base64 JSON when it is
 * complex); the REST reference documents the same call as POST with a JSON body, which is what
 * we send. `sdkRequest` decodes both forms into one `{method, path, body}`.
 */

export interface WireRequest {
  method: string;
  path: string;
  body: unknown;
}

type SdkHttpClient = HttpClient;

/**
 * Runs an SDK call (e.g. `(http) => bulkCreateProducts(http)(products, opts)`) against a
 * recording http client that answers `response`; returns the request it built and the SDK's
 * (transformed) result.
 */
export async function sdkRequest(
  call: (http: SdkHttpClient) => Promise<unknown>,
  response: unknown = {},
): Promise<WireRequest & { result: unknown }> {
  let seen: WireRequest | undefined;
  const unused = () => Promise.reject(new Error("the contract harness only records requests"));
  const http: SdkHttpClient = {
    fetchWithAuth: unused,
    wixAPIFetch: unused,
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's response type is per call
    request: async (factory): Promise<any> => {
      const opts = factory({ host: "www.wixapis.com" }) as {
        method: string;
        url: string;
        data?: unknown;
        params?: URLSearchParams;
      };
      seen = { method: opts.method, path: opts.url, body: opts.data ?? decodeParams(opts.params) };
      return { data: structuredClone(response) };
    },
  };
  const result = await call(http);
  if (!seen) throw new Error("the SDK call sent no request");
  return { ...seen, result };
}

function decodeParams(params?: URLSearchParams): unknown {
  if (!params || [...params.keys()].length === 0) return undefined;
  const packed = params.get(".r");
  if (packed) return JSON.parse(Buffer.from(packed, "base64").toString("utf8"));
  return Object.fromEntries(params);
}

/** A loopback server that records what our client sends and answers from a script. */
export interface RecordingWix {
  client: WixClient;
  requests: WireRequest[];
  /** Answers, in order, one per request; the last one repeats. */
  answer(...bodies: unknown[]): void;
  close(): Promise<void>;
}

/** `auth` replaces the default API-key credentials (e.g. app id, secret and instance for OAuth). */
export async function recordingWix(
  auth: Partial<
    Pick<ConstructorParameters<typeof WixClient>[0], "apiKey" | "appId" | "appSecret" | "instanceId">
  > = {},
): Promise<RecordingWix> {
  const requests: WireRequest[] = [];
  let script: unknown[] = [{}];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    requests.push({
      method: req.method ?? "",
      path: req.url ?? "",
      body: text ? JSON.parse(text) : undefined,
    });
    const body = script.length > 1 ? script.shift() : script[0];
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new WixClient({
    apiUrl: `http://127.0.0.1:${port}`,
    apiKey: "contract-key",
    siteId: "contract-site",
    ...auth,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });
  return {
    client,
    requests,
    answer: (...bodies) => {
      script = bodies.length ? bodies : [{}];
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The SDK's method for a call we send as POST with a body (query/search travel as GET in the SDK). */
export function restMethod(sdk: WireRequest): string {
  return sdk.method === "GET" && sdk.body !== undefined && /\/(query|search)[^/]*$/.test(sdk.path)
    ? "POST"
    : sdk.method;
}

/** Our requests, in order, are the SDK's: method, path and body (e.g. each page of a query). */
export function expectSdkRequests(ours: WireRequest[], sdk: WireRequest[]): void {
  expect(ours).toHaveLength(sdk.length);
  sdk.forEach((expected, i) => {
    expect(ours[i]?.method).toBe(restMethod(expected));
    expect(ours[i]?.path).toBe(expected.path);
    expect(ours[i]?.body).toEqual(expected.body);
  });
}
