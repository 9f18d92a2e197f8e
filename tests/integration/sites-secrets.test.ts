/**
 * A site's own Secrets Manager secret (its entry's SECRET_ID, shared/runtime/settings.ts), read
 * from a local stand-in of the Secrets Manager JSON API (GetSecretValue) over loopback.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { scrub } from "#shared/http/redact";
import { loadSites } from "#shared/runtime/settings";

const SECRETS: Record<string, Record<string, string>> = {
  "us-wix": { WIX_API_KEY: "IST.us-secret-key-from-sm" },
  "eu-typo": { WIX_APIKEY: "IST.eu" },
  "eu-global": { ERPNEXT_API_SECRET: "another" },
  // As the stack makes a new site's secret, before anyone fills it in (infra/cdk/stack.ts siteSecret).
  "eu-new": { WIX_API_KEY: "", WIX_APP_SECRET: "", WIX_WEBHOOK_PUBLIC_KEY: "" },
};

let server: Server;
beforeAll(async () => {
  // GetSecretValue as the SDK sends it: POST, X-Amz-Target, a JSON body naming the SecretId.
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => {
      text += chunk;
    });
    req.on("end", () => {
      const id = (JSON.parse(text) as { SecretId: string }).SecretId;
      const secret = SECRETS[id];
      res.writeHead(secret ? 200 : 400, { "content-type": "application/x-amz-json-1.1" });
      res.end(
        JSON.stringify(
          secret
            ? {
                ARN: `arn:aws:secretsmanager:us-east-1:1:secret:${id}`,
                Name: id,
                SecretString: JSON.stringify(secret),
              }
            : { __type: "ResourceNotFoundException", message: "no such secret" },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  Object.assign(process.env, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const env = {
  ERPNEXT_URL: "https://erp.example.com",
  ERPNEXT_API_KEY: "key",
  ERPNEXT_API_SECRET: "secret-value",
  ERPNEXT_WEBHOOK_SECRET: "webhook-secret",
  WIX_API_KEY: "IST.env-key",
  WIX_SITE_ID: "site",
};
const sites = (eu: Record<string, string>) =>
  JSON.stringify([
    { name: "us", WIX_INSTANCE_ID: "i-us", SECRET_ID: "us-wix" },
    { name: "eu", WIX_INSTANCE_ID: "i-eu", ...eu },
  ]);

describe("a site's own secret", () => {
  test("holds that site's Wix credentials, over its entry and the environment, scrubbed from then on", async () => {
    const [us, eu] = await loadSites({ ...env, SITES: sites({}) });
    expect(us?.wix.apiKey).toBe("IST.us-secret-key-from-sm");
    expect(eu?.wix.apiKey).toBe("IST.env-key");
    expect(scrub("token IST.us-secret-key-from-sm")).toBe("token ***");
  });

  test("a new site's secret not yet filled in keeps the other sites running: its blanks are unset", async () => {
    const [us, eu] = await loadSites({ ...env, SITES: sites({ SECRET_ID: "eu-new" }) });
    expect(us?.wix.apiKey).toBe("IST.us-secret-key-from-sm");
    expect(eu?.wix.apiKey).toBe("IST.env-key");
  });

  test("a key that is no Wix setting of a site is refused, not ignored", async () => {
    await expect(loadSites({ ...env, SITES: sites({ SECRET_ID: "eu-typo" }) })).rejects.toThrow(
      "secret eu-typo: unknown key WIX_APIKEY",
    );
    await expect(loadSites({ ...env, SITES: sites({ SECRET_ID: "eu-global" }) })).rejects.toThrow(
      "secret eu-global: unknown key ERPNEXT_API_SECRET",
    );
  });
});
