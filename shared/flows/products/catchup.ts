import type { DocFilter, ErpnextDocuments } from "#shared/flows/erpnext-documents";
import { frappeTimeToIso } from "../../frappe-time";
import type { FlowHeartbeat, Watermarks, WorkQueue } from "../job-ports";
import { modifiedSince, oldestOf } from "../modified-since";
import { itemMessages, type ProductsMessage } from "./messages";

interface CatchupErpnext extends Pick<ErpnextDocuments, "list"> {
  /** The API user the integration writes as (frappe.auth.get_logged_user). */
  whoAmI(): Promise<string>;
}

/**
 * Items (and Item Prices) modified since the watermark, enqueued in messages of 100 item codes.
 * Run once for every site (its messages name none, so each site's worker takes them): with
 * several sites it reads from the oldest of their watermarks and moves each site's.
 */
export async function productCatchup(deps: {
  erpnext: CatchupErpnext;
  state: Watermarks & FlowHeartbeat;
  queue: WorkQueue<"products", ProductsMessage>;
  settings?: { status: { writeToErpnext: boolean } };
  /** Every site's state (functions/jobs.ts gives a job run once its sites' cores). */
  sites?: { state: Watermarks & FlowHeartbeat }[];
}) {
  const states = deps.sites?.map((s) => s.state) ?? [deps.state];
  const reader = { erpnext: deps.erpnext, state: states.length > 1 ? oldestOf(states) : deps.state };
  const ownWrites = await ownWritesFilter(deps);
  let enqueued = 0;
  const byDoctype: Record<string, number> = {};
  // A new item usually has a new price too: enqueue each code once per run.
  const seen = new Set<string>();
  for (const doctype of ["Item", "Item Price"] as const) {
    byDoctype[doctype] = 0;
    const codeField = doctype === "Item" ? "name" : "item_code";
    for await (const rows of modifiedSince<Record<string, string> & { modified: string }>(
      reader,
      doctype,
      `product-catchup:${doctype}`,
      [codeField],
      undefined,
      doctype === "Item" ? ownWrites : [],
    )) {
      const codes = [...new Set(rows.map((r) => r[codeField] as string))].filter((c) => !seen.has(c));
      for (const c of codes) seen.add(c);
      const changedAt = frappeTimeToIso(rows[rows.length - 1]?.modified);
      await deps.queue.send("products", itemMessages(codes, "catchup", 100, changedAt));
      enqueued += codes.length;
      byDoctype[doctype] += codes.length;
    }
  }
  for (const state of states) await state.markSuccess("products");
  return { enqueued, byDoctype };
}

/**
 * Writing an Item's status fields bumps its `modified` (a full save), so without this filter the
 * catch-up would re-read every item it had just synced. Items whose last change is the
 * integration's own (`modified_by` = the API user: only our status writes save Items as that
 * user) are left out.
 * Trade-off: a change that sends no webhook (Data Import) made to an item in the moment between
 * our sync's read and its status write is then hidden behind our write, until the item changes
 * again; a change with a webhook is synced by the webhook. The alternative, re-reading every item
 * we wrote (the content hash makes the Wix side free), costs one ERPNext read per synced item per
 * catch-up. With WRITE_STATUS_TO_ERPNEXT off nothing is left out.
 */
async function ownWritesFilter(deps: {
  erpnext: CatchupErpnext;
  settings?: { status: { writeToErpnext: boolean } };
}): Promise<DocFilter[]> {
  if (!deps.settings?.status.writeToErpnext) return [];
  return [["modified_by", "!=", await deps.erpnext.whoAmI()]];
}
