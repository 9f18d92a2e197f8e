import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { API_ROUTES } from "#infra/routes";
import { type Harness, startHarness } from "./harness";

describe("the local gateway serves the HTTP API's route table (infra/routes.ts), as API Gateway does", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.host.stop());

  test("each route reaches its function; another method on its path gets 405", async () => {
    for (const route of API_ROUTES) {
      const res = await h.request(route.method, route.path);
      // Unsigned webhooks are refused by their function (401); /health answers.
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: route.path === "/health" ? 200 : 401,
      });
    }
    for (const path of new Set(API_ROUTES.map((r) => r.path)))
      expect((await h.request("PATCH", path)).status).toBe(405);
  });

  test("the function is handed the payload format 2.0 event: route key, raw path and query, stage", async () => {
    // Imported after the host started, as the host imports it: the same module instance.
    const functions = await import("#infra/local/functions");
    const health = jest.spyOn(functions.api, "health");
    try {
      expect((await h.request("GET", "/health?probe=1&probe=2&x=a%20b")).status).toBe(200);
      const event = health.mock.calls[0]?.[0] as APIGatewayProxyEventV2;
      expect(event).toMatchObject({
        version: "2.0",
        routeKey: "GET /health",
        rawPath: "/health",
        rawQueryString: "probe=1&probe=2&x=a%20b",
        queryStringParameters: { probe: "1,2", x: "a b" },
        isBase64Encoded: false,
        requestContext: {
          routeKey: "GET /health",
          stage: "$default",
          http: { method: "GET", path: "/health" },
        },
      });
    } finally {
      health.mockRestore();
    }
  });
});
