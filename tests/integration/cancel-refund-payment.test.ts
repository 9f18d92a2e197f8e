import { cancelRefundSuite } from "./cancel-refund-suite";

cancelRefundSuite("payment");
