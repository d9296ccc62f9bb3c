/**
 * The texts the service sends, in en (default), es, fr and de. Pure: no I/O.
 * Fixed wording stays inside the GSM alphabet in every language (no á í ó ú ç ê …), so a text only
 * becomes UCS-2 because of the brand, the merchant or the amount.
 */
import { withoutInvisibleCharacters } from "./invisible-characters.ts";
import { formatAmount } from "./money.ts";
import { SUGGESTED_REPLY_WORDS } from "./reply.ts";
import { countSegments, fitsOneSegment, isGsm7, toGsmLatin } from "./sms-segments.ts";

/** The languages with texts: those whose reply words the parser's table suggests. */
export type SmsLanguage = keyof typeof SUGGESTED_REPLY_WORDS;

export type ConfirmedDecision = "APPROVED" | "DENIED";

const DEFAULT_LOCALE = "en-US";
/** A shortened merchant keeps at least this many characters, or it would no longer name anything. */
const MIN_MERCHANT_CHARS = 8;
const MIN_NON_GSM_MERCHANT_CHARS = 5;
/** Longest merchant name in the list of open verifications; shorter still when that saves segments. */
const LIST_MERCHANT_MAX_CHARS = 24;

interface PurchaseParts {
  brand: string;
  amount: string;
  merchant: string;
}

interface QuestionParts extends PurchaseParts {
  last4: string;
  /** "YES or NO", or "YES 417 or NO 417" when a reference code is shown. */
  answer: string;
}

interface Copy {
  yes: string;
  no: string;
  or: string;
  question: (parts: QuestionParts) => string;
  compactQuestion: (parts: QuestionParts) => string;
  /** `code` is "" or " 417". */
  help: (brand: string, code: string) => string;
  reprompt: (brand: string, answer: string) => string;
  approved: (parts: PurchaseParts) => string;
  denied: (parts: PurchaseParts) => string;
  alreadyHandled: (brand: string) => string;
  /** `example` is e.g. "YES 417". */
  chooseVerification: (brand: string, list: string, example: string) => string;
  optedIn: (brand: string) => string;
}

// Every reply word a text suggests comes from the parser's own table (SUGGESTED_REPLY_WORDS).
const EN = SUGGESTED_REPLY_WORDS.en;
const ES = SUGGESTED_REPLY_WORDS.es;
const FR = SUGGESTED_REPLY_WORDS.fr;
const DE = SUGGESTED_REPLY_WORDS.de;

const COPY: Readonly<Record<SmsLanguage, Copy>> = {
  en: {
    yes: EN.APPROVE,
    no: EN.DENY,
    or: "or",
    question: (p) => `${p.brand}: Did you attempt ${p.amount} at ${p.merchant} with card ending ${p.last4}? Reply ${p.answer}`,
    compactQuestion: (p) => `${p.brand}: Did you pay ${p.amount} at ${p.merchant}, card ${p.last4}? ${p.answer}`,
    help: (brand, code) =>
      `${brand}: Reply ${EN.APPROVE}${code} if you made this purchase or ${EN.DENY}${code} if not.` +
      (code === "" ? " If the text shows a code, add it after your answer." : "") +
      ` Reply ${EN.STOP} to opt out.`,
    reprompt: (brand, answer) => `${brand}: Sorry, we did not understand. Reply ${answer}`,
    approved: (p) => `${p.brand}: Thank you. You confirmed ${p.amount} at ${p.merchant}. No further action is needed.`,
    denied: (p) =>
      `${p.brand}: Thank you. The charge of ${p.amount} at ${p.merchant} was declined; we will contact you about a new card.`,
    alreadyHandled: (brand) => `${brand}: This request was already handled. No further reply is needed.`,
    chooseVerification: (brand, list, example) =>
      `${brand}: Several purchases await your answer: ${list}. Reply ${EN.APPROVE} or ${EN.DENY} with the code, e.g. ${example}`,
    optedIn: (brand) => `${brand}: You will receive our verification texts again. Reply ${EN.STOP} to opt out.`,
  },
  es: {
    yes: ES.APPROVE,
    no: ES.DENY,
    or: "o",
    question: (p) =>
      `${p.brand}: ¿Hiciste una compra de ${p.amount} en ${p.merchant} con la tarjeta terminada en ${p.last4}? Responde ${p.answer}`,
    compactQuestion: (p) => `${p.brand}: ¿Pagaste ${p.amount} en ${p.merchant}, tarjeta ${p.last4}? ${p.answer}`,
    help: (brand, code) =>
      `${brand}: Responde ${ES.APPROVE}${code} si reconoces la compra o ${ES.DENY}${code} si no.` +
      (code === "" ? " Si el mensaje trae una clave, agrégala a tu respuesta." : "") +
      ` Responde ${ES.STOP} para darte de baja.`,
    reprompt: (brand, answer) => `${brand}: No entendimos tu respuesta. Responde ${answer}`,
    approved: (p) => `${p.brand}: Gracias. Confirmaste el pago de ${p.amount} en ${p.merchant}. No hace falta hacer nada.`,
    denied: (p) =>
      `${p.brand}: Gracias. Rechazamos el cargo de ${p.amount} en ${p.merchant}; te contactaremos para darte una nueva tarjeta.`,
    alreadyHandled: (brand) => `${brand}: Esta solicitud ya fue atendida. No hace falta responder.`,
    chooseVerification: (brand, list, example) =>
      `${brand}: Varias compras pendientes: ${list}. Responde ${ES.APPROVE} o ${ES.DENY} con la clave, ej.: ${example}`,
    optedIn: (brand) => `${brand}: Vuelves a recibir nuestros SMS de seguridad. Responde ${ES.STOP} para darte de baja.`,
  },
  fr: {
    yes: FR.APPROVE,
    no: FR.DENY,
    or: "ou",
    question: (p) =>
      `${p.brand}: Avez-vous tenté de payer ${p.amount} chez ${p.merchant} avec la carte finissant par ${p.last4} ? Répondez ${p.answer}`,
    compactQuestion: (p) => `${p.brand}: Avez-vous payé ${p.amount} chez ${p.merchant}, carte ${p.last4} ? ${p.answer}`,
    help: (brand, code) =>
      `${brand}: Répondez ${FR.APPROVE}${code} si vous avez fait cet achat, sinon ${FR.DENY}${code}.` +
      (code === "" ? " Si le message indique un code, ajoutez-le à votre réponse." : "") +
      ` Répondez ${FR.STOP} pour vous désinscrire.`,
    reprompt: (brand, answer) => `${brand}: Nous n'avons pas compris votre réponse. Répondez ${answer}`,
    approved: (p) => `${p.brand}: Merci. Vous avez confirmé le paiement de ${p.amount} chez ${p.merchant}. Rien d'autre à faire.`,
    denied: (p) =>
      `${p.brand}: Merci. Le paiement de ${p.amount} chez ${p.merchant} a été refusé ; nous vous contacterons pour une nouvelle carte.`,
    alreadyHandled: (brand) => `${brand}: Cette demande a déjà été traitée. Aucune réponse n'est nécessaire.`,
    chooseVerification: (brand, list, example) =>
      `${brand}: Plusieurs paiements en attente : ${list}. Répondez ${FR.APPROVE} ou ${FR.DENY} suivi du code, ex. ${example}`,
    optedIn: (brand) => `${brand}: Vous recevrez de nouveau nos SMS de vérification. Répondez ${FR.STOP} pour vous désinscrire.`,
  },
  de: {
    yes: DE.APPROVE,
    no: DE.DENY,
    or: "oder",
    question: (p) =>
      `${p.brand}: Haben Sie ${p.amount} bei ${p.merchant} mit Ihrer Karte mit Endziffern ${p.last4} bezahlt? Antworten Sie ${p.answer}`,
    compactQuestion: (p) => `${p.brand}: Haben Sie ${p.amount} bei ${p.merchant} bezahlt (Karte ${p.last4})? ${p.answer}`,
    help: (brand, code) =>
      `${brand}: Antworten Sie ${DE.APPROVE}${code}, wenn Sie die Zahlung veranlasst haben, sonst ${DE.DENY}${code}.` +
      (code === "" ? " Steht ein Code in der SMS, fügen Sie ihn an." : "") +
      ` Antworten Sie ${DE.STOP} zum Abmelden.`,
    reprompt: (brand, answer) => `${brand}: Wir haben Ihre Antwort nicht verstanden. Antworten Sie ${answer}`,
    approved: (p) => `${p.brand}: Danke. Sie haben die Zahlung von ${p.amount} bei ${p.merchant} bestätigt. Sie müssen nichts weiter tun.`,
    denied: (p) =>
      `${p.brand}: Danke. Die Zahlung von ${p.amount} bei ${p.merchant} wurde abgelehnt; wir kontaktieren Sie wegen einer neuen Karte.`,
    alreadyHandled: (brand) => `${brand}: Diese Anfrage wurde bereits bearbeitet. Sie müssen nicht mehr antworten.`,
    chooseVerification: (brand, list, example) =>
      `${brand}: Mehrere Zahlungen sind offen: ${list}. Antworten Sie ${DE.APPROVE} oder ${DE.DENY} mit dem Code, z. B. ${example}`,
    optedIn: (brand) => `${brand}: Sie erhalten wieder unsere Sicherheits-SMS. Antworten Sie ${DE.STOP} zum Abmelden.`,
  },
};

function isSmsLanguage(language: string): language is SmsLanguage {
  return Object.hasOwn(COPY, language);
}

/** The text language for a BCP 47 locale, by its language subtag ("fr-CA" → fr); anything else → en. */
export function resolveLanguage(locale?: string): SmsLanguage {
  const language = locale?.trim().split(/[-_]/, 1)[0]?.toLowerCase() ?? "";
  return isSmsLanguage(language) ? language : "en";
}

function copyFor(locale: string | undefined): Copy {
  return COPY[resolveLanguage(locale)];
}

/**
 * The amount in the text's language: a locale whose language has no texts (ar-BH) falls back to
 * English, and its amount is written the English way for that region (en-BH), not in Arabic digits.
 * Unicode extensions (-u-nu-arab) never reach the formatter (see formatAmount).
 */
function amountText(amountMinor: number, currency: string, locale: string | undefined): string {
  const tag = locale?.trim().replaceAll("_", "-");
  if (tag === undefined || tag === "") return formatAmount(amountMinor, currency, DEFAULT_LOCALE);
  const textLanguage = resolveLanguage(tag);
  if (tag.split("-", 1)[0]?.toLowerCase() === textLanguage) return formatAmount(amountMinor, currency, tag);
  const region = regionOf(tag);
  return formatAmount(amountMinor, currency, region ? `${textLanguage}-${region}` : textLanguage);
}

// Parsing a tag costs ~10 µs; locales arrive in requests, so the cache is bounded.
const MAX_CACHED_REGIONS = 512;
const regions = new Map<string, string | undefined>();

/** The region of a BCP 47 tag, read as BCP 47 reads it ("ar-u-nu-arab" has none, not "NU"). */
function regionOf(tag: string): string | undefined {
  if (regions.has(tag)) return regions.get(tag);
  let region: string | undefined;
  try {
    region = new Intl.Locale(tag).region;
  } catch {
    region = undefined;
  }
  if (regions.size >= MAX_CACHED_REGIONS) regions.clear();
  regions.set(tag, region);
  return region;
}

/**
 * Brand and merchant as shown: no invisible or bidi control characters, GSM look-alikes and
 * accent-free Latin letters, whitespace collapsed.
 */
function displayName(name: string): string {
  return toGsmLatin(withoutInvisibleCharacters(name)).replace(/\s+/gu, " ").trim();
}

function codeSuffix(referenceCode: string | null | undefined): string {
  return referenceCode === null || referenceCode === undefined || referenceCode === "" ? "" : ` ${referenceCode}`;
}

function answerChoice(copy: Copy, referenceCode: string | null | undefined): string {
  const code = codeSuffix(referenceCode);
  return `${copy.yes}${code} ${copy.or} ${copy.no}${code}`;
}

const TRAILING_SEPARATORS = /[\s\p{P}\p{S}]+$/u;

/**
 * The merchant in at most `max` characters: whole words when that keeps most of the room,
 * otherwise cut mid-word and marked with "." (GSM, unlike "…").
 */
function shortenMerchant(chars: readonly string[], max: number): string {
  if (chars.length <= max) return chars.join("");
  let boundary = max;
  while (boundary > 0 && chars[boundary] !== " ") boundary -= 1;
  if (boundary >= Math.max(MIN_MERCHANT_CHARS, Math.ceil((max * 3) / 5))) {
    const words = chars.slice(0, boundary).join("").replace(TRAILING_SEPARATORS, "");
    if (words !== "") return words;
  }
  const cut = chars.slice(0, max - 1).join("");
  const trimmed = cut.replace(TRAILING_SEPARATORS, "");
  return `${trimmed === "" ? cut : trimmed}.`;
}

/**
 * The first text, with the merchant whole and then shorter and shorter (never under MIN_MERCHANT_CHARS),
 * that fits one segment; null when none does.
 */
function fitWithMerchant(build: (merchant: string) => string, merchant: string): string | null {
  const chars = Array.from(merchant);
  // A UCS-2 segment holds 70 characters, not 160; a few CJK or Cyrillic characters still name a shop.
  const minimum = isGsm7(merchant) ? MIN_MERCHANT_CHARS : MIN_NON_GSM_MERCHANT_CHARS;
  let previous: string | null = null;
  for (let max = chars.length; max === chars.length || max >= minimum; max -= 1) {
    const candidate = shortenMerchant(chars, max);
    if (candidate === previous) continue;
    previous = candidate;
    const text = build(candidate);
    if (fitsOneSegment(text)) return text;
  }
  return null;
}

export interface QuestionInput {
  brand: string;
  amountMinor: number;
  currency: string;
  merchant: string;
  cardLast4: string;
  locale?: string;
  referenceCode?: string | null;
}

/**
 * The verification question. One segment whenever possible: the full wording, else the compact
 * wording, else the compact wording with a shortened merchant; the full text when nothing fits.
 */
export function renderQuestion(input: QuestionInput): string {
  const copy = copyFor(input.locale);
  const merchant = displayName(input.merchant);
  const parts = {
    brand: displayName(input.brand),
    amount: amountText(input.amountMinor, input.currency, input.locale),
    last4: input.cardLast4,
    answer: answerChoice(copy, input.referenceCode),
  };
  const full = copy.question({ ...parts, merchant });
  if (fitsOneSegment(full)) return full;
  return fitWithMerchant((shortened) => copy.compactQuestion({ ...parts, merchant: shortened }), merchant) ?? full;
}

/**
 * Brand and how to answer. Pass the verification's code when its texts show one: the help then names
 * that code rather than an example code a cardholder could copy onto another verification.
 */
export function renderHelp(input: { brand: string; locale?: string; referenceCode?: string | null }): string {
  return copyFor(input.locale).help(displayName(input.brand), codeSuffix(input.referenceCode));
}

export function renderReprompt(input: { brand: string; locale?: string; referenceCode?: string | null }): string {
  const copy = copyFor(input.locale);
  return copy.reprompt(displayName(input.brand), answerChoice(copy, input.referenceCode));
}

export interface ConfirmationInput {
  brand: string;
  locale?: string;
  decision: ConfirmedDecision;
  amountMinor: number;
  currency: string;
  merchant: string;
}

/** What was decided; for DENIED, what happens next. The merchant is shortened to keep one segment. */
export function renderConfirmation(input: ConfirmationInput): string {
  const copy = copyFor(input.locale);
  const build = input.decision === "APPROVED" ? copy.approved : copy.denied;
  const brand = displayName(input.brand);
  const amount = amountText(input.amountMinor, input.currency, input.locale);
  const merchant = displayName(input.merchant);
  const render = (shown: string): string => build({ brand, amount, merchant: shown });
  return fitWithMerchant(render, merchant) ?? render(merchant);
}

export function renderAlreadyHandled(input: { brand: string; locale?: string }): string {
  return copyFor(input.locale).alreadyHandled(displayName(input.brand));
}

export interface OpenVerificationItem {
  merchant: string;
  amountMinor: number;
  currency: string;
  referenceCode: string;
}

/**
 * Each open verification as "417: ACME STORE $125.40" and how to answer with a code. Merchants are
 * capped, and shortened further as long as that saves segments; many items may still need several.
 */
export function renderChooseVerification(input: {
  brand: string;
  locale?: string;
  items: readonly OpenVerificationItem[];
}): string {
  const copy = copyFor(input.locale);
  const brand = displayName(input.brand);
  const items = input.items.map((item) => ({
    merchant: Array.from(displayName(item.merchant)),
    amount: amountText(item.amountMinor, item.currency, input.locale),
    referenceCode: item.referenceCode,
  }));
  const firstCode = items[0]?.referenceCode;
  // Nothing to choose from (a caller's race): asking for YES or NO again is the harmless answer.
  if (firstCode === undefined) return copy.reprompt(brand, answerChoice(copy, null));
  const example = `${copy.yes} ${firstCode}`;
  const render = (merchantCap: number): string => {
    const list = items
      .map((item) => `${item.referenceCode}: ${shortenMerchant(item.merchant, merchantCap)} ${item.amount}`)
      .join("; ");
    return copy.chooseVerification(brand, list, example);
  };

  let best = render(LIST_MERCHANT_MAX_CHARS);
  let bestSegments = countSegments(best).segments;
  for (let cap = LIST_MERCHANT_MAX_CHARS - 1; cap >= MIN_MERCHANT_CHARS && bestSegments > 1; cap -= 1) {
    const text = render(cap);
    const segments = countSegments(text).segments;
    if (segments < bestSegments) {
      best = text;
      bestSegments = segments;
    }
  }
  return best;
}

/** Confirmation after START / UNSTOP. */
export function renderOptedIn(input: { brand: string; locale?: string }): string {
  return copyFor(input.locale).optedIn(displayName(input.brand));
}
