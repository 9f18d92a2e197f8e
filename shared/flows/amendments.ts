import type { ErpnextDocuments } from "./erpnext-documents";

/** What following a Sales Order's amendments reads: Sales Orders by name and by `amended_from`. */
export type AmendmentsErpnext = Pick<ErpnextDocuments, "list">;

/** The order record learns the live Sales Order (StateStore.updateOrder), so the next reader has it at once. */
export interface AmendmentsState {
  updateOrder(orderId: string, patch: { salesOrder: string }): Promise<void>;
}

type Head = { name: string; docstatus: number };
const FIELDS = ["name", "docstatus"];

/**
 * The Sales Order to act on for `name`: itself unless it is cancelled. A person may cancel a
 * submitted Sales Order and Amend it: the amendment is a new document (`<name>-1`, then `-2`:
 * frappe/model/naming.py _get_amended_name) naming the cancelled one in `amended_from` (only a
 * cancelled one may be amended: frappe/model/document.py validate_amended_from). A cancelled one
 * is followed forward to its submitted amendment, through cancelled amendments in turn; with none
 * (or only a draft, which may still be deleted) it stays itself.
 */
export async function liveSalesOrder(erpnext: AmendmentsErpnext, name: string): Promise<string> {
  const [head] = await erpnext.list<Head>("Sales Order", {
    fields: FIELDS,
    filters: [["name", "=", name]],
    pageLength: 1,
  });
  if (head?.docstatus !== 2) return name;
  // A loop guard: amendment names only grow, but a hand-edited `amended_from` could point back.
  const seen = new Set([name]);
  for (let current = name; ; ) {
    const amendments = await erpnext.list<Head>("Sales Order", {
      fields: FIELDS,
      filters: [
        ["amended_from", "=", current],
        ["docstatus", "!=", 0],
      ],
      pageLength: 10,
    });
    const live = amendments.find((so) => so.docstatus === 1);
    if (live) return live.name;
    const next = amendments.find((so) => !seen.has(so.name));
    if (!next) return name;
    seen.add(next.name);
    current = next.name;
  }
}

/**
 * The live Sales Order of a Wix order whose record names `salesOrder` (liveSalesOrder); when it is
 * an amendment, the record is moved on to it. The same value written twice is harmless, and a
 * writer that lost a race to a newer amendment is followed forward again by the next reader.
 */
export async function followAmendments(
  deps: { erpnext: AmendmentsErpnext; state: AmendmentsState },
  orderId: string,
  salesOrder: string,
): Promise<string> {
  const live = await liveSalesOrder(deps.erpnext, salesOrder);
  if (live !== salesOrder) await deps.state.updateOrder(orderId, { salesOrder: live });
  return live;
}
