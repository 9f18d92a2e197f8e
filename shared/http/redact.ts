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

/** Removes every known secret value from free text (error bodies sometimes echo a request). */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("***");
  return out;
}
