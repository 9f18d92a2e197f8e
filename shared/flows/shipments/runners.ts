import type { JobRunners } from "../declaration";
import { shipmentCatchup } from "./catchup";
import type { shipments } from "./flow";

export const shipmentsRunners = { "shipment-catchup": shipmentCatchup } satisfies JobRunners<
  typeof shipments
>;
