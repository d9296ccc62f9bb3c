import { describe, it, expect } from "vitest";
import { countSegments, isGsm7 } from "../../src/domain/sms-segments.ts";
import {
  renderAlreadyHandled,
  renderChooseVerification,
  renderConfirmation,
  renderHelp,
  renderOptedIn,
  renderQuestion,
  renderReprompt,
  resolveLanguage,
} from "../../src/domain/sms-text.ts";
import type { QuestionInput } from "../../src/domain/sms-text.ts";

const BRAND = "Your bank";
const MERCHANT_64 = "THE EXTRAORDINARILY LONG MERCHANT NAME FOR TESTING PURPOSES 0001";
const LONG_BRAND = "First National Bank of Springfield";
const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;
const LOCALES = ["en-US", "es-ES", "fr-FR", "de-DE"] as const;

function question(overrides: Partial<QuestionInput> = {}): string {
  return renderQuestion({
    brand: BRAND,
    amountMinor: 12540,
    currency: "USD",
    merchant: "ACME STORE #42",
    cardLast4: "4242",
    locale: "en-US",
    ...overrides,
  });
}

describe("resolveLanguage", () => {
  it("resolves by the language subtag", () => {
    expect(resolveLanguage("fr-CA")).toBe("fr");
    expect(resolveLanguage("es")).toBe("es");
    expect(resolveLanguage("DE-at")).toBe("de");
    expect(resolveLanguage("de_CH")).toBe("de");
    expect(resolveLanguage("en-GB")).toBe("en");
  });

  it("falls back to English", () => {
    expect(resolveLanguage(undefined)).toBe("en");
    expect(resolveLanguage("")).toBe("en");
    expect(resolveLanguage("xx-YY")).toBe("en");
    expect(resolveLanguage("pt-BR")).toBe("en");
  });
});

describe("renderQuestion", () => {
  it("renders the default example", () => {
    expect(question()).toBe(
      "Your bank: Did you attempt $125.40 at ACME STORE #42 with card ending 4242? Reply YES or NO",
    );
  });

  it("asks for the reference code when one is given", () => {
    expect(question({ referenceCode: "417" })).toBe(
      "Your bank: Did you attempt $125.40 at ACME STORE #42 with card ending 4242? Reply YES 417 or NO 417",
    );
    expect(question({ referenceCode: null })).toBe(question());
  });

  it("renders each language without leaving the GSM alphabet", () => {
    expect(question({ locale: "es-ES" })).toBe(
      "Your bank: ¿Hiciste una compra de 125,40 US$ en ACME STORE #42 con la tarjeta terminada en 4242? Responde SI o NO",
    );
    expect(question({ locale: "fr-FR", currency: "EUR", referenceCode: "417" })).toBe(
      "Your bank: Avez-vous tenté de payer 125,40 € chez ACME STORE #42 avec la carte finissant par 4242 ? Répondez OUI 417 ou NON 417",
    );
    expect(question({ locale: "de-DE", currency: "EUR" })).toBe(
      "Your bank: Haben Sie 125,40 € bei ACME STORE #42 mit Ihrer Karte mit Endziffern 4242 bezahlt? Antworten Sie JA oder NEIN",
    );
    for (const locale of LOCALES) {
      const text = question({ locale, referenceCode: "417" });
      expect(countSegments(text), locale).toMatchObject({ encoding: "GSM-7", segments: 1 });
    }
  });

  it("resolves regional and unknown locales", () => {
    expect(question({ locale: "fr-CA" })).toBe(
      "Your bank: Avez-vous tenté de payer 125,40 $ US chez ACME STORE #42 avec la carte finissant par 4242 ? Répondez OUI ou NON",
    );
    expect(question({ locale: "xx-YY" })).toBe(question());
    expect(question({ locale: undefined })).toBe(question());
    expect(question({ locale: "ja-JP", currency: "JPY" })).toBe(
      "Your bank: Did you attempt ¥12,540 at ACME STORE #42 with card ending 4242? Reply YES or NO",
    );
  });

  it("keeps a 64-character merchant whole in one segment, with or without a code", () => {
    for (const referenceCode of [undefined, "417"]) {
      const text = question({ merchant: MERCHANT_64, referenceCode });
      expect(text).toContain(` at ${MERCHANT_64} with card ending 4242?`);
      expect(countSegments(text).segments).toBe(1);
    }
    for (const locale of LOCALES) {
      const text = question({ locale, merchant: MERCHANT_64, referenceCode: "417" });
      expect(text, locale).toContain(MERCHANT_64);
      expect(countSegments(text).segments, locale).toBe(1);
    }
  });

  it("switches to the compact wording before shortening the merchant", () => {
    expect(question({ merchant: MERCHANT_64, amountMinor: MAX_AMOUNT, referenceCode: "417" })).toBe(
      `Your bank: Did you pay $90,071,992,547,409.91 at ${MERCHANT_64}, card 4242? YES 417 or NO 417`,
    );
  });

  it("shortens the merchant at a word boundary when even the compact wording is too long", () => {
    const text = question({ brand: LONG_BRAND, merchant: MERCHANT_64, amountMinor: MAX_AMOUNT, referenceCode: "417" });
    expect(text).toBe(
      "First National Bank of Springfield: Did you pay $90,071,992,547,409.91 at THE EXTRAORDINARILY LONG MERCHANT NAME FOR TESTING, card 4242? YES 417 or NO 417",
    );
    expect(countSegments(text)).toEqual({ encoding: "GSM-7", units: 154, segments: 1 });
  });

  it("cuts a merchant without spaces mid-word and marks it with a period", () => {
    const merchant = "SUPERCALIFRAGILISTICEXPIALIDOCIOUSEMPORIUMANDSONSLIMITEDLONDONUK";
    const text = question({ brand: LONG_BRAND, merchant, amountMinor: MAX_AMOUNT, referenceCode: "417" });
    expect(text).toBe(
      `First National Bank of Springfield: Did you pay $90,071,992,547,409.91 at ${merchant.slice(0, 55)}., card 4242? YES 417 or NO 417`,
    );
    expect(countSegments(text)).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
  });

  it("names a non-GSM merchant whole in one UCS-2 segment via the compact wording", () => {
    // Full wording: 86 UCS-2 units (2 segments); compact: 65 ≤ 70, so one segment is the minimum.
    const text = question({ merchant: "東京ストア 渋谷店", currency: "JPY", locale: "ja-JP" });
    expect(text).toBe("Your bank: Did you pay ¥12,540 at 東京ストア 渋谷店, card 4242? YES or NO");
    expect(countSegments(text)).toEqual({ encoding: "UCS-2", units: 65, segments: 1 });
  });

  it("shortens a non-GSM merchant further (to 5 characters) before giving up on one UCS-2 segment", () => {
    const text = question({ merchant: "東京ストア 渋谷店", currency: "JPY", locale: "ja-JP", referenceCode: "417" });
    expect(text).toBe("Your bank: Did you pay ¥12,540 at 東京ストア., card 4242? YES 417 or NO 417");
    expect(countSegments(text)).toEqual({ encoding: "UCS-2", units: 70, segments: 1 });
  });

  it("writes Latin letters that GSM lacks without their accents, keeping the text GSM", () => {
    expect(question({ merchant: "Pão de Açúcar", locale: "pt-BR", currency: "BRL" })).toBe(
      "Your bank: Did you attempt R$125.40 at Pao de Acucar with card ending 4242? Reply YES or NO",
    );
    expect(question({ merchant: "Łódź Kiosk Škoda Café" })).toContain("Lodz Kiosk Skoda Café");
  });

  it("writes the amount the text's way when the locale's language has no texts (ar-BH → en-BH)", () => {
    expect(question({ currency: "BHD", locale: "ar-BH" })).toBe(
      "Your bank: Did you attempt BHD 12.540 at ACME STORE #42 with card ending 4242? Reply YES or NO",
    );
  });

  it("sends the full text when nothing fits one segment", () => {
    // A longer brand leaves no room in 70 UCS-2 units even with the merchant at its 5-character minimum.
    const text = question({ brand: "Banco Internacional", merchant: "東京ストア 渋谷店", currency: "JPY", locale: "ja-JP", referenceCode: "417" });
    expect(text).toBe("Banco Internacional: Did you attempt ¥12,540 at 東京ストア 渋谷店 with card ending 4242? Reply YES 417 or NO 417");
    expect(countSegments(text)).toEqual({ encoding: "UCS-2", units: 104, segments: 2 });

    const hugeBrand = "B".repeat(150);
    expect(question({ brand: hugeBrand })).toBe(
      `${hugeBrand}: Did you attempt $125.40 at ACME STORE #42 with card ending 4242? Reply YES or NO`,
    );
  });

  it("drops the non-GSM part of a merchant when that makes the text fit", () => {
    expect(question({ merchant: "SUNNY SIDE CAFE ☀ DOWNTOWN BROOKLYN" })).toBe(
      "Your bank: Did you pay $125.40 at SUNNY SIDE CAFE, card 4242? YES or NO",
    );
  });

  it("makes brand and merchant GSM-friendly", () => {
    const text = question({ brand: "Smith’s Bank", merchant: "Joe’s Diner\u00a0–\u00a0Main St" });
    expect(text).toBe("Smith's Bank: Did you attempt $125.40 at Joe's Diner - Main St with card ending 4242? Reply YES or NO");
    expect(isGsm7(text)).toBe(true);
  });
});

describe("invisible and bidi control characters", () => {
  const HIDDEN = /[\p{Cc}\p{Bidi_Control}\u200B-\u200D\u2060\uFEFF]/u;
  const brand = "\u202EYour\u200B bank\u2066";
  const merchant = "\u2067ACME\u200D STORE\u202C #42\uFEFF\u061C";

  it("never reach any text from the merchant or the brand", () => {
    const texts = [
      renderQuestion({ brand, merchant, amountMinor: 12540, currency: "USD", cardLast4: "4242", locale: "en-US" }),
      renderConfirmation({ brand, merchant, amountMinor: 12540, currency: "USD", decision: "DENIED", locale: "en-US" }),
      renderChooseVerification({ brand, items: [{ merchant, amountMinor: 1, currency: "USD", referenceCode: "417" }] }),
      renderHelp({ brand }),
      renderReprompt({ brand }),
      renderAlreadyHandled({ brand }),
      renderOptedIn({ brand }),
    ];
    for (const text of texts) {
      expect(text).not.toMatch(HIDDEN);
      expect(text.startsWith("Your bank: ")).toBe(true);
    }
    expect(texts[0]).toBe(question());
  });

  it("turns other control characters into a space, and keeps a text GSM when only they were not", () => {
    const text = question({ merchant: "ACME\u0000STORE\u001B#42" });
    expect(text).toContain(" at ACME STORE #42 with ");
    expect(isGsm7(text)).toBe(true);
  });
});

describe("renderHelp", () => {
  it("names the brand, the answers and STOP", () => {
    expect(renderHelp({ brand: BRAND })).toBe(
      "Your bank: Reply YES if you made this purchase or NO if not. If the text shows a code, add it after your answer. Reply STOP to opt out.",
    );
  });

  it("names the verification's own code when given", () => {
    expect(renderHelp({ brand: BRAND, locale: "en-US", referenceCode: "417" })).toBe(
      "Your bank: Reply YES 417 if you made this purchase or NO 417 if not. Reply STOP to opt out.",
    );
    expect(renderHelp({ brand: BRAND, locale: "de-DE", referenceCode: "417" })).toBe(
      "Your bank: Antworten Sie JA 417, wenn Sie die Zahlung veranlasst haben, sonst NEIN 417. Antworten Sie STOP zum Abmelden.",
    );
  });
});

describe("renderReprompt", () => {
  it("asks again for YES or NO", () => {
    expect(renderReprompt({ brand: BRAND })).toBe("Your bank: Sorry, we did not understand. Reply YES or NO");
    expect(renderReprompt({ brand: BRAND, locale: "es-MX", referenceCode: "417" })).toBe(
      "Your bank: No entendimos tu respuesta. Responde SI 417 o NO 417",
    );
    expect(renderReprompt({ brand: BRAND, locale: "fr-FR" })).toBe(
      "Your bank: Nous n'avons pas compris votre réponse. Répondez OUI ou NON",
    );
  });
});

describe("renderConfirmation", () => {
  const purchase = { brand: BRAND, amountMinor: 12540, currency: "USD", merchant: "ACME STORE #42" } as const;

  it("confirms an approval", () => {
    expect(renderConfirmation({ ...purchase, decision: "APPROVED" })).toBe(
      "Your bank: Thank you. You confirmed $125.40 at ACME STORE #42. No further action is needed.",
    );
  });

  it("says what happens next after a denial", () => {
    expect(renderConfirmation({ ...purchase, decision: "DENIED" })).toBe(
      "Your bank: Thank you. The charge of $125.40 at ACME STORE #42 was declined; we will contact you about a new card.",
    );
    expect(renderConfirmation({ ...purchase, decision: "DENIED", locale: "de-DE", currency: "EUR" })).toBe(
      "Your bank: Danke. Die Zahlung von 125,40 € bei ACME STORE #42 wurde abgelehnt; wir kontaktieren Sie wegen einer neuen Karte.",
    );
  });

  it("shortens a long merchant to stay in one segment", () => {
    for (const locale of LOCALES) {
      const text = renderConfirmation({ ...purchase, decision: "DENIED", merchant: MERCHANT_64, locale });
      expect(text, locale).toContain("THE EXTRAORDINARILY LONG MERCHANT NAME FOR");
      expect(countSegments(text).segments, locale).toBe(1);
    }
  });
});

describe("renderAlreadyHandled / renderOptedIn", () => {
  it("renders the late-reply and opt-in texts", () => {
    expect(renderAlreadyHandled({ brand: BRAND })).toBe(
      "Your bank: This request was already handled. No further reply is needed.",
    );
    expect(renderAlreadyHandled({ brand: BRAND, locale: "fr-FR" })).toBe(
      "Your bank: Cette demande a déjà été traitée. Aucune réponse n'est nécessaire.",
    );
    expect(renderOptedIn({ brand: BRAND })).toBe(
      "Your bank: You will receive our verification texts again. Reply STOP to opt out.",
    );
  });
});

describe("renderChooseVerification", () => {
  it("lists each open verification with its code", () => {
    const text = renderChooseVerification({
      brand: BRAND,
      items: [
        { merchant: "ACME STORE #42", amountMinor: 12540, currency: "USD", referenceCode: "417" },
        { merchant: "COFFEE CORNER", amountMinor: 450, currency: "USD", referenceCode: "582" },
      ],
    });
    expect(text).toBe(
      "Your bank: Several purchases await your answer: 417: ACME STORE #42 $125.40; 582: COFFEE CORNER $4.50. Reply YES or NO with the code, e.g. YES 417",
    );
  });

  it("shortens merchants to keep the list in one segment when it can", () => {
    const text = renderChooseVerification({
      brand: BRAND,
      items: [
        { merchant: MERCHANT_64, amountMinor: 12540, currency: "USD", referenceCode: "417" },
        { merchant: "BIG ELECTRONICS WAREHOUSE DOWNTOWN", amountMinor: 129999, currency: "USD", referenceCode: "582" },
        { merchant: "COFFEE CORNER", amountMinor: 450, currency: "USD", referenceCode: "903" },
      ],
    });
    expect(text).toBe(
      "Your bank: Several purchases await your answer: 417: THE EXT. $125.40; 582: BIG ELE. $1,299.99; 903: COFFEE. $4.50. Reply YES or NO with the code, e.g. YES 417",
    );
    expect(countSegments(text).segments).toBe(1);
  });

  it("caps merchants and uses several segments when many are open", () => {
    const items = ["417", "582", "903", "114", "265"].map((referenceCode) => ({
      merchant: MERCHANT_64,
      amountMinor: 12540,
      currency: "EUR",
      referenceCode,
    }));
    const text = renderChooseVerification({ brand: BRAND, locale: "de-DE", items });
    expect(text).toContain("417: THE EXTRAORDINARILY LONG 125,40 €; 582: ");
    expect(text).toMatch(/mit dem Code, z\. B\. JA 417$/u);
    expect(text).not.toContain(MERCHANT_64);
    expect(countSegments(text).segments).toBe(2);
  });
});

describe("renderChooseVerification with nothing open", () => {
  it("falls back to the re-prompt", () => {
    expect(renderChooseVerification({ brand: BRAND, items: [] })).toBe(renderReprompt({ brand: BRAND }));
  });
});

describe("every text", () => {
  it("names the brand, stays GSM and fits one segment for typical inputs in every language", () => {
    for (const locale of LOCALES) {
      const purchase = { brand: BRAND, locale, amountMinor: 12540, currency: "EUR", merchant: "ACME STORE #42" };
      const texts = [
        question({ locale }),
        question({ locale, referenceCode: "417" }),
        renderHelp({ brand: BRAND, locale }),
        renderHelp({ brand: BRAND, locale, referenceCode: "417" }),
        renderReprompt({ brand: BRAND, locale }),
        renderReprompt({ brand: BRAND, locale, referenceCode: "417" }),
        renderConfirmation({ ...purchase, decision: "APPROVED" }),
        renderConfirmation({ ...purchase, decision: "DENIED" }),
        renderAlreadyHandled({ brand: BRAND, locale }),
        renderOptedIn({ brand: BRAND, locale }),
        renderChooseVerification({
          brand: BRAND,
          locale,
          items: [
            { merchant: "ACME STORE #42", amountMinor: 12540, currency: "EUR", referenceCode: "417" },
            { merchant: "COFFEE CORNER", amountMinor: 450, currency: "EUR", referenceCode: "582" },
          ],
        }),
      ];
      for (const text of texts) {
        expect(text.startsWith(`${BRAND}: `), text).toBe(true);
        expect(countSegments(text), text).toMatchObject({ encoding: "GSM-7", segments: 1 });
      }
    }
  });
});
