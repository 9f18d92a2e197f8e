import { type LocalHost, type LocalHostOptions, startLocalHost } from "#infra/local/host";
import type { ErpnextSandbox } from "#infra/sandbox/erpnext/index";
import type { WixSandbox } from "#infra/sandbox/wix/index";
import { frappeJson, signFrappeBody } from "#shared/erpnext/signature";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export const WEBHOOK_SECRET = "integration-webhook-secret";

export interface Harness {
  host: LocalHost;
  erpnext: ErpnextSandbox;
  wix: WixSandbox;
  /** Every sandbox Wix by site name (SANDBOX_SITES'; else the one as "default"). */
  wixSites: Record<string, WixSandbox>;
  /** Sends a signed ERPNext webhook exactly as Frappe does (no Content-Type). */
  erpnextWebhook(
    body: unknown,
    opts?: { signature?: string; raw?: string },
  ): Promise<{ status: number; body: unknown }>;
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: unknown }>;
}

/** One local host per test file: in-memory DynamoDB, fauxqs, both sandboxes, no timers unless asked. */
export async function startHarness(
  env: Record<string, string> = {},
  options: Pick<LocalHostOptions, "timeouts" | "timers"> = {},
): Promise<Harness> {
  const host = await startLocalHost({
    ...options,
    // The Wix rate budget (200/min) is proven in unit tests; here it would only slow bulk tests.
    env: {
      PORT: "0",
      ERPNEXT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      POWERTOOLS_LOG_LEVEL: "SILENT",
      WIX_REQUESTS_PER_MINUTE: "100000",
      // Tests look at health right after changing things; the cache has a test of its own.
      HEALTH_CACHE_SECONDS: "0",
      ...env,
    },

    inMemory: true,
    pollWaitSeconds: 0,
  });
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const send = () =>
      fetch(`${host.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
    // A pooled keep-alive socket the host closed as idle just as it was reused (a race on a busy
    // machine) resets before the request reached the host: sent again once, as HTTP clients do.
    const res = await send().catch((error: { cause?: { code?: string } }) => {
      if (error?.cause?.code === "ECONNRESET") return send();
      throw error;
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed };
  };
  const erpnext = host.erpnext as ErpnextSandbox;
  return {
    host,
    erpnext,
    wix: host.wix as WixSandbox,
    wixSites: host.wixSites,
    request,
    erpnextWebhook(body, opts = {}) {
      const raw = opts.raw ?? frappeJson(body);
      const signature = opts.signature ?? signFrappeBody(WEBHOOK_SECRET, raw);
      return request("POST", "/webhooks/erpnext", raw, { "X-Frappe-Webhook-Signature": signature });
    },
  };
}

/** Item + price the way a user creates them in the desk: webhooks fire. */
export function createItem(
  erpnext: ErpnextSandbox,
  code: string,
  price = 10,
  extra: Record<string, unknown> = {},
) {
  erpnext.insert("Item", {
    item_code: code,
    item_name: `Item ${code}`,
    item_group: "Products",
    stock_uom: "Nos",
    is_stock_item: 1,
    description: `<p>${code}</p>`,
    ...extra,
  });
  erpnext.insert("Item Price", {
    item_code: code,
    price_list: "Standard Selling",
    price_list_rate: price,
    uom: "Nos",
  });
}

/** Items imported without webhooks (Data Import). */
export function importItems(erpnext: ErpnextSandbox, prefix: string, count: number, price = 5): string[] {
  const codes: string[] = [];
  for (let i = 1; i <= count; i++) {
    const code = `${prefix}-${i}`;
    erpnext.importDoc("Item", {
      item_code: code,
      item_name: `Imported ${code}`,
      item_group: "Products",
      stock_uom: "Nos",
    });
    erpnext.importDoc("Item Price", {
      item_code: code,
      price_list: "Standard Selling",
      price_list_rate: price + i / 100,
      uom: "Nos",
    });
    codes.push(code);
  }
  return codes;
}

export function productsWithSku(wix: WixSandbox, sku: string) {
  return [...wix.products.values()].filter((p) => p.variantsInfo.variants.some((v) => v.sku === sku));
}

/** A template with variants, as the desk's "Make Variants" creates them (webhooks fire). */
export function createTemplate(
  erpnext: ErpnextSandbox,
  code: string,
  variants: { suffix: string; size: string; colour: string; price?: number }[],
  templatePrice = 20,
) {
  erpnext.insert("Item", {
    item_code: code,
    item_name: `Template ${code}`,
    item_group: "Apparel",
    stock_uom: "Nos",
    has_variants: 1,
    attributes: [{ attribute: "Size" }, { attribute: "Colour" }],
  });
  erpnext.insert("Item Price", {
    item_code: code,
    price_list: "Standard Selling",
    price_list_rate: templatePrice,
    uom: "Nos",
  });
  for (const v of variants) addVariant(erpnext, code, v);
}

export function addVariant(
  erpnext: ErpnextSandbox,
  template: string,
  v: { suffix: string; size: string; colour: string; price?: number },
) {
  const code = `${template}-${v.suffix}`;
  erpnext.insert("Item", {
    item_code: code,
    item_name: `${template} ${v.size} ${v.colour}`,
    item_group: "Apparel",
    stock_uom: "Nos",
    variant_of: template,
    attributes: [
      { attribute: "Size", attribute_value: v.size },
      { attribute: "Colour", attribute_value: v.colour },
    ],
  });
  if (v.price !== undefined)
    erpnext.insert("Item Price", {
      item_code: code,
      price_list: "Standard Selling",
      price_list_rate: v.price,
      uom: "Nos",
    });
  return code;
}

/** A product made by hand in the Wix dashboard (no ERPNext behind it), without inventory. */
export function handMadeWixProduct(wix: WixSandbox, sku: string, name = "Hand-made listing") {
  return wix.create({
    name,
    productType: "PHYSICAL",
    physicalProperties: {},
    variantsInfo: {
      variants: [{ sku, choices: [], price: { actualPrice: { amount: "1.00" } }, physicalProperties: {} }],
    },
  });
}
