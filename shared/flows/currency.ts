import { AuthError } from "../errors";

/**
 * How many decimals ERPNext keeps in a Currency field (a price, a rate, a total). Frappe decides
 * it once for the whole site in `get_field_precision` (frappe/model/meta.py): System Settings
 * `currency_precision` when set, else the decimals of its `number_format`.
 */

/** A fresh site's: `number_format` "#,###.##" (frappe/core/doctype/system_settings/system_settings.json). */
export const DEFAULT_CURRENCY_PRECISION = 2;

/** Decimals of each `number_format` (number_format_info in frappe/utils/data.py; others: 2). */
const NUMBER_FORMAT_DECIMALS: Record<string, number> = {
  "#,###.##": 2,
  "#.###,##": 2,
  "# ###.##": 2,
  "# ###,##": 2,
  "#'###.##": 2,
  "#, ###.##": 2,
  "#,##,###.##": 2,
  "#,###.###": 3,
  "#.###": 0,
  "#,###": 0,
  "#.########": 8,
};

/** The System Settings fields that decide it; `currency_precision` is a Select ("" or "1".."9"). */
export interface PrecisionSettings {
  currency_precision?: string | number | null;
  number_format?: string | null;
}

export function currencyPrecision(settings: PrecisionSettings): number {
  // cint(...) then `if not precision`: "" and 0 fall through to the number format.
  const set = Number.parseInt(String(settings.currency_precision ?? ""), 10);
  if (set > 0) return set;
  return NUMBER_FORMAT_DECIMALS[settings.number_format || "#,###.##"] ?? DEFAULT_CURRENCY_PRECISION;
}

/**
 * System Settings is a Single: its one document is named like the doctype. Only System Manager
 * may read it (system_settings.json `permissions`); an API user without that role gets a fresh
 * site's precision rather than a sync that waits forever on a refused read.
 */
export async function readCurrencyPrecision(erpnext: {
  get<T>(doctype: "System Settings", name: string): Promise<T>;
}): Promise<number> {
  try {
    return currencyPrecision(await erpnext.get<PrecisionSettings>("System Settings", "System Settings"));
  } catch (error) {
    if (error instanceof AuthError) return DEFAULT_CURRENCY_PRECISION;
    throw error;
  }
}

/**
 * An amount rounded half up to `precision` decimals, through its decimal notation so that 1.275
 * (stored as 1.27499...) rounds to 1.28 as written.
 */
export function roundToPrecision(value: number, precision: number): number {
  const rounded = Number(`${Math.round(Number(`${value}e${precision}`))}e-${precision}`);
  return Number.isFinite(rounded) ? rounded : Math.round(value * 10 ** precision) / 10 ** precision;
}
