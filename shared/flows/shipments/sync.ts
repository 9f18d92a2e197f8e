import type { ShipmentsMessage } from "./messages";
import type { ShipmentDeps } from "./ports";
import { FulfillmentPull } from "./pull";
import { ShipmentPush, type ShipmentResult } from "./push";

export type { ShipmentDeps } from "./ports";

/** Shipments both ways; FULFILMENT_SOURCE decides which way runs, the other is acknowledged. */
export class ShipmentSync {
  readonly push: ShipmentPush;
  readonly pull: FulfillmentPull;

  constructor(deps: ShipmentDeps) {
    this.push = new ShipmentPush(deps);
    this.pull = new FulfillmentPull(deps);
  }

  async handle(message: ShipmentsMessage): Promise<ShipmentResult[]> {
    return message.kind === "delivery-note" ? this.push.push(message.name) : this.pull.pull(message.orderId);
  }
}
