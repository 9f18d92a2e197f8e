import type { WixSubscription } from "./declaration";

export { CATALOG_V1_EVENTS } from "../catalog-version";

/** A V1 subscription as setup lists it (V1 sites only). */
export const v1Subscription = (eventType: string, dashboard: string, why: string): WixSubscription => ({
  eventType,
  dashboard,
  why,
  catalog: "V1_CATALOG",
});
