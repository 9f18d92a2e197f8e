import { SITE_NAME } from "../config/sites";
import { ConfigError } from "../errors";
import type { SiteFilter } from "../queue/sqs";

/**
 * `--site NAME` of the ops commands (setup, audit, report, redrive, doctor): without it every site,
 * each reported under its name; an unknown name is refused with the list of the sites.
 */
export function siteArg(args: readonly string[]): string | undefined {
  const at = args.indexOf("--site");
  if (at < 0) return undefined;
  const name = args[at + 1];
  if (!name || !SITE_NAME.test(name))
    throw new ConfigError([
      `--site: expected a site name (1-32 of a-z, 0-9 and "-"), got ${name ?? "nothing"}`,
    ]);
  return name;
}

/** Why `wanted` is not one of the sites (with their list), or undefined when it is (or none is wanted). */
export function unknownSite(sites: readonly string[], wanted: string | undefined): string | undefined {
  if (wanted === undefined || sites.includes(wanted)) return undefined;
  return `unknown site "${wanted}" (sites: ${sites.join(", ")})`;
}

/** The sites a command runs for: the one named, or every one. */
export function pickSites<T extends { site: string }>(all: readonly T[], wanted: string | undefined): T[] {
  const problem = unknownSite(
    all.map((s) => s.site),
    wanted,
  );
  if (problem) throw new ConfigError([problem]);
  return all.filter((s) => wanted === undefined || s.site === wanted);
}

/**
 * A parked message is a site's when it names that site; one naming none (ERPNext's news) is every
 * site's. Without a site: every message.
 */
export function parkedFor(site: string | undefined): SiteFilter {
  return (own) => site === undefined || own === undefined || own === site;
}
