/**
 * Amounts in a currency's minor unit formatted for a locale, exact up to 2^53-1 and safe for SMS text.
 */
import { toGsmFriendly } from "./sms-segments.ts";

const FALLBACK_LOCALE = "en-US";
// Locales arrive in requests: bound the cache so odd values cannot grow it forever.
const MAX_CACHED_FORMATTERS = 512;

interface CurrencyFormatter {
  numberFormat: Intl.NumberFormat;
  minorDigits: number;
}

const formatters = new Map<string, CurrencyFormatter>();

function supportedLocale(locale: string): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale])[0] ?? FALLBACK_LOCALE;
  } catch {
    return FALLBACK_LOCALE; // structurally invalid tag
  }
}

/** Throws RangeError for a malformed currency code. */
function currencyFormatter(locale: string, currency: string): CurrencyFormatter {
  const key = `${locale}\u0000${currency}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    const numberFormat = new Intl.NumberFormat(supportedLocale(locale), { style: "currency", currency });
    formatter = { numberFormat, minorDigits: numberFormat.resolvedOptions().maximumFractionDigits ?? 2 };
    if (formatters.size >= MAX_CACHED_FORMATTERS) {
      const oldest = formatters.keys().next();
      if (oldest.done !== true) formatters.delete(oldest.value);
    }
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Digits after the decimal point of the currency's minor unit (USD 2, JPY 0, BHD 3). */
export function minorUnitDigits(currency: string): number {
  return currencyFormatter(FALLBACK_LOCALE, currency).minorDigits;
}

/** "12540", 2 → "125.40" without going through floating point. */
function decimalString(amountMinor: number, digits: number): string {
  const minor = BigInt(amountMinor).toString();
  if (digits === 0) return minor;
  const padded = minor.padStart(digits + 1, "0");
  return `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/**
 * `amountMinor` (integer 0 … 2^53-1) formatted for `currency` in `locale` (unknown locale → en-US),
 * with look-alike characters (NBSP, fullwidth ￥) made GSM. Throws RangeError on a bad amount or currency.
 */
export function formatAmount(amountMinor: number, currency: string, locale: string): string {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) {
    throw new RangeError(`amountMinor must be an integer from 0 to 2^53-1, got ${amountMinor}`);
  }
  const { numberFormat, minorDigits } = currencyFormatter(locale, currency);
  // Intl formats decimal strings exactly (no rounding through a double).
  const decimal = decimalString(amountMinor, minorDigits) as Intl.StringNumericLiteral;
  return toGsmFriendly(numberFormat.format(decimal));
}
