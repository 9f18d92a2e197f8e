import { describe, expect, test } from "@jest/globals";
import { parseSettings } from "#shared/config/settings";
import { ConfigError } from "#shared/errors";
import { intervalOverrides, parseInterval } from "#shared/jobs/definitions";

const valid = {
  ERPNEXT_URL: "https://erp.example.com",
  ERPNEXT_API_KEY: "key",
  ERPNEXT_API_SECRET: "secret-value",
  ERPNEXT_WEBHOOK_SECRET: "webhook-secret",
  WIX_API_KEY: "IST.key",
  WIX_SITE_ID: "site",
};

describe("settings", () => {
  test("a complete configuration parses with documented defaults", () => {
    const s = parseSettings(valid);
    expect(s.erpnext.priceList).toBe("Standard Selling");
    expect(s.wix.apiUrl).toBe("https://www.wixapis.com");
    expect(s.orders.submit).toBe(true);
    expect(s.erpnext.warehouses).toEqual([]);
  });

  test("every problem is listed at once", () => {
    let error: ConfigError | undefined;
    try {
      parseSettings({ ERPNEXT_URL: "not a url", WIX_API_KEY: "k", ORDER_SUBMIT: "maybe" });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error?.problems.join("\n") ?? "";
    for (const name of [
      "ERPNEXT_URL",
      "ERPNEXT_API_KEY",
      "ERPNEXT_API_SECRET",
      "ERPNEXT_WEBHOOK_SECRET",
      "WIX_SITE_ID",
      "ORDER_SUBMIT",
    ]) {
      expect(text).toContain(name);
    }
  });

  test("Wix needs a key with a site id, or the three app values", () => {
    const { WIX_API_KEY: _k, WIX_SITE_ID: _s, ...noWix } = valid;
    expect(() => parseSettings(noWix)).toThrow(/WIX_API_KEY/);
    expect(() => parseSettings({ ...noWix, WIX_APP_ID: "app" })).toThrow(
      /WIX_APP_SECRET[\s\S]*WIX_INSTANCE_ID/,
    );
    expect(
      parseSettings({ ...noWix, WIX_APP_ID: "a", WIX_APP_SECRET: "b", WIX_INSTANCE_ID: "c" }).wix.appId,
    ).toBe("a");
  });

  test("tax account maps and warehouse lists", () => {
    const s = parseSettings({
      ...valid,
      ERPNEXT_TAX_ACCOUNTS: "VAT 20%=VAT - C, City=City Tax - C",
      ERPNEXT_WAREHOUSES: "A - C, B - C",
    });
    expect(s.orders.taxAccounts).toEqual({ "VAT 20%": "VAT - C", City: "City Tax - C" });
    expect(s.erpnext.warehouses).toEqual(["A - C", "B - C"]);
    expect(() => parseSettings({ ...valid, ERPNEXT_TAX_ACCOUNTS: "novalue" })).toThrow(/NAME=ACCOUNT/);
  });

  test("a URL on a port Node's fetch refuses is refused here, with the reason", () => {
    const problems = (() => {
      try {
        parseSettings({ ...valid, ERPNEXT_URL: "http://erp.local:6000" });
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([expect.stringMatching(/ERPNEXT_URL: port 6000 .*bad ports/)]);
    expect(parseSettings({ ...valid, ERPNEXT_URL: "http://erp.local:8000" }).erpnext.url).toBe(
      "http://erp.local:8000",
    );
  });

  test("billing: INVOICE_ON and the payment method accounts, every bad pair named", () => {
    const s = parseSettings({
      ...valid,
      ERPNEXT_PAYMENT_ACCOUNT: "Bank - WS",
      ERPNEXT_PAYMENT_ACCOUNTS: "card=Bank - WS, PayPal=PayPal - WS,offline=Cash - WS",
    });
    expect(s.billing).toEqual({
      invoiceOn: "payment",
      paymentAccount: "Bank - WS",
      paymentAccounts: { card: "Bank - WS", paypal: "PayPal - WS", offline: "Cash - WS" },
    });
    expect(parseSettings({ ...valid, INVOICE_ON: "fulfilment" }).billing.invoiceOn).toBe("fulfilment");
    let message = "";
    try {
      parseSettings({
        ...valid,
        INVOICE_ON: "shipped",
        ERPNEXT_PAYMENT_ACCOUNTS: "card,=Cash - WS,cash=,card=X",
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/INVOICE_ON/);
    for (const bad of ['"card" is not METHOD=ACCOUNT', '"=Cash - WS" is not', '"cash=" is not'])
      expect(message).toContain(bad);
  });

  test("the fee account defaults to the shipping account", () => {
    const shipping = { ...valid, ERPNEXT_SHIPPING_ACCOUNT: "Freight - C" };
    expect(parseSettings(shipping).orders.feeAccount).toBe("Freight - C");
    expect(parseSettings({ ...shipping, ERPNEXT_FEE_ACCOUNT: "Fees - C" }).orders.feeAccount).toBe(
      "Fees - C",
    );
  });

  test("secret values never appear in the error text", () => {
    try {
      parseSettings({ ...valid, ERPNEXT_URL: "ftp://x", WIX_WEBHOOK_PUBLIC_KEY: "super-secret-not-a-pem" });
    } catch (e) {
      expect((e as Error).message).not.toContain("super-secret-not-a-pem");
      expect((e as Error).message).not.toContain("secret-value");
    }
  });
});

describe("job intervals", () => {
  test("parses human intervals and reports bad ones", () => {
    expect(parseInterval("30s")).toBe(30_000);
    expect(parseInterval("5m")).toBe(300_000);
    expect(parseInterval("2h")).toBe(7_200_000);
    expect(parseInterval("soon")).toBeUndefined();
    const { intervals, problems } = intervalOverrides({
      JOB_ORDER_POLL_EVERY: "30s",
      JOB_HEALTH_CHECK_EVERY: "x",
    });
    expect(intervals["order-poll"]).toBe(30_000);
    expect(problems).toEqual([expect.stringContaining("JOB_HEALTH_CHECK_EVERY")]);
  });
});
