/** Keeps credentials out of logs, errors and snapshots. */

const SECRET_KEYS = /authorization|secret|token|password|api[_-]?key|private/i;

/** Masks header values and object fields whose names suggest credentials. */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redact(v)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.test(k) && v !== undefined && v !== null && v !== "" ? "***" : redact(v);
    }
    return out as T;
  }
  return value;
}

/** Shorter texts are not scrubbed: masking every "1234" would garble logs without hiding anything. */
const MIN_SECRET = 4;
/** A base64 fragment shorter than this could match by chance. */
const MIN_BASE64_FRAGMENT = 8;

/** Every configured credential and token this process has used, in every form it may be echoed in. */
const known = new Set<string>();
let forms: string[] = [];

/**
 * Registers secrets (the settings' credentials, an OAuth access token...) so that every sink -
 * logger, sync log, DLQ reasons, error messages - removes them, also base64-encoded (a Basic auth
 * header or a token echoed by a proxy), wherever inside a larger base64 text they sit.
 */
export function rememberSecrets(...values: (string | undefined)[]): void {
  let added = false;
  for (const value of values) {
    if (!value || value.length < MIN_SECRET || known.has(value)) continue;
    known.add(value);
    added = true;
  }
  if (!added) return;
  const all = new Set<string>();
  for (const value of known) for (const form of encodedForms(value)) all.add(form);
  // Longest first, so a pair "key:secret" goes before its parts.
  forms = [...all].sort((a, b) => b.length - a.length);
}

/**
 * The value, and the characters of its base64 (and base64url) encoding that do not depend on what
 * surrounds it, for each of the three byte alignments it can have inside a longer encoded text.
 */
function encodedForms(value: string): string[] {
  const out = [value];
  const bytes = Buffer.from(value, "utf8");
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    // Characters carrying a bit of the leading padding, or of whatever follows the value, vary.
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor(((offset + bytes.length) * 8) / 6);
    const fragment = encoded.slice(first, last);
    if (fragment.length < MIN_BASE64_FRAGMENT) continue;
    out.push(fragment, fragment.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return out;
}

/** Removes every known secret value from free text (error bodies sometimes echo a request). */
export function scrub(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= MIN_SECRET) out = out.split(s).join("***");
  for (const form of forms) if (out.includes(form)) out = out.split(form).join("***");
  return out;
}

/** `scrub` applied to every string inside a value (sync log entries, report bodies). */
export function scrubDeep<T>(value: T): T {
  if (typeof value === "string") return scrub(value) as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v)])) as T;
  }
  return value;
}
