import type { SimRequest, SimResponse } from "#infra/sandbox/kit";

/** One request straight into a sandbox (no HTTP server), as the local host's router hands it over. */
export async function callSandbox<B = Record<string, unknown>>(
  sandbox: { handle(req: SimRequest): Promise<SimResponse> },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: B }> {
  const url = new URL(`http://sandbox${path}`);
  const res = await sandbox.handle({
    method,
    path: url.pathname,
    params: {},
    query: url.searchParams,
    headers,
    raw: Buffer.from(body === undefined ? "" : JSON.stringify(body)),
    body,
  });
  return res as { status: number; body: B };
}
