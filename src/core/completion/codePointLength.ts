/** One code point above U+FFFF, two UTF-16 units. */
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * The length of a text in characters (Unicode code points), as users count them: an emoji is one character,
 * where `String.length` counts two UTF-16 units.
 */
export function codePointLength(text: string): number {
  return text.length - (text.match(SURROGATE_PAIR)?.length ?? 0);
}
