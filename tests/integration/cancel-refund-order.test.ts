import { cancelRefundSuite } from "./cancel-refund-suite";

cancelRefundSuite("order");
