import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { parseSettings, SECRET_KEYS, type Settings, secretValues } from "../config/settings";
import { ConfigError } from "../errors";
import { rememberSecrets } from "../http/redact";

/** Secrets are cached for minutes, not the 5 s default: one read per container, refreshed now and then. */
const SECRET_MAX_AGE_SECONDS = 300;

/**
 * Settings from the environment, with credentials from one Secrets Manager secret (JSON with the
 * same keys) when SECRET_ID is set: both hosts share one schema.
 */
export async function loadSettings(env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const source: Record<string, string | undefined> = { ...env };
  if (env.SECRET_ID) {
    const secret = await getSecret<Record<string, string>>(env.SECRET_ID, {
      transform: "json",
      maxAge: SECRET_MAX_AGE_SECONDS,
    });
    if (!secret || typeof secret !== "object")
      throw new ConfigError([`secret ${env.SECRET_ID}: not a JSON object`]);
    const unknown = Object.keys(secret).filter(
      (k) =>
        !(SECRET_KEYS as readonly string[]).includes(k) && !k.startsWith("ERPNEXT_") && !k.startsWith("WIX_"),
    );
    if (unknown.length)
      throw new ConfigError(unknown.map((k) => `secret ${env.SECRET_ID}: unknown key ${k}`));
    Object.assign(source, secret);
  }
  const extraKeys = env.SANDBOX_WIX_PUBLIC_KEY ? [env.SANDBOX_WIX_PUBLIC_KEY] : [];
  const settings = parseSettings(source, extraKeys);
  // Every sink scrubs these from now on, the key:secret pair of the ERPNext token included.
  rememberSecrets(...secretValues(settings), `${settings.erpnext.apiKey}:${settings.erpnext.apiSecret}`);
  return settings;
}
