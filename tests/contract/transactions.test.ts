import {
  listTransactionsForMultipleOrders,
  listTransactionsForSingleOrder,
} from "@wix/auto_sdk_ecom_order-transactions";
import type {
  ListTransactionsForMultipleOrdersResponseOriginal,
  ListTransactionsForSingleOrderResponseOriginal,
  OrderTransactionsOriginal,
} from "@wix/auto_sdk_ecom_order-transactions/meta";
import { paymentAccountFor } from "#shared/flows/billing/accounts";
import type { Wire } from "#shared/flows/wix-orders";
import { recordingWix, restMethod, sdkRequest } from "./wire";

const ORDER_A = "5d0f8a5e-0d4c-4f0e-9a51-2a1f1c3b8e01";
const ORDER_B = "5d0f8a5e-0d4c-4f0e-9a51-2a1f1c3b8e02";

/** One order's transactions as the SDK declares them on the wire: a card payment and a PayPal one. */
const wireTransactions = (orderId: string): Wire<OrderTransactionsOriginal> => ({
  orderId,
  payments: [
    {
      id: "0b7c5a3e-0000-4000-8000-000000000001",
      createdDate: "2026-11-20T10:00:00.000Z",
      updatedDate: "2026-11-20T10:00:05.000Z",
      amount: { amount: "12.50", formattedAmount: "$12.50" },
      status: "APPROVED",
      refundDisabled: false,
      // As Wix sends it after paymentMethod's @targetRemovalDate 2026-07-01: no `paymentMethod`.
      regularPaymentDetails: {
        offlinePayment: false,
        paymentMethodName: {
          buyerLanguageName: "Credit / Debit Card",
          siteLanguageName: "Credit / Debit Card",
        },
        gatewayTransactionId: "gw-1",
        creditCardDetails: { lastFourDigits: "4242", brand: "VISA" },
      },
    },
    {
      id: "0b7c5a3e-0000-4000-8000-000000000002",
      createdDate: "2026-11-21T10:00:00.000Z",
      amount: { amount: "7.50" },
      status: "PENDING",
      regularPaymentDetails: {
        offlinePayment: false,
        paymentMethodName: { buyerLanguageName: "PayPal", siteLanguageName: "PayPal" },
      },
    },
  ],
  refunds: [],
});

describe("Wix order transactions: our requests equal the official SDK's", () => {
  test("one order: List Transactions For Single Order, same path and method; the SDK's shape parses", async () => {
    // prepare
    const wix = await recordingWix();
    const answer: Wire<ListTransactionsForSingleOrderResponseOriginal> = {
      orderTransactions: wireTransactions(ORDER_A),
    };
    wix.answer(answer);
    // act
    const ours = await wix.client.orderTransactions([ORDER_A]);
    const sdk = await sdkRequest((http) => listTransactionsForSingleOrder(http)(ORDER_A), answer);
    await wix.close();
    // assess
    const [sent] = wix.requests;
    expect(sent?.method).toBe(restMethod(sdk));
    expect(sent?.path).toBe(sdk.path);
    const tx = ours.get(ORDER_A);
    expect(tx?.payments.map((p) => [p.id, p.amount?.amount, p.status])).toEqual([
      ["0b7c5a3e-0000-4000-8000-000000000001", "12.50", "APPROVED"],
      ["0b7c5a3e-0000-4000-8000-000000000002", "7.50", "PENDING"],
    ]);
    expect(tx?.refunds).toEqual([]);
    // The method keys of ERPNEXT_PAYMENT_ACCOUNTS read the SDK's payment fields.
    const accounts = {
      paymentAccounts: { card: "Bank - C", paypal: "PayPal - C" },
      paymentAccount: "Default - C",
    };
    expect(tx?.payments.map((p) => paymentAccountFor(p, accounts))).toEqual(["Bank - C", "PayPal - C"]);
  });

  test("several orders: List Transactions For Multiple Orders, same path, method and body", async () => {
    // prepare
    const wix = await recordingWix();
    const answer: Wire<ListTransactionsForMultipleOrdersResponseOriginal> = {
      orderTransactions: [wireTransactions(ORDER_A), wireTransactions(ORDER_B)],
    };
    wix.answer(answer);
    // act
    const ours = await wix.client.orderTransactions([ORDER_A, ORDER_B, ORDER_A]);
    const sdk = await sdkRequest(
      (http) => listTransactionsForMultipleOrders(http)([ORDER_A, ORDER_B]),
      answer,
    );
    await wix.close();
    // assess
    const [sent] = wix.requests;
    expect(sent?.method).toBe(restMethod(sdk));
    expect(sent?.path).toBe(sdk.path);
    expect(sent?.body).toEqual(sdk.body);
    expect([...ours.keys()]).toEqual([ORDER_A, ORDER_B]);
  });

  test("more than 100 orders go in batches of 100 (orderIds @maxSize 100)", async () => {
    // prepare
    const wix = await recordingWix();
    wix.answer({ orderTransactions: [] });
    const ids = Array.from({ length: 150 }, (_, i) => `order-${i}`);
    // act
    await wix.client.orderTransactions(ids);
    await wix.close();
    // assess
    expect(wix.requests.map((r) => (r.body as { orderIds: string[] }).orderIds.length)).toEqual([100, 50]);
  });

  test("an order Wix does not know is left out", async () => {
    // prepare
    const wix = await recordingWix();
    wix.answer({});
    // act
    const ours = await wix.client.orderTransactions([ORDER_A]);
    await wix.close();
    // assess
    expect(ours.size).toBe(0);
  });
});
