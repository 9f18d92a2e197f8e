/**
 * The Lambda handlers, imported only after the local host has set process.env so each one reads
 * its configuration exactly as on AWS, and invoked with a Lambda-shaped context so the same
 * middy chain runs.
 */
import type { Context } from "aws-lambda";
import { handler as erpnextWebhookHandler } from "../../functions/erpnext-webhook";
import { handler as healthHandler } from "../../functions/health";
import { handler as jobsHandler } from "../../functions/jobs";
import { handler as wixWebhookHandler } from "../../functions/wix-webhook";
import { handler as inventoryHandler } from "../../shared/flows/inventory/worker";
import { handler as ordersHandler } from "../../shared/flows/orders/worker";
import { handler as productsHandler } from "../../shared/flows/products/worker";
import { localContext } from "../../shared/runtime/lambda";

export { getContext, resetContext } from "../../shared/runtime/context";
export { logger } from "../../shared/runtime/logger";
export { loadSettings } from "../../shared/runtime/settings";

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
