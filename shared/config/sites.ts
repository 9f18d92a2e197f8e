import { ConfigError } from "../errors";
import { DEFAULT_SITE, parseSettings, type Settings, settingsSchema } from "./settings";

/**
 * Several Wix sites on one ERPNext (SITES_FILE). A site entry holds, by the same names as the
 * single-site environment variables, what may differ per site; whatever it leaves out comes from
 * the environment. The ERPNext connection and the deployment-wide switches stay global.
 */
export const GLOBAL_KEYS = [
  "ERPNEXT_URL",
  "ERPNEXT_API_KEY",
  "ERPNEXT_API_SECRET",
  "ERPNEXT_WEBHOOK_SECRET",
  "DRY_RUN",
  "RETRY_BASE_SECONDS",
  "WRITE_STATUS_TO_ERPNEXT",
] as const;

/** Every setting a site entry may hold (all the others of the schema). */
export const SITE_KEYS = Object.keys(settingsSchema.shape).filter(
  (k) => !(GLOBAL_KEYS as readonly string[]).includes(k),
);

/** A site's name: a state-key and log-safe word. */
export const SITE_NAME = /^[a-z0-9-]{1,32}$/;

/** A site entry's own keys besides its settings: its name, and in AWS its own secret. */
const ENTRY_KEYS = ["name", "SECRET_ID"];

export type SiteEntry = Record<string, unknown> & { name: string; SECRET_ID?: string };

/**
 * The entries of a sites file, checked for shape: an array of objects with valid, unique names
 * and known keys only. Every problem is listed at once.
 */
export function readSiteEntries(value: unknown, source = "SITES_FILE"): SiteEntry[] {
  const problems = siteEntryProblems(value, source);
  if (problems.length) throw new ConfigError(problems);
  return value as SiteEntry[];
}

/** What is wrong with the shape of a sites file's JSON (readSiteEntries), nothing when it is fine. */
export function siteEntryProblems(value: unknown, source = "SITES_FILE"): string[] {
  if (!Array.isArray(value) || value.length === 0)
    return [`${source}: expected a JSON array of sites, [{"name": "us", ...}]`];
  const problems: string[] = [];
  const seen = new Set<string>();
  value.forEach((entry, i) => {
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push(`${source}[${i}]: expected an object`);
      return;
    }
    const name = (entry as Record<string, unknown>).name;
    const label = typeof name === "string" && name ? `site "${name}"` : `${source}[${i}]`;
    if (typeof name !== "string" || !SITE_NAME.test(name))
      problems.push(`${label}: name must be 1-32 of a-z, 0-9 and "-"`);
    else if (seen.has(name)) problems.push(`${label}: named twice`);
    else seen.add(name);
    for (const key of Object.keys(entry)) {
      if ((GLOBAL_KEYS as readonly string[]).includes(key))
        problems.push(`${label}: ${key} is the same for every site; set it in the environment`);
      else if (!SITE_KEYS.includes(key) && !ENTRY_KEYS.includes(key))
        problems.push(`${label}: unknown setting ${key}`);
    }
  });
  return problems;
}

/**
 * A JSON value of a site entry as the environment would spell it: lists comma-separated, maps
 * (ERPNEXT_TAX_ACCOUNTS, ERPNEXT_PAYMENT_ACCOUNTS) as NAME=ACCOUNT pairs.
 */
function asEnvValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).join(",");
  if (typeof value === "object")
    return Object.entries(value)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(",");
  return String(value);
}

/**
 * The settings of every site: without entries the environment is the one site "default"; with
 * them each entry over the environment. With several sites each needs its own WIX_INSTANCE_ID
 * (a Wix event is routed to the site its JWT's instance names). Throws one ConfigError listing
 * every problem of every site.
 */
export function parseSites(
  env: Record<string, string | undefined>,
  entries: SiteEntry[] | undefined,
  extraPublicKeys: string[] = [],
): Settings[] {
  if (!entries) return [parseSettings(env, extraPublicKeys, DEFAULT_SITE)];
  const problems: string[] = [];
  const sites: Settings[] = [];
  for (const entry of entries) {
    const source: Record<string, string | undefined> = { ...env };
    for (const [key, value] of Object.entries(entry))
      if (!ENTRY_KEYS.includes(key)) source[key] = asEnvValue(value);
    try {
      sites.push(parseSettings(source, extraPublicKeys, entry.name));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((p) => `site "${entry.name}": ${p}`));
    }
  }
  if (entries.length > 1) {
    const owners = new Map<string, string>();
    for (const site of sites) {
      const id = site.wix.instanceId;
      if (!id) problems.push(`site "${site.site}": WIX_INSTANCE_ID: required with several sites`);
      else if (owners.has(id))
        problems.push(`site "${site.site}": WIX_INSTANCE_ID: also site "${owners.get(id)}"'s`);
      else owners.set(id, site.site);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return sites;
}
