import type { ErpnextClient } from "../erpnext/client";
import { QUEUES, type QueueName } from "../flows/registry";
import type { SiteFilter } from "../queue/sqs";
import type { WixClient } from "../wix/client";
import { probeErpnext, probeWix } from "./health-checks";

type Counts = { moved: number; gaveUp: number; kept: number; held: number };

export interface RedriveDeps {
  erpnext: Pick<ErpnextClient, "whoAmI">;
  /** Every configured site's Wix, by site name. */
  sites: Record<string, Pick<WixClient, "catalogVersion">>;
  queue: { redriveRetryable(queue: QueueName, max?: number, only?: SiteFilter): Promise<Counts> };
}

/**
 * The dlq-redrive job: retryable messages go back to work once what they need answers. ERPNext is
 * probed once, each site's Wix once; a site's messages go back when its Wix answers, while a site
 * still down keeps its own parked (one site's outage never holds back another's). A message naming
 * no site is ERPNext's news for every site: it goes back when ERPNext and at least one site answer
 * (the sites still down get their own copy from the worker). A message of a site no longer
 * configured stays for a person.
 */
export async function redriveAnswering(deps: RedriveDeps): Promise<Record<string, unknown>> {
  const names = Object.keys(deps.sites);
  const erpnext = await probeErpnext(deps.erpnext);
  const down: Record<string, string> = {};
  for (const name of names) {
    const { failing } = await probeWix(deps.sites[name] as RedriveDeps["sites"][string]);
    if (failing.length) down[name] = failing.join("; ");
  }
  const downNames = Object.keys(down);
  if (erpnext.failing.length || downNames.length === names.length) {
    const wix = names.length === 1 ? Object.values(down) : downNames.map((n) => `site ${n}: ${down[n]}`);
    return { skipped: `waiting for both APIs: ${[...erpnext.failing, ...wix].join("; ")}` };
  }
  const only: SiteFilter = (site) => (site === undefined ? true : names.includes(site) && !down[site]);
  const queues: Record<string, Counts> = {};
  for (const q of QUEUES) queues[q] = await deps.queue.redriveRetryable(q, undefined, only);
  return downNames.length ? { queues, waiting: down } : { queues };
}
