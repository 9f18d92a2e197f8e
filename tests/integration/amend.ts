import { STANDARD_FIELDS } from "#shared/erpnext/frappe-facts";

type Doc = Record<string, unknown>;
/** Never carried to an amendment (`no_copy_list` of copy_doc). */
const NEVER = new Set(["name", "amended_from", "amendment_date", "cancel_reason", ...STANDARD_FIELDS]);

/**
 * The desk's Amend of a cancelled document, done client-side before it is saved as a new one:
 * `frappe.model.copy_doc(doc, from_amend=1)` (frappe/public/js/frappe/model/create_new.js) copies
 * every field of the document and of its rows, `no_copy` ones too (`is_no_copy = !from_amend &&
 * df.no_copy`), except name, amended_from, amendment_date, cancel_reason and the standard fields
 * (not docfields: docstatus, owner, idx...). The copy names the cancelled one in `amended_from`.
 */
export function amendOf(cancelled: Doc): Doc {
  const copy = (doc: Doc): Doc =>
    Object.fromEntries(
      Object.entries(doc)
        .filter(([k]) => !NEVER.has(k) && !k.startsWith("__"))
        .map(([k, v]) => [k, Array.isArray(v) ? v.map((row) => copy(row as Doc)) : v]),
    );
  return { ...copy(structuredClone(cancelled)), amended_from: cancelled.name };
}
