import type { FunctionName } from "./cdk/functions";

/**
 * The HTTP API, once, for both hosts: the CDK stack builds its API Gateway routes from this table
 * and the local gateway matches requests against it, handing the function the same API Gateway v2
 * event. The local host's control routes (jobs, DLQs, sandboxes) are not deployed and are not here.
 */
export interface ApiRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  function: FunctionName;
  /** A throttle of the route's own, below the stage's (requests per second, burst). */
  throttle?: { rateLimit: number; burstLimit: number };
}

/** GET /health: requests per second (and burst) API Gateway lets through. */
export const HEALTH_RATE_LIMIT = 1;
export const HEALTH_BURST_LIMIT = 5;

export const API_ROUTES = [
  // The ERPNext Webhook doctype sends POST by default, PUT or DELETE when so configured.
  { method: "POST", path: "/webhooks/erpnext", function: "erpnextWebhook" },
  { method: "PUT", path: "/webhooks/erpnext", function: "erpnextWebhook" },
  { method: "DELETE", path: "/webhooks/erpnext", function: "erpnextWebhook" },
  { method: "POST", path: "/webhooks/wix", function: "wixWebhook" },
  // /health is public and each live probe costs ERPNext and Wix calls: a throttle of its own, far
  // below the webhooks' (the function also serves a cached report).
  {
    method: "GET",
    path: "/health",
    function: "health",
    throttle: { rateLimit: HEALTH_RATE_LIMIT, burstLimit: HEALTH_BURST_LIMIT },
  },
] as const satisfies readonly ApiRoute[];

/** API Gateway's route key, e.g. "GET /health". */
export const routeKey = (route: Pick<ApiRoute, "method" | "path">): string => `${route.method} ${route.path}`;

/** The functions behind the API (each is handed the API Gateway v2 event). */
export type ApiFunctionName = (typeof API_ROUTES)[number]["function"];
