import { readFileSync } from "node:fs";
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { SECRET_KEYS, type Settings, secretValues } from "../config/settings";
import { parseSites, SITE_KEYS, type SiteEntry, siteEntryProblems } from "../config/sites";
import { ConfigError, errorMessage } from "../errors";
import { rememberSecrets } from "../http/redact";

/** Secrets are cached for minutes, not the 5 s default: one read per container, refreshed now and then. */
const SECRET_MAX_AGE_SECONDS = 300;

/** One Secrets Manager secret: a JSON object of settings by their environment names. */
async function readSecret(
  secretId: string,
  allowed: (key: string) => boolean,
): Promise<Record<string, string>> {
  const secret = await getSecret<Record<string, string>>(secretId, {
    transform: "json",
    maxAge: SECRET_MAX_AGE_SECONDS,
  });
  if (!secret || typeof secret !== "object") throw new ConfigError([`secret ${secretId}: not a JSON object`]);
  const unknown = Object.keys(secret).filter((k) => !allowed(k));
  if (unknown.length) throw new ConfigError(unknown.map((k) => `secret ${secretId}: unknown key ${k}`));
  return secret;
}

/** A site's own secret holds its Wix settings only (a misspelt one is refused, not ignored). */
const siteSecretName = (k: string) => k.startsWith("WIX_") && SITE_KEYS.includes(k);

const settingName = (k: string) =>
  (SECRET_KEYS as readonly string[]).includes(k) || k.startsWith("ERPNEXT_") || k.startsWith("WIX_");

/**
 * The site entries: SITES_FILE (a JSON file, the local host and the CLI) or SITES (the same JSON
 * inline, set by the CDK stack from its `sites` setting); neither = one site from the environment.
 * In AWS a site's credentials live in its own secret (the entry's SECRET_ID), merged over it.
 */
async function siteEntries(env: NodeJS.ProcessEnv): Promise<{ entries?: SiteEntry[]; problems: string[] }> {
  let raw: unknown;
  if (env.SITES_FILE) {
    try {
      raw = JSON.parse(readFileSync(env.SITES_FILE, "utf8"));
    } catch (error) {
      throw new ConfigError([`SITES_FILE: cannot read ${env.SITES_FILE} as JSON (${errorMessage(error)})`]);
    }
  } else if (env.SITES) {
    try {
      raw = JSON.parse(env.SITES);
    } catch {
      throw new ConfigError(["SITES: not JSON"]);
    }
  } else return { problems: [] };
  const problems = siteEntryProblems(raw, env.SITES_FILE ? "SITES_FILE" : "SITES");
  if (!Array.isArray(raw) || !raw.length) throw new ConfigError(problems);
  // The settings of every named entry are checked too: one message lists every problem of the file.
  const objects = raw.filter(
    (e): e is SiteEntry => Boolean(e) && typeof e === "object" && typeof e.name === "string",
  );
  const entries = await Promise.all(
    objects.map(async (entry) =>
      typeof entry.SECRET_ID === "string"
        ? { ...entry, ...filled(await readSecret(entry.SECRET_ID, siteSecretName)) }
        : entry,
    ),
  );
  return { entries, problems };
}

/**
 * A site secret's values that are set: the stack makes a new site's secret with every key blank
 * (infra/cdk/stack.ts siteSecret), and a blank must not wipe what the environment gives (one
 * Wix app's secret and public key serve every site) nor stop every site until it is filled in.
 */
function filled(secret: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(secret).filter(([, value]) => String(value).trim() !== ""));
}

/**
 * Every site's settings, from the environment (and the sites file), with the global credentials
 * from one Secrets Manager secret (JSON with the same keys) when SECRET_ID is set: both hosts
 * share one schema (shared/config/settings.ts, shared/config/sites.ts).
 */
export async function loadSites(env: NodeJS.ProcessEnv = process.env): Promise<Settings[]> {
  const source: Record<string, string | undefined> = { ...env };
  if (env.SECRET_ID) Object.assign(source, await readSecret(env.SECRET_ID, settingName));
  const extraKeys = env.SANDBOX_WIX_PUBLIC_KEY ? [env.SANDBOX_WIX_PUBLIC_KEY] : [];
  const { entries, problems } = await siteEntries(env);
  let sites: Settings[];
  try {
    sites = parseSites(source, entries, extraKeys);
  } catch (error) {
    throw error instanceof ConfigError ? new ConfigError([...problems, ...error.problems]) : error;
  }
  if (problems.length) throw new ConfigError(problems);
  // Every sink scrubs these from now on, the key:secret pair of the ERPNext token included.
  for (const settings of sites)
    rememberSecrets(...secretValues(settings), `${settings.erpnext.apiKey}:${settings.erpnext.apiSecret}`);
  return sites;
}

/** The first site's settings (the only one without SITES_FILE): for what needs just the global part. */
export async function loadSettings(env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  return (await loadSites(env))[0] as Settings;
}
