import * as z from "../validation";

/** The webhook body: thin template or full as_dict(); anything beyond these keys is ignored. */
export const frappeWebhookSchema = z.looseObject({
  doctype: z.string().check(z.minLength(1, "doctype is required")),
  name: z.string().check(z.minLength(1, "name is required")),
  modified: z.optional(z.string()),
  item_code: z.optional(z.string()),
  variant_of: z.nullish(z.string()),
});
