/**
 * Start-up of the local host before anything runs: its own settings (ports, ops access, job
 * intervals), the sandboxes and their defaults for whatever is not configured, the DATA_DIR lock
 * and process.env as the handlers read it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import { join } from "node:path";
import { SITE_KEYS, SITE_NAME, type SiteEntry } from "#shared/config/sites";
import { ConfigError } from "#shared/errors";
import { intervalOverrides, type JobName } from "#shared/jobs/definitions";
import { ErpnextSandbox } from "../sandbox/erpnext";
import { WixSandbox } from "../sandbox/wix";

export interface HostSettings {
  port: number;
  /** The address the main listener binds to. */
  bindHost: string;
  /** The loopback listener of the control routes; undefined = they share the (loopback) main one. */
  opsPort?: number;
  opsToken?: string;
  /** JOB_<NAME>_EVERY overrides. */
  intervals: Partial<Record<JobName, number>>;
}

/** The local host's own settings; every problem is listed (with the integration's, later). */
export function readHostSettings(input: Record<string, string | undefined>): {
  settings: HostSettings;
  problems: string[];
} {
  const problems: string[] = [];
  const port = Number(input.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT: expected a port number, got "${input.PORT}"`);
  const { intervals, problems: intervalProblems } = intervalOverrides(input);
  problems.push(...intervalProblems);

  const healthCache = input.HEALTH_CACHE_SECONDS?.trim();
  if (healthCache && !/^\d+$/.test(healthCache))
    problems.push(`HEALTH_CACHE_SECONDS: expected whole seconds, got "${input.HEALTH_CACHE_SECONDS}"`);
  const bindHost = input.HOST?.trim() || "127.0.0.1";
  const opsPortText = input.OPS_PORT?.trim();
  const opsPortValue = opsPortText ? Number(opsPortText) : undefined;
  if (
    opsPortValue !== undefined &&
    (!Number.isInteger(opsPortValue) || opsPortValue < 0 || opsPortValue > 65535)
  )
    problems.push(`OPS_PORT: expected a port number, got "${input.OPS_PORT}"`);
  const opsToken = input.OPS_TOKEN?.trim() || undefined;
  if (opsToken && opsToken.length < 16) problems.push("OPS_TOKEN: at least 16 characters");
  // Control routes are never served on a listener other hosts can reach: with a non-loopback HOST
  // they get a loopback listener of their own even without OPS_PORT (any free port).
  const opsPort = opsPortValue ?? (isLoopbackHost(bindHost) ? undefined : 0);
  return { settings: { port, bindHost, opsPort, opsToken, intervals }, problems };
}

const SANDBOX_ERPNEXT = {
  key: "sandbox-api-key",
  secret: "sandbox-api-secret",
  webhook: "sandbox-webhook-secret",
};
const SANDBOX_WIX = { key: "sandbox-wix-api-key", site: "sandbox-site-id" };

/** Points `env` at the sandbox ERPNext under `opsUrl`, with its credentials and the sandbox company's masters. */
export function useSandboxErpnext(env: Record<string, string | undefined>, opsUrl: string): void {
  env.ERPNEXT_URL = `${opsUrl}/sandbox/erpnext`;
  env.ERPNEXT_API_KEY ||= SANDBOX_ERPNEXT.key;
  env.ERPNEXT_API_SECRET ||= SANDBOX_ERPNEXT.secret;
  env.ERPNEXT_WEBHOOK_SECRET ||= SANDBOX_ERPNEXT.webhook;
  env.ERPNEXT_COMPANY ||= "Sandbox Co";
  env.ERPNEXT_WAREHOUSE ||= "Stores - SC";
  env.ERPNEXT_SHIPPING_ACCOUNT ||= "Freight and Forwarding Charges - SC";
  env.ERPNEXT_TAX_ACCOUNT ||= "VAT - SC";
  env.ERPNEXT_PAYMENT_ACCOUNT ||= "Wix Payments - SC";
}

/** Points `env` at the sandbox Wix under `opsUrl`, with its credentials. */
export function useSandboxWix(env: Record<string, string | undefined>, opsUrl: string): void {
  env.WIX_API_URL = `${opsUrl}/sandbox/wix`;
  env.WIX_API_KEY = SANDBOX_WIX.key;
  env.WIX_SITE_ID = SANDBOX_WIX.site;
}

/** Whether `env` configures Wix (a key, an app, or sites bringing their own): else a sandbox stands in. */
const wixConfigured = (env: Record<string, string | undefined>) =>
  Boolean(env.WIX_API_KEY || env.WIX_APP_ID || env.SITES_FILE || env.SITES);

/**
 * The ops commands (setup, doctor, plan) on a running host's sandboxes, for what `env` leaves to
 * them as the host does (sandboxesFor): ERPNext's without ERPNEXT_URL; Wix's without Wix settings,
 * and with SANDBOX_SITES (given as to the host) each sandbox site as a site. Whether ERPNext's is used.
 */
export function useHostSandboxes(env: Record<string, string | undefined>, opsUrl: string): boolean {
  const erpnext = !env.ERPNEXT_URL;
  if (erpnext) useSandboxErpnext(env, opsUrl);
  if (wixConfigured(env)) return erpnext;
  if (env.SANDBOX_SITES?.trim()) {
    const { entries, problems } = readSandboxSites(env, opsUrl);
    if (problems.length) throw new ConfigError(problems);
    env.SITES = JSON.stringify(entries);
  } else useSandboxWix(env, opsUrl);
  return erpnext;
}

/** What a sandbox Wix site sets itself, so SANDBOX_SITE_SETTINGS may not. */
const SANDBOX_OWN_KEYS = [
  "WIX_API_URL",
  "WIX_API_KEY",
  "WIX_SITE_ID",
  "WIX_APP_ID",
  "WIX_APP_SECRET",
  "WIX_INSTANCE_ID",
  "WIX_WEBHOOK_PUBLIC_KEY",
];

/**
 * The sites file entry of the sandbox Wix site `name` (under `opsUrl`/sandbox/wix/`name`), without
 * its public key, which the host adds once the sandbox's saved keys are back.
 */
export function sandboxSiteEntry(
  name: string,
  opsUrl: string,
  extra: Record<string, unknown> = {},
): SiteEntry {
  return {
    name,
    ...extra,
    WIX_API_URL: `${opsUrl}/sandbox/wix/${name}`,
    WIX_API_KEY: `${SANDBOX_WIX.key}-${name}`,
    WIX_SITE_ID: `${SANDBOX_WIX.site}-${name}`,
    WIX_INSTANCE_ID: `sandbox-instance-${name}`,
  };
}

/**
 * SANDBOX_SITES=us,eu (one sandbox Wix per name) and SANDBOX_SITE_SETTINGS ({"eu":
 * {"ERPNEXT_PRICE_LIST": "EU Selling"}}, the ERPNext side of each): the sites' entries, checked.
 */
export function readSandboxSites(
  env: Record<string, string | undefined>,
  opsUrl: string,
): {
  entries: SiteEntry[];
  problems: string[];
} {
  const names = (env.SANDBOX_SITES ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  const problems: string[] = [];
  const bad = names.filter((n) => !SITE_NAME.test(n));
  if (bad.length) problems.push(`SANDBOX_SITES: names are 1-32 of a-z, 0-9 and "-": ${bad.join(", ")}`);
  if (new Set(names).size !== names.length) problems.push("SANDBOX_SITES: a site is named twice");
  const extras = jsonObject(env.SANDBOX_SITE_SETTINGS?.trim() || "{}");
  if (!extras) {
    problems.push('SANDBOX_SITE_SETTINGS: expected a JSON object, {"eu": {"ERPNEXT_PRICE_LIST": "..."}}');
    return { entries: [], problems };
  }
  for (const [name, extra] of Object.entries(extras)) {
    const label = `SANDBOX_SITE_SETTINGS.${name}`;
    if (!names.includes(name)) problems.push(`${label}: not a site of SANDBOX_SITES`);
    else if (!extra || typeof extra !== "object" || Array.isArray(extra))
      problems.push(`${label}: expected an object of settings`);
    else
      for (const key of Object.keys(extra)) {
        if (SANDBOX_OWN_KEYS.includes(key)) problems.push(`${label}: ${key} is set by the sandbox`);
        else if (!SITE_KEYS.includes(key)) problems.push(`${label}: ${key} is not a per-site setting`);
      }
  }
  const entries = names.map((n) => sandboxSiteEntry(n, opsUrl, extras[n] as Record<string, unknown>));
  return { entries, problems };
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

type CatalogVersion = "V1_CATALOG" | "V3_CATALOG";

/**
 * WIX_SANDBOX_CATALOG: the catalog version the sandbox Wix sites start with. `V1` (or `V3`) for
 * every site; with SANDBOX_SITES, `name=V1` entries set one site, e.g. `V1,eu=V3` (every site V1
 * but eu). Unset: V3. `versionOf(name)` is a site's version; `versionOf()` the single sandbox's.
 */
export function readSandboxCatalog(
  env: Record<string, string | undefined>,
  sites: string[],
): { versionOf: (site?: string) => CatalogVersion; problems: string[] } {
  const versions: Record<string, CatalogVersion> = { V1: "V1_CATALOG", V3: "V3_CATALOG" };
  const problems: string[] = [];
  let fallback: CatalogVersion = "V3_CATALOG";
  const bySite = new Map<string, CatalogVersion>();
  for (const entry of (env.WIX_SANDBOX_CATALOG ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [name, value = ""] = entry.includes("=")
      ? entry.split("=", 2).map((x) => x.trim())
      : [undefined, entry];
    const v = versions[value.toUpperCase()];
    if (!v) problems.push(`WIX_SANDBOX_CATALOG: "${entry}" - expected V1 or V3, or site=V1 / site=V3`);
    else if (name === undefined) fallback = v;
    else if (!sites.includes(name))
      problems.push(`WIX_SANDBOX_CATALOG: ${name} is not a site of SANDBOX_SITES`);
    else bySite.set(name, v);
  }
  return { versionOf: (site) => (site && bySite.get(site)) || fallback, problems };
}

/** The sandboxes a host runs (infra/local/host.ts): each undefined where a real system is configured. */
export interface Sandboxes {
  erpnext?: ErpnextSandbox;
  /** The single sandbox Wix, or the first of SANDBOX_SITES. */
  wix?: WixSandbox;
  /** With SANDBOX_SITES, each site's sandbox Wix by name (served under /sandbox/wix/<name>). */
  wixSites?: Record<string, WixSandbox>;
}

/**
 * Sandboxes stand in for whatever is not configured: each is created, and `env` given the settings
 * that reach it (its URL under the control listener, its credentials, the sandbox company's
 * accounts). Webhooks go to the public listener, as the real systems' would. With SANDBOX_SITES
 * there is one sandbox Wix per site, each with its own keys and instance, and `siteEntries` are the
 * sites to give the core (`SITES`), once their public keys are known.
 */
export function sandboxesFor(
  env: Record<string, string>,
  urls: { url: string; opsUrl: string },
): Sandboxes & { siteEntries?: SiteEntry[]; problems: string[] } {
  const problems: string[] = [];
  const out: Sandboxes = {};
  if (!env.ERPNEXT_URL) {
    useSandboxErpnext(env, urls.opsUrl);
    // Its Webhook documents are made at start by the same code as `npm run setup` (host.ts).
    out.erpnext = new ErpnextSandbox({
      apiKey: env.ERPNEXT_API_KEY as string,
      apiSecret: env.ERPNEXT_API_SECRET as string,
    });
  }
  const webhookUrl = `${urls.url}/webhooks/wix`;
  // Sites given by SITES_FILE / SITES bring their own Wix: no sandbox stands in for them.
  if (env.SANDBOX_SITES?.trim()) {
    if (wixConfigured(env)) {
      problems.push(
        "SANDBOX_SITES: only with the sandbox Wix (no WIX_API_KEY / WIX_APP_ID, no SITES_FILE / SITES)",
      );
      return { ...out, problems };
    }
    const { entries, problems: siteProblems } = readSandboxSites(env, urls.opsUrl);
    problems.push(...siteProblems);
    const catalog = readSandboxCatalog(
      env,
      entries.map((e) => e.name),
    );
    problems.push(...catalog.problems);
    out.wixSites = Object.fromEntries(
      entries.map((e) => [
        e.name,
        new WixSandbox({
          apiKey: e.WIX_API_KEY as string,
          siteId: e.WIX_SITE_ID as string,
          instanceId: e.WIX_INSTANCE_ID as string,
          webhookUrl,
          catalogVersion: catalog.versionOf(e.name),
        }),
      ]),
    );
    out.wix = Object.values(out.wixSites)[0];
    return { ...out, siteEntries: entries, problems };
  }
  if (!wixConfigured(env)) {
    useSandboxWix(env, urls.opsUrl);
    const catalog = readSandboxCatalog(env, []);
    problems.push(...catalog.problems);
    out.wix = new WixSandbox({
      catalogVersion: catalog.versionOf(),
      apiKey: env.WIX_API_KEY as string,
      siteId: env.WIX_SITE_ID as string,
      // Its events name the configured instance, so WIX_INSTANCE_ID can be tried locally.
      instanceId: env.WIX_INSTANCE_ID,
      webhookUrl,
    });
  }
  return { ...out, problems };
}
/**
 * One local host per DATA_DIR: two would share the DynamoDB files and replay the same queue
 * journal. Returns the release; throws when another live process holds it.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, "host.pid");
  const holder = lockHolder(lockFile);
  if (holder)
    throw new Error(`in use by another local host (pid ${holder}): stop it, or set another DATA_DIR`);
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
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

/** The handlers read process.env exactly as on Lambda; the returned function puts it back. */
export function applyProcessEnv(env: Record<string, string>): () => void {
  const previousEnv = { ...process.env };
  Object.assign(process.env, env);
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in previousEnv)) delete process.env[key];
    Object.assign(process.env, previousEnv);
  };
}

export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host.startsWith("127.") || host === "::1";
}

/** The address to reach a listener bound to `host` (a wildcard bind is reached on loopback). */
export function connectHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "localhost") return "127.0.0.1";
  return isIPv6(host) ? `[${host}]` : host;
}
