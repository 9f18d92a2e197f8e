import { AsyncLocalStorage } from "node:async_hooks";
import { LogFormatter, Logger, LogItem } from "@aws-lambda-powertools/logger";
import type { LogAttributes, UnformattedAttributes } from "@aws-lambda-powertools/logger/types";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { redact, scrub } from "../http/redact";

/** One readable line per event, for watching the local host (`LOG_FORMAT=pretty`). */
class ReadableFormatter extends LogFormatter {
  public formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const time = attributes.timestamp.toISOString().slice(11, 23);
    const extra = Object.entries(redact(additional))
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    return new LogItem({
      attributes: {
        line: `${time} ${attributes.logLevel.padEnd(5)} ${attributes.message}${extra ? `  ${extra}` : ""}`,
      },
    });
  }
}

class ReadableLogger extends Logger {
  protected override printLog(_level: number, log: LogItem): void {
    const line = (log.getAttributes() as { line?: string }).line ?? "";
    process.stdout.write(`${scrub(line)}\n`);
  }
}

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? "erpnext-wix-sync";

/** Every string of a JSON log entry loses the configured secrets (an error may echo one). */
const scrubStrings = (_key: string, value: unknown) => (typeof value === "string" ? scrub(value) : value);

export const logger =
  process.env.LOG_FORMAT === "pretty"
    ? new ReadableLogger({ serviceName, logFormatter: new ReadableFormatter() })
    : new Logger({ serviceName, jsonReplacerFn: scrubStrings });

/**
 * The site whose work is running (several Wix sites run side by side in one process, and their
 * order numbers repeat): every log line written inside `withSiteLogs` names it.
 */
const siteOfLogs = new AsyncLocalStorage<string>();

export function withSiteLogs<T>(site: string, work: () => Promise<T>): Promise<T> {
  return siteOfLogs.run(site, work);
}

for (const level of ["debug", "info", "warn", "error"] as const) {
  const write = logger[level].bind(logger) as (...args: unknown[]) => void;
  (logger as unknown as Record<string, unknown>)[level] = (...args: unknown[]) => {
    const site = siteOfLogs.getStore();
    write(...(site ? [...args, { site }] : args));
  };
}

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "ErpnextWixSync",
  serviceName,
  // An invocation that counted nothing (an ignored webhook) is normal: not worth a warning.
  logger: {
    debug: (...args: unknown[]) => logger.debug(String(args[0])),
    info: (...args: unknown[]) => logger.info(String(args[0])),
    warn: (...args: unknown[]) => logger.debug(String(args[0])),
    error: (...args: unknown[]) => logger.error(String(args[0])),
  },
});
