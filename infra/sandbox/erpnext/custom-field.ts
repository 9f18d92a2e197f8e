import { frappeDoctype, mandatoryOf } from "#shared/erpnext/frappe-facts";
import type { Doctype } from "./doctype";
import { FrappeError } from "./errors";
import { doctypeMeta } from "./webhook-doctype";

/**
 * The Custom Field doctype (frappe/custom/doctype/custom_field/custom_field.json, .py): named
 * `<dt>-<fieldname>`, the fieldname made from the label when absent (`custom_` prefix on v15,
 * lower-cased, restricted names get a `1`), Administrator and System Manager only, a fieldtype of
 * the list, no clash with the doctype's own fields, and a fieldtype change only within
 * CustomizeForm's allowed groups. Once one exists, the site keeps that field on `dt`'s documents
 * (site.ts drops `wix_*` values that have no Custom Field, as Frappe ignores non-fields).
 */

const FIELDTYPES = new Set(
  "Autocomplete,Attach,Attach Image,Barcode,Button,Check,Code,Color,Column Break,Currency,Data,Date,Datetime,Duration,Dynamic Link,Float,Fold,Geolocation,Heading,HTML,HTML Editor,Icon,Image,Int,JSON,Link,Long Text,Markdown Editor,Password,Percent,Phone,Read Only,Rating,Section Break,Select,Signature,Small Text,Tab Break,Table,Table MultiSelect,Text,Text Editor,Time".split(
    ",",
  ),
);
/** frappe/model/__init__.py: names a custom field may not take as they are. */
const RESTRICTED = new Set([
  "name",
  "parent",
  "creation",
  "modified",
  "modified_by",
  "parentfield",
  "parenttype",
  "file_list",
  "flags",
  "docstatus",
]);
/** CustomizeForm's ALLOWED_FIELDTYPE_CHANGE (frappe/custom/doctype/customize_form/customize_form.py). */
const FIELDTYPE_GROUPS = [
  ["Currency", "Float", "Percent"],
  ["Small Text", "Data"],
  ["Text", "Data"],
  ["Text", "Text Editor", "Code", "Signature", "HTML Editor"],
  ["Data", "Select"],
  ["Text", "Small Text"],
  ["Text", "Data", "Barcode"],
  ["Code", "Geolocation"],
  ["Table", "Table MultiSelect"],
];

const invalid = (message: string, excType = "ValidationError") => new FrappeError(417, excType, message);

export const customField: Doctype = {
  name: "Custom Field",
  required: mandatoryOf("Custom Field"),
  naming: (d) => `${d.dt}-${d.fieldname}`,
  seriesOnly: true,
  roles: ["System Manager"],
  prepare(input) {
    const doc: Record<string, unknown> = { fieldtype: "Data", ...input };
    if (!doc.fieldname) {
      // set_fieldname: from the label, custom_ prefixed (v15).
      if (!doc.label) throw invalid("Label is mandatory");
      const base = String(doc.label).replace(/ /g, "_").replace(/\W/g, "").toLowerCase();
      doc.fieldname = `custom_${base}`;
    }
    let fieldname = String(doc.fieldname).toLowerCase();
    if (RESTRICTED.has(fieldname)) fieldname = `${fieldname}1`;
    return { ...doc, fieldname };
  },
  validate(doc, site, before) {
    const dt = String(doc.dt);
    if (!doctypeMeta(site, dt)) throw invalid(`Could not find DocType: ${dt}`, "LinkValidationError");
    const fieldtype = String(doc.fieldtype);
    if (!FIELDTYPES.has(fieldtype)) throw invalid(`Field Type cannot be "${fieldtype}"`);
    if (!before) {
      const spec = site.spec(dt);
      const facts = frappeDoctype(dt);
      const own = [
        ...(spec?.required ?? []),
        ...Object.keys(spec?.links ?? {}),
        ...(facts?.fields ?? []),
        ...Object.keys(facts?.tables ?? {}),
      ];
      if (own.includes(String(doc.fieldname)))
        throw invalid(`A field with the name ${doc.fieldname} already exists in ${dt}`);
      return;
    }
    if (doc.dt !== before.dt || doc.fieldname !== before.fieldname)
      throw invalid("Value cannot be changed for Document / Fieldname", "CannotChangeConstantError");
    const from = String(before.fieldtype);
    if (from !== fieldtype && !FIELDTYPE_GROUPS.some((g) => g.includes(from) && g.includes(fieldtype)))
      throw invalid(`Fieldtype cannot be changed from ${from} to ${fieldtype}`);
  },
};
