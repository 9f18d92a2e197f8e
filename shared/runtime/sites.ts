import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { errorMessage } from "../errors";
import type { QueueName } from "../flows/registry";
import { withSharedReads } from "../http/read-memo";
import { siteOfBody } from "../queue/sqs";
import { getCores } from "./core";
import { logger, withSiteLogs } from "./logger";

/** One site's run of its part of a batch (a worker's usual runPerRecord / runCoalesced). */
export type SiteRun = (event: SQSEvent, site: string) => Promise<SQSBatchResponse>;

/**
 * Runs a queue's batch per Wix site. A message naming its site is that site's work. A message
 * naming none is ERPNext's news (an item, a stock change, a Delivery Note): every site gets it, side
 * by side, and identical ERPNext reads are made once for all of them (withSharedReads), so ERPNext's
 * load does not grow with the sites. When it fails on some sites only, each of those gets its own
 * copy naming it, retried on its own: one site's outage never holds back another's sync.
 * A message of a site no longer configured is parked with that reason.
 */
export async function runPerSite(queue: QueueName, event: SQSEvent, run: SiteRun): Promise<SQSBatchResponse> {
  const cores = await getCores();
  const sites = cores.map((c) => c.site);
  const first = cores[0];
  if (!first) return { batchItemFailures: [] };
  const bySite = new Map<string, SQSRecord[]>(sites.map((s) => [s, []]));
  const everySite: SQSRecord[] = [];
  const failures: SQSBatchResponse["batchItemFailures"] = [];
  for (const record of event.Records) {
    const site = siteOfBody(record.body);
    if (site === undefined) everySite.push(record);
    else if (bySite.has(site)) bySite.get(site)?.push(record);
    else {
      const reason = `site "${site}" is not configured (sites: ${sites.join(", ")})`;
      try {
        await first.queue.deadLetter(queue, record.body, reason, { as: "permanent" });
        logger.error(`${queue} message parked: ${reason}`);
      } catch {
        failures.push({ itemIdentifier: record.messageId });
      }
    }
  }
  if (sites.length === 1) {
    const only = bySite.get(first.site) ?? [];
    const all = [...only, ...everySite];
    if (!all.length) return { batchItemFailures: failures };
    const answer = await run({ Records: all }, first.site);
    return { batchItemFailures: [...failures, ...answer.batchItemFailures] };
  }
  const runs = await withSharedReads(() =>
    Promise.all(
      sites.map(async (site) => {
        const records = [...(bySite.get(site) ?? []), ...everySite];
        if (!records.length) return { site, failed: new Set<string>() };
        try {
          const { batchItemFailures } = await withSiteLogs(site, () => run({ Records: records }, site));
          return { site, failed: new Set(batchItemFailures.map((f) => f.itemIdentifier)) };
        } catch (error) {
          // A site whose whole run fails fails its own records only, never the other sites'.
          logger.error(`${queue}: the run of site ${site} failed`, { reason: errorMessage(error) });
          return { site, failed: new Set(records.map((r) => r.messageId)) };
        }
      }),
    ),
  );
  for (const { failed } of runs)
    for (const id of failed)
      if (!everySite.some((r) => r.messageId === id)) failures.push({ itemIdentifier: id });
  for (const record of everySite) {
    const failedOn = runs.filter((r) => r.failed.has(record.messageId)).map((r) => r.site);
    if (failedOn.length === 0) continue;
    if (failedOn.length === sites.length) {
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      const body = JSON.parse(record.body);
      for (const site of failedOn) {
        const core = cores.find((c) => c.site === site);
        await core?.queue.send(queue, [{ ...body, site }] as never);
      }
      logger.warn(`${queue} message failed on ${failedOn.join(", ")} only: retried there alone`);
    } catch {
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
