/**
 * Realistic verification requests, generated deterministically from a seed: card-statement style
 * merchant names of varied length (short to the contract's 64 characters) and script (mostly
 * Latin, accented Latin, some CJK and Cyrillic, rare emoji), the currencies a card issuer sees with
 * locales that go with them, and log-uniform amounts. Used for the SMS segment share and as the
 * requests the bench sends to the service, so the service renders realistic texts too.
 */
import { minorUnitDigits } from "../src/domain/money.ts";
import { Random } from "./random.ts";

export interface RealisticRequest {
  amountMinor: number;
  currency: string;
  merchant: string;
  cardLast4: string;
  locale: string;
}

const MAX_MERCHANT_LENGTH = 64;

const ASCII_MERCHANTS = [
  "ACME STORE #42", "AMZN Mktp US*2K4L99", "UBER *TRIP", "SQ *BLUE BOTTLE COFFEE", "PAYPAL *EBAY INC",
  "NETFLIX.COM", "SPOTIFY AB", "WAL-MART #1234", "TARGET 00012345", "SHELL OIL 57442", "APPLE.COM/BILL",
  "GOOGLE *YouTube Premium", "STEAMGAMES.COM 4259522985", "DELTA AIR LINES", "MARRIOTT HOTELS", "TESCO STORES 2345",
  "Sainsbury's", "Booking.com", "IKEA", "Zara", "H&M", "Starbucks", "McDonald's", "Best Buy 00012", "Home Depot #0487",
  "Costco Whse #0123", "Walgreens #4567", "CVS/PHARMACY #01234", "Lyft *Ride Thu 8pm", "DoorDash*Chipotle",
  "Airbnb * HMABCD1234", "Etsy.com - VintageFinds", "Ryanair", "easyJet", "Deliveroo", "Just Eat",
  "Flipkart Internet Pvt Ltd", "Swiggy", "Zomato", "Mercado Livre", "iFood *Restaurante", "Rakuten", "Uniqlo",
  "Aldi Sued", "Lidl", "Rewe Markt GmbH", "MediaMarkt", "Carrefour Market", "Fnac", "El Corte Ingles", "Mercadona",
  "Shopify* Hydrogen Goods", "Microsoft*Xbox", "Adobe Creative Cloud", "Hertz Rent-A-Car", "Chevron 0209876",
  "The Home Depot", "Trader Joe's #552", "Whole Foods Market", "7-ELEVEN 38112", "Dunkin #345678",
];

const ACCENTED_MERCHANTS = [
  "Café de Flore", "Müller Drogerie", "Boulangerie Pâtisserie Saint-Honoré", "Crêperie Ty Breiz", "Bäckerei Schäfer",
  "Librería El Ateneo", "Açaí da Praça", "Pão de Açúcar", "Drogaria São Paulo", "Hôtel Le Méridien", "Größenwahn Café",
  "Niño Pizzería", "Åhléns City", "Systembolaget Göteborg", "Çiçek Pasajı", "Łódź Kaliska Kiosk", "Škoda Servis",
  "Smørrebrød København", "Żabka", "Brasserie Lipp – Saint-Germain", "Fleurs d’Été", "Kaufhof Köln Hbf",
  "Pâtisserie Ladurée", "Café Zoë", "Peña Flamenca", "Mövenpick Zürich", "Ótica Diniz", "Jalapeño Grill",
];

const CJK_MERCHANTS = [
  "ファミリーマート 渋谷店", "セブン-イレブン 新宿店", "ローソン", "ユニクロ 銀座店", "星巴克咖啡", "楽天市場", "ヨドバシカメラ",
  "無印良品", "美团外卖", "淘宝网", "이마트", "쿠팡", "ビックカメラ 有楽町店", "スターバックス コーヒー 東京駅店",
];

const CYRILLIC_MERCHANTS = [
  "Пятёрочка", "ВкусВилл Москва", "Магнит", "Перекрёсток", "Озон", "Яндекс Такси", "Сільпо Київ", "Лента",
];

const OTHER_SCRIPT_MERCHANTS = ["Σκλαβενίτης", "كارفور", "Μασούτης Αθήνα"];

const EMOJI_MERCHANTS = ["Joe's Pizza 🍕", "☕ Coffee Corner", "Taco Truck 🌮 #3", "🎮 GameStop", "Bloom 🌸 Florist"];

const CITIES = [
  "NEW YORK NY", "LONDON GB", "PARIS FR", "BERLIN DE", "MADRID ES", "SAO PAULO BR", "MUMBAI IN", "TOKYO JP",
  "ZURICH CH", "STOCKHOLM SE", "SEATTLE WA", "München", "Genève", "São Paulo", "Montréal QC",
];

const LONG_TAILS = [
  "Terminal 2 Departures Gate B", "Centre Commercial Les Quatre Temps", "Online Marketplace Subscription Renewal",
  "Hauptbahnhof Ladenpassage Ost", "Mall of the Emirates Level 2", "International Departures Duty Free",
];

type Script = "ascii" | "accented" | "cjk" | "cyrillic" | "other" | "emoji";

/** Currency, then a locale that goes with it (relative weights). */
const CURRENCIES: ReadonlyArray<readonly [{ currency: string; locales: ReadonlyArray<readonly [string, number]> }, number]> = [
  [{ currency: "USD", locales: [["en-US", 9], ["es-US", 1]] }, 30],
  [{ currency: "EUR", locales: [["de-DE", 6], ["fr-FR", 6], ["es-ES", 4], ["it-IT", 3], ["nl-NL", 2], ["fr-BE", 1], ["de-AT", 1], ["pt-PT", 1]] }, 24],
  [{ currency: "GBP", locales: [["en-GB", 1]] }, 9],
  [{ currency: "JPY", locales: [["ja-JP", 1]] }, 5],
  [{ currency: "BRL", locales: [["pt-BR", 1]] }, 5],
  [{ currency: "INR", locales: [["en-IN", 4], ["hi-IN", 1]] }, 5],
  [{ currency: "CHF", locales: [["de-CH", 2], ["fr-CH", 1]] }, 3],
  [{ currency: "SEK", locales: [["sv-SE", 1]] }, 3],
  [{ currency: "CAD", locales: [["en-CA", 2], ["fr-CA", 1]] }, 3],
  [{ currency: "AUD", locales: [["en-AU", 1]] }, 2],
  [{ currency: "MXN", locales: [["es-MX", 1]] }, 2],
  [{ currency: "PLN", locales: [["pl-PL", 1]] }, 1],
  [{ currency: "KRW", locales: [["ko-KR", 1]] }, 1],
  [{ currency: "CNY", locales: [["zh-CN", 1]] }, 1],
  [{ currency: "BHD", locales: [["en-BH", 1], ["ar-BH", 1]] }, 1],
];

function scriptFor(random: Random, locale: string): Script {
  const language = locale.split("-")[0] ?? "en";
  if (language === "ja" || language === "zh" || language === "ko") {
    return random.weighted<Script>([["cjk", 60], ["ascii", 38], ["emoji", 2]]);
  }
  if (["de", "fr", "es", "pt", "sv", "pl", "it", "nl"].includes(language)) {
    return random.weighted<Script>([["ascii", 58], ["accented", 35], ["cyrillic", 3], ["cjk", 2], ["other", 1], ["emoji", 1]]);
  }
  return random.weighted<Script>([["ascii", 84], ["accented", 8], ["cjk", 3], ["cyrillic", 2], ["other", 1], ["emoji", 2]]);
}

const POOLS: Readonly<Record<Script, readonly string[]>> = {
  ascii: ASCII_MERCHANTS,
  accented: ACCENTED_MERCHANTS,
  cjk: CJK_MERCHANTS,
  cyrillic: CYRILLIC_MERCHANTS,
  other: OTHER_SCRIPT_MERCHANTS,
  emoji: EMOJI_MERCHANTS,
};

/** At most `max` UTF-16 units (the contract's length), never splitting a surrogate pair; no trailing space. */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  while (chars.join("").length > max) chars.pop();
  return chars.join("").trimEnd();
}

function merchantName(random: Random, locale: string): string {
  const script = scriptFor(random, locale);
  let name = random.pick(POOLS[script]);
  if (script === "ascii" && random.chance(0.3)) name = name.toUpperCase();
  const suffix = random.weighted([["none", 50], ["store", 20], ["city", 22], ["long", 8]] as const);
  if (suffix === "store") name += ` #${random.int(1, 99_999)}`;
  if (suffix === "city") name += ` ${random.pick(CITIES)}`;
  if (suffix === "long") name += ` - ${random.pick(LONG_TAILS)} ${random.pick(CITIES)}`;
  return clip(name, MAX_MERCHANT_LENGTH);
}

/** Log-uniform from 1 to 5,000 major units, in the currency's minor unit. */
function amountMinor(random: Random, currency: string): number {
  const major = Math.exp(random.next() * Math.log(5000));
  const digits = minorUnitDigits(currency);
  const scale = 10 ** digits;
  // Whole-unit amounts are common (JPY always, elsewhere sometimes).
  return random.chance(0.15) ? Math.max(1, Math.round(major)) * scale : Math.max(1, Math.round(major * scale));
}

export function generateRealisticRequest(random: Random): RealisticRequest {
  const { currency, locales } = random.weighted(CURRENCIES);
  const locale = random.weighted(locales);
  return {
    amountMinor: amountMinor(random, currency),
    currency,
    merchant: merchantName(random, locale),
    cardLast4: String(random.int(0, 9999)).padStart(4, "0"),
    locale,
  };
}

export function generateRealisticRequests(count: number, seed: number): RealisticRequest[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => generateRealisticRequest(random));
}
