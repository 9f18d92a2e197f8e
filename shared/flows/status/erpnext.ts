import { chunks } from "../../concurrency";
import { errorMessage } from "../../errors";
import type { BulkUpdater, StatusPort, StatusRefusal, StatusUpdate } from "./ports";

/** Documents per frappe.client.bulk_update request (each is a full save on the server). */
export const STATUS_CHUNK = 100;

/**
 * Status saved through frappe.client.bulk_update: one request for up to 100 documents instead of
 * one PUT /api/resource (or frappe.client.set_value, the same save) per document. Each document is
 * saved by the API user, so the Webhook documents' condition `doc.modified_by != <API user>`
 * keeps the write from being announced back to us.
 */
export class ErpnextStatusWriter implements StatusPort {
  constructor(private readonly erpnext: BulkUpdater) {}

  async write(updates: StatusUpdate[]): Promise<StatusRefusal[]> {
    const refused: StatusRefusal[] = [];
    for (const chunk of chunks(updates, STATUS_CHUNK)) {
      try {
        const failed = await this.erpnext.bulkUpdate(
          chunk.map((u) => ({ doctype: u.doctype, docname: u.name, ...u.fields })),
        );
        refused.push(...failed.map((f) => ({ doctype: f.doctype, name: f.docname, reason: f.reason })));
      } catch (error) {
        // The request failed as a whole (ERPNext down, no permission): every document of it.
        const reason = errorMessage(error);
        refused.push(...chunk.map((u) => ({ doctype: u.doctype, name: u.name, reason })));
      }
    }
    return refused;
  }
}
