// Untrusted text (file names, changelogs, API answers) made safe to show: control characters, line and paragraph
// separators and bidirectional overrides become visible escapes, so a name cannot move the cursor, recolour the
// terminal, forge a line of output or reorder what the reader sees.

// C0 controls, DEL, C1 controls, U+2028/2029, and the bidi embedding, override and isolate characters.
// eslint-disable-next-line no-control-regex -- matching control characters is what this module is for
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
const UNSAFE_BUT_LINES =
  // eslint-disable-next-line no-control-regex -- as above
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

function escape(ch: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  const code = ch.charCodeAt(0);
  return (
    named[ch] ??
    (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
  );
}

/** One line with every control or bidi character shown as an escape (`\n`, `\x1b`, `\u202e`): for names and cells. */
export function visibleLine(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** Like visibleLine but keeps newlines and tabs: for multi-line messages written to a terminal or log. */
export function visibleText(text: string): string {
  return text.replace(UNSAFE_BUT_LINES, escape);
}
