/**
 * The Lambda handlers, imported only after the local host has set process.env so each one reads
 * its configuration exactly as on AWS, and invoked with a Lambda-shaped context so the same
 * middy chain runs.
 */
import type { Context } from "aws-lambda";
import { localContext } from "../../functions/commons/lambda";
import { handler as erpnextWebhookHandler } from "../../functions/erpnext-webhook";
import { handler as healthHandler } from "../../functions/health";
import { handler as inventoryHandler } from "../../functions/inventory-worker";
import { handler as jobsHandler } from "../../functions/jobs";
import { handler as ordersHandler } from "../../functions/orders-worker";
import { handler as productsHandler } from "../../functions/products-worker";
import { handler as wixWebhookHandler } from "../../functions/wix-webhook";

export { getContext, resetContext } from "../../functions/commons/context";
export { logger } from "../../functions/commons/logger";
export { loadSettings } from "../../functions/commons/settings";

const local =
  <E, R>(name: string, handler: (event: E, context: Context) => Promise<R>) =>
  (event: E): Promise<R> =>
    handler(event, localContext(name));

export const erpnextWebhook = local("erpnext-webhook", erpnextWebhookHandler);
export const wixWebhook = local("wix-webhook", wixWebhookHandler);
export const health = () => healthHandler({}, localContext("health"));
export const jobs = local("jobs", jobsHandler);
export const workers = {
  products: local("products-worker", productsHandler),
  inventory: local("inventory-worker", inventoryHandler),
  orders: local("orders-worker", ordersHandler),
};
