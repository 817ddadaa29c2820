// The one test for "is this file binary" that render, create and sync share.

// Control bytes that never occur in text, whatever its encoding (Latin-1, UTF-8, CP-1252): tab, newlines, form
// feed and escape are allowed. git itself only looks for a NUL, which misses binaries such as packed floats.
const NON_TEXT = new Uint8Array(256);
for (const b of [
  ...Array(9).keys(),
  0x0e,
  0x0f,
  ...Array.from({ length: 11 }, (_, i) => 0x10 + i),
  0x1c,
  0x1d,
  0x1e,
  0x1f,
  0x7f,
])
  NON_TEXT[b] = 1;

/** True when the first 8,000 bytes hold a NUL or another control byte that text never contains. */
export function looksBinary(data: Buffer): boolean {
  const end = Math.min(data.length, 8000);
  for (let i = 0; i < end; i++) if (NON_TEXT[data[i]!]) return true;
  return false;
}
