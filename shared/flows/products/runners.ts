import type { JobRunners } from "../declaration";
import { productCatchup } from "./catchup";
import { categoryJob } from "./categories";
import type { products } from "./flow";

export const productsRunners = {
  "product-catchup": productCatchup,
  "category-sync": categoryJob,
} satisfies JobRunners<typeof products>;
