/**
 * zod, the small build: the webhook functions must stay tiny for cold starts (classic zod alone
 * is over 400 KB minified; zod/mini with English messages is about 20 KB). One import for all:
 * `import * as z from "../validation"`. Re-exported member by member, not as a namespace object,
 * so the bundler can still drop what a function does not use.
 */
import { en } from "zod/locales";
import { config, type core } from "zod/mini";

config(en());

export * from "zod/mini";

/** "path: message; path: message" for logs and 400 answers. */
export function describeIssues(issues: readonly core.$ZodIssue[], fallback = "body"): string {
  return issues.map((i) => `${i.path.join(".") || fallback}: ${i.message}`).join("; ");
}
