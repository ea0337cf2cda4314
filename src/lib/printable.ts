// Making text from elsewhere (a Page name, a service's error detail) safe to print on one line.
// Kept apart from output.ts so the error renderer, which the bundled fast path loads, stays small.

/**
 * Characters a terminal acts on instead of showing: C0/C1 controls (newline, ESC of ANSI
 * sequences, BEL…), DEL, line and paragraph separators, and the bidirectional overrides that can
 * make text read differently from what it is. Not all format characters: ZWJ builds emoji.
 */
const UNPRINTABLE = /[\p{Cc}\p{Zl}\p{Zp}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu
const ESCAPES: Readonly<Record<string, string>> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'}

/**
 * A remote text (a Page or account name) made safe to print on one line: every character from
 * UNPRINTABLE becomes a visible escape (\n, \x1b, \u202e), so an ANSI sequence shows as text.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.codePointAt(0)!
    return (
      ESCAPES[char] ??
      (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
    )
  })
}
