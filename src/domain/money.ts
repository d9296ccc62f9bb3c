/**
 * Amounts in a currency's ISO 4217 minor unit formatted for a locale, exact up to 2^53-1 and safe for SMS text.
 */
import { data as iso4217Currencies } from "currency-codes";
import { toGsmFriendly } from "./sms-segments.ts";

const FALLBACK_LOCALE = "en-US";
// Locales arrive in requests: bound the cache so odd values cannot grow it forever.
const MAX_CACHED_FORMATTERS = 512;

/**
 * The ISO 4217 exponent of each code, from the currency-codes package (ISO's own list, re-read when
 * ISO amends it; its "N.A." minor units, gold or SDR, read as 0). Never ICU/CLDR's display digits:
 * CLDR shows HUF, IDR, COP, IQD… without decimals while card networks count their minor units.
 */
const MINOR_UNIT_DIGITS: ReadonlyMap<string, number> = new Map(iso4217Currencies.map((entry) => [entry.code, entry.digits]));

export function isIso4217Currency(code: string): boolean {
  return MINOR_UNIT_DIGITS.has(code);
}

/** Digits after the decimal point of the currency's ISO 4217 minor unit (USD 2, HUF 2, JPY 0, KWD 3). */
export function minorUnitDigits(currency: string): number {
  const digits = MINOR_UNIT_DIGITS.get(currency);
  if (digits === undefined) throw new RangeError(`not an ISO 4217 currency code: ${currency}`);
  return digits;
}

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * Language, script, region and variants only: Unicode extensions (-u-nu-arab, -u-cu-jpy, -u-rg-…)
 * and private use are dropped, so nothing in a request's locale can change the digits.
 */
function baseLocale(locale: string): string {
  try {
    const { baseName } = new Intl.Locale(locale);
    return Intl.NumberFormat.supportedLocalesOf([baseName])[0] ?? FALLBACK_LOCALE;
  } catch {
    return FALLBACK_LOCALE; // structurally invalid tag
  }
}

function currencyFormatter(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}\u0000${currency}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    const digits = minorUnitDigits(currency);
    formatter = new Intl.NumberFormat(baseLocale(locale), {
      style: "currency",
      currency,
      numberingSystem: "latn",
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    if (formatters.size >= MAX_CACHED_FORMATTERS) {
      const oldest = formatters.keys().next();
      if (oldest.done !== true) formatters.delete(oldest.value);
    }
    formatters.set(key, formatter);
  }
  return formatter;
}

/** "12540", 2 → "125.40" without going through floating point. */
function decimalString(amountMinor: number, digits: number): string {
  const minor = BigInt(amountMinor).toString();
  if (digits === 0) return minor;
  const padded = minor.padStart(digits + 1, "0");
  return `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/**
 * `amountMinor` (integer 0 … 2^53-1, in ISO 4217 minor units) formatted for `currency` in `locale`
 * (unknown locale → en-US, Latin digits always), with look-alike characters (NBSP, fullwidth ￥) made
 * GSM. Throws RangeError on a bad amount or a code ISO 4217 does not list.
 */
export function formatAmount(amountMinor: number, currency: string, locale: string): string {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) {
    throw new RangeError(`amountMinor must be an integer from 0 to 2^53-1, got ${amountMinor}`);
  }
  const formatter = currencyFormatter(locale, currency);
  // Intl formats decimal strings exactly (no rounding through a double).
  const decimal = decimalString(amountMinor, minorUnitDigits(currency)) as Intl.StringNumericLiteral;
  return toGsmFriendly(formatter.format(decimal));
}
