/**
 * The Custom Fields the integration writes on ERPNext documents: ONE list, created by
 * `npm run setup` and read by the helpers that write status and ids back into ERPNext.
 *
 * Custom Field doctype facts (frappe/frappe `custom/doctype/custom_field/custom_field.json`, `.py`):
 * the name is `<dt>-<fieldname>` (autoname), so setup looks each one up by that name; the
 * fieldname is always sent (without it v15 derives `custom_<label>`, older releases `<label>`);
 * `allow_on_submit` lets a worker write the field on a submitted document; `no_copy` keeps
 * Duplicate and Amend from copying our ids.
 *
 * No field is `unique`: variants share their template's Wix product id, and a Payment Entry
 * cancelled and made again carries the same Wix transaction id. The workers' own claims keep
 * one document per Wix record.
 */
import type { FieldSpec } from "../flows/declaration";
import { FLOW_NAMES, FLOWS } from "../flows/registry";

export interface CustomFieldDoc {
  name: string;
  dt: string;
  fieldname: string;
  label: string;
  fieldtype: "Data" | "Select" | "Datetime" | "Small Text";
  options?: string;
  read_only: 0 | 1;
  allow_on_submit: 0 | 1;
  no_copy: 0 | 1;
  in_standard_filter: 0 | 1;
}

/** The fields each flow's declaration asks for (shared/flows/<flow>/flow.ts `customFields`), by doctype. */
const FIELDS: [string, readonly FieldSpec[]][] = FLOW_NAMES.flatMap((flow) =>
  Object.entries((FLOWS[flow] as { customFields?: Record<string, readonly FieldSpec[]> }).customFields ?? {}),
);

export const customFieldName = (dt: string, fieldname: string) => `${dt}-${fieldname}`;

/** Every Custom Field the integration needs, with every flag spelled out (0 or 1) so a re-run compares. */
export const CUSTOM_FIELDS: readonly CustomFieldDoc[] = FIELDS.flatMap(([dt, specs]) =>
  specs.map((spec) => ({
    name: customFieldName(dt, spec.fieldname),
    dt,
    read_only: 0,
    allow_on_submit: 0,
    no_copy: 0,
    in_standard_filter: 0,
    ...spec,
  })),
);

/** The fieldnames of one doctype's Custom Fields (for the workers that write them). */
export function wixFieldsOf(dt: string): string[] {
  return CUSTOM_FIELDS.filter((f) => f.dt === dt).map((f) => f.fieldname);
}
