import { randomUUID } from "node:crypto";
import type { SimRequest, SimResponse } from "../kit";
import { WixError } from "./errors";
import type { WixResource, WixSandboxOptions } from "./store";

/**
 * Who may call: the API key with its `wix-site-id`, or an OAuth access token from the
 * client-credentials grant (`POST /oauth2/token`, @wix/auto_sdk_identity_oauth), valid 4 hours.
 */
export class WixAuth {
  private readonly tokens = new Map<string, number>();

  constructor(private readonly options: WixSandboxOptions) {}

  authorized(req: SimRequest): boolean {
    const auth = req.headers.authorization;
    if (!auth) return false;
    if (auth === this.options.apiKey) return req.headers["wix-site-id"] === this.options.siteId;
    const expires = this.tokens.get(auth);
    return expires !== undefined && expires > Date.now();
  }

  token(req: SimRequest): SimResponse {
    const b = (req.body ?? {}) as Record<string, string>;
    const o = this.options;
    if (
      b.grant_type !== "client_credentials" ||
      !o.appId ||
      b.client_id !== o.appId ||
      b.client_secret !== o.appSecret ||
      b.instance_id !== o.instanceId
    ) {
      throw new WixError(401, "invalid client credentials");
    }
    const token = `OAUTH2.${randomUUID()}`;
    this.tokens.set(token, Date.now() + 14400_000);
    return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: 14400 } };
  }
}

/** The token endpoint is the one route that needs no authorization (the router knows it). */
export const TOKEN_PATH = "/oauth2/token";

export const auth: WixResource = (r, { auth }) => {
  r.on("POST", TOKEN_PATH, (req) => auth.token(req));
};
