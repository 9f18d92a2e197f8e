/**
 * Sync status written where merchants work: Custom Fields on the ERPNext documents the
 * integration mirrors (setup creates them: Item `wix_*`, Sales Order `wix_order_*`).
 */

/** Fields to save on one ERPNext document. */
export interface StatusUpdate {
  doctype: string;
  name: string;
  fields: Record<string, string | null>;
}

/** A write that ERPNext refused, with its reason. */
export interface StatusRefusal {
  doctype: string;
  name: string;
  reason: string;
}

/** Where status goes (ERPNext in both hosts; an in-memory fake in unit tests). */
export interface StatusPort {
  /** Saves every update; answers the documents ERPNext refused. Throws when the call failed as a whole. */
  write(updates: StatusUpdate[]): Promise<StatusRefusal[]>;
}

/**
 * frappe.client.bulk_update (frappe/client.py): saves a few fields on many documents in one
 * request and answers the ones it refused (ErpnextClient implements it).
 */
export interface BulkUpdater {
  bulkUpdate(
    docs: ({ doctype: string; docname: string } & Record<string, unknown>)[],
  ): Promise<{ doctype: string; docname: string; reason: string }[]>;
}
