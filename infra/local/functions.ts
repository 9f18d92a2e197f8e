/**
 * The Lambda handlers, imported only after the local host has set process.env so each one reads
 * its configuration exactly as it does on AWS.
 */

export { getContext, resetContext } from "../../functions/commons/context";
export { logger } from "../../functions/commons/logger";
export { loadSettings } from "../../functions/commons/settings";
export { handler as erpnextWebhook } from "../../functions/erpnext-webhook";
export { handler as health } from "../../functions/health";
export { handler as jobs } from "../../functions/jobs";
export { handler as wixWebhook } from "../../functions/wix-webhook";

import { handler as inventory } from "../../functions/inventory-worker";
import { handler as orders } from "../../functions/orders-worker";
import { handler as products } from "../../functions/products-worker";

export const workers = { products, inventory, orders };
