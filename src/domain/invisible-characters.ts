/**
 * Characters a reader cannot see but that change what they read: bidi controls can show a merchant
 * backwards or move the amount, zero-width and other default-ignorable characters hide inside
 * look-alike names. Text from a request or the configuration loses them before it reaches an SMS.
 */
const INVISIBLE = /[\p{Bidi_Control}\p{Default_Ignorable_Code_Point}]/gu;
// C0/C1 controls other than whitespace (NUL, ESC, DEL…): they separate words, so they become a space.
const CONTROL = /[^\P{Cc}\s]/gu;
const ANY = /[\p{Bidi_Control}\p{Default_Ignorable_Code_Point}\p{Cc}]/u;

export function withoutInvisibleCharacters(text: string): string {
  if (!ANY.test(text)) return text; // the usual case, and the cheap one
  return text.replace(INVISIBLE, "").replace(CONTROL, " ");
}
