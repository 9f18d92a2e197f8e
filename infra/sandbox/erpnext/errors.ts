import type { SimResponse } from "../kit";

/** A refusal as Frappe raises it: an HTTP status and the exception class (`exc_type`). */
export class FrappeError extends Error {
  constructor(
    readonly status: number,
    readonly excType: string,
    message: string,
  ) {
    super(message);
  }
}

/** Frappe's error envelope: `_server_messages` is a JSON list of JSON strings. */
export function errorResponse(e: FrappeError): SimResponse {
  return {
    status: e.status,
    body: {
      exc_type: e.excType,
      exception: `frappe.exceptions.${e.excType}: ${e.message}`,
      _server_messages: JSON.stringify([JSON.stringify({ message: e.message, indicator: "red" })]),
    },
  };
}

/** An injected fault's answer: a 429 is the rate limiter's plain text, the rest Frappe's envelope. */
export function faultResponse(status: number, body: unknown): SimResponse {
  if (status === 429) return { status: 429, body: "Too Many Requests", headers: { "retry-after": "1" } };
  if (body !== undefined) return { status, body };
  return errorResponse(new FrappeError(status, "InternalError", "injected fault"));
}
