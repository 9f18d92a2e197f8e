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

type FieldSpec = Omit<
  CustomFieldDoc,
  "name" | "dt" | "read_only" | "allow_on_submit" | "no_copy" | "in_standard_filter"
> &
  Partial<Pick<CustomFieldDoc, "read_only" | "allow_on_submit" | "no_copy" | "in_standard_filter">>;

/** Our ids and status: read-only for people, not copied by Duplicate/Amend. */
const ours = (spec: FieldSpec): FieldSpec => ({ read_only: 1, no_copy: 1, ...spec });
/** The same on submittable documents, where workers write after submit. */
const oursOnSubmitted = (spec: FieldSpec): FieldSpec => ours({ allow_on_submit: 1, ...spec });

const FIELDS: Record<string, FieldSpec[]> = {
  Item: [
    ours({ fieldname: "wix_product_id", label: "Wix Product ID", fieldtype: "Data" }),
    ours({ fieldname: "wix_product_link", label: "Wix Product", fieldtype: "Data", options: "URL" }),
    ours({
      fieldname: "wix_status",
      label: "Wix Status",
      fieldtype: "Select",
      options: "\nSynced\nPending\nHidden\nError",
      in_standard_filter: 1,
    }),
    ours({ fieldname: "wix_last_synced", label: "Wix Last Synced", fieldtype: "Datetime" }),
    ours({ fieldname: "wix_last_error", label: "Wix Last Error", fieldtype: "Small Text" }),
  ],
  "Sales Order": [
    oursOnSubmitted({ fieldname: "wix_order_id", label: "Wix Order ID", fieldtype: "Data" }),
    oursOnSubmitted({ fieldname: "wix_order_number", label: "Wix Order Number", fieldtype: "Data" }),
    oursOnSubmitted({ fieldname: "wix_order_link", label: "Wix Order", fieldtype: "Data", options: "URL" }),
  ],
  "Delivery Note": [
    oursOnSubmitted({ fieldname: "wix_fulfillment_id", label: "Wix Fulfillment ID", fieldtype: "Data" }),
    // People type tracking in after submit; the shipments flow sends it to Wix.
    {
      fieldname: "wix_tracking_number",
      label: "Tracking Number",
      fieldtype: "Data",
      allow_on_submit: 1,
      no_copy: 1,
    },
    { fieldname: "wix_carrier", label: "Carrier", fieldtype: "Data", allow_on_submit: 1, no_copy: 1 },
    {
      fieldname: "wix_tracking_link",
      label: "Tracking Link",
      fieldtype: "Data",
      options: "URL",
      allow_on_submit: 1,
      no_copy: 1,
    },
  ],
  "Sales Invoice": [
    oursOnSubmitted({ fieldname: "wix_refund_id", label: "Wix Refund ID", fieldtype: "Data" }),
  ],
  "Payment Entry": [
    oursOnSubmitted({ fieldname: "wix_transaction_id", label: "Wix Transaction ID", fieldtype: "Data" }),
  ],
};

export const customFieldName = (dt: string, fieldname: string) => `${dt}-${fieldname}`;

/** Every Custom Field the integration needs, with every flag spelled out (0 or 1) so a re-run compares. */
export const CUSTOM_FIELDS: readonly CustomFieldDoc[] = Object.entries(FIELDS).flatMap(([dt, specs]) =>
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
