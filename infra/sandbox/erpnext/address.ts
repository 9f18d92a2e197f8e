import { mandatoryOf } from "#shared/erpnext/frappe-facts";
import type { Doctype } from "./doctype";
import { FrappeError } from "./errors";

/** Address: its `links` rows (Dynamic Links) must name documents that exist. */
export const address: Doctype = {
  name: "Address",
  required: mandatoryOf("Address"),
  links: { country: "Country" },
  naming: (d, site) => site.uniqueName("Address", `${d.address_title ?? d.address_line1}-${d.address_type}`),
  validate(doc, site) {
    for (const link of (doc.links as { link_doctype: string; link_name: string }[] | undefined) ?? []) {
      if (!site.table(link.link_doctype).has(link.link_name)) {
        throw new FrappeError(
          417,
          "LinkValidationError",
          `Could not find ${link.link_doctype}: ${link.link_name}`,
        );
      }
    }
  },
};
