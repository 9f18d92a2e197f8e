import { afterEach, expect, jest, test } from "@jest/globals";
import { logger, withSiteLogs } from "#shared/runtime/logger";

const lines: string[] = [];
const capture = (chunk: unknown) => {
  lines.push(String(chunk));
  return true;
};
// Powertools writes warnings and errors to stderr, the rest to stdout.
const spies = [
  jest.spyOn(process.stdout, "write").mockImplementation(capture),
  jest.spyOn(process.stderr, "write").mockImplementation(capture),
];
afterEach(() => {
  lines.length = 0;
});

test("a line written inside a site's work names the site; one outside does not", async () => {
  const level = logger.getLevelName();
  logger.setLogLevel("INFO");
  try {
    // Two sites side by side in one process: each line keeps its own site.
    await Promise.all([
      withSiteLogs("us", async () => {
        await new Promise((r) => setTimeout(r, 5));
        logger.info("order created: 10001");
      }),
      withSiteLogs("eu", async () => logger.warn("order created: 10001")),
    ]);
    logger.info("no site here");
  } finally {
    logger.setLogLevel(level);
    for (const spy of spies) spy.mockRestore();
  }
  const us = lines.find((l) => l.includes("order created") && l.includes('"level":"INFO"'));
  const eu = lines.find((l) => l.includes("order created") && l.includes('"level":"WARN"'));
  expect(JSON.parse(us as string).site).toBe("us");
  expect(JSON.parse(eu as string).site).toBe("eu");
  expect(JSON.parse(lines.find((l) => l.includes("no site here")) as string).site).toBeUndefined();
});
