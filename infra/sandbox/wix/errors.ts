import { randomUUID } from "node:crypto";
import type { SimResponse } from "../kit";

/** One field a request got wrong (`validationError.fieldViolations[]` of Wix's error details). */
export type Violation = { field: string; description: string; ruleName?: string };

/** A refusal, answered in Wix's error envelope; resources throw it, the router answers it. */
export class WixError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly violations?: Violation[],
  ) {
    super(message);
  }
}

/**
 * Wix's error envelope: `{message, details}`, the details either `validationError.fieldViolations`
 * or `applicationError {code, description, data}`, with an `x-wix-request-id` header.
 */
export function errorResponse(e: WixError): SimResponse {
  const details = e.violations
    ? { validationError: { fieldViolations: e.violations } }
    : { applicationError: { code: e.code ?? statusCode(e.status), description: e.message, data: {} } };
  return {
    status: e.status,
    body: { message: e.message, details },
    headers: { "x-wix-request-id": randomUUID() },
  };
}

/** The gRPC-style code Wix names a status by when no application code is given. */
export function statusCode(status: number): string {
  return (
    (
      {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        409: "ALREADY_EXISTS",
        428: "FAILED_PRECONDITION",
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        503: "UNAVAILABLE",
        504: "DEADLINE_EXCEEDED",
      } as Record<number, string>
    )[status] ?? "UNKNOWN"
  );
}
