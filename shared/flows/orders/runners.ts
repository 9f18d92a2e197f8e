import type { JobRunners } from "../declaration";
import type { orders } from "./flow";
import { orderPoll } from "./poll";

export const ordersRunners = { "order-poll": orderPoll } satisfies JobRunners<typeof orders>;
