import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * base64(HMAC-SHA256(secret, raw body)), as Frappe's Webhook doctype sends it (get_webhook_headers
 * in frappe/integrations/doctype/webhook/webhook.py).
 */
export function signFrappeBody(secret: string, rawBody: Buffer | string): string {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(rawBody).digest("base64");
}

/** Constant-time check of `X-Frappe-Webhook-Signature` over the raw body bytes. */
export function verifyFrappeSignature(
  secret: string,
  rawBody: Buffer,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(signFrappeBody(secret, rawBody), "utf8");
  const given = Buffer.from(signature.trim(), "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Serializes like Python's json.dumps (v14/v15): ", " and ": " separators, non-ASCII as \uXXXX. */
export function frappeJson(value: unknown): string {
  const compact = JSON.stringify(value, null, 0);
  return asciiEscape(addPythonSeparators(compact));
}

function addPythonSeparators(json: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    out += c;
    if (inString) {
      if (c === "\\") out += json[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "," || c === ":") out += " ";
  }
  return out;
}

function asciiEscape(text: string): string {
  return text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
