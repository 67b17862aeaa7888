// src-core compiles without DOM or Node types, so TextEncoder is not declared here: a small UTF-8 codec.

export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/**
 * Decodes UTF-8, or returns null when the bytes are not valid UTF-8 (a stray continuation byte, a
 * truncated or overlong sequence, a surrogate, above U+10FFFF). Callers own the bytes' context and
 * turn null into a corrupt error that names where they came from.
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  let s = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let c: number;
    let n: number;
    let min: number;
    if (b < 0x80) [c, n, min] = [b, 1, 0];
    else if (b >= 0xc2 && b < 0xe0) [c, n, min] = [b & 31, 2, 0x80];
    else if (b >= 0xe0 && b < 0xf0) [c, n, min] = [b & 15, 3, 0x800];
    else if (b >= 0xf0 && b < 0xf5) [c, n, min] = [b & 7, 4, 0x10000];
    else return null;
    if (i + n > bytes.length) return null;
    for (let k = 1; k < n; k++) {
      const cont = bytes[i + k]!;
      if ((cont & 0xc0) !== 0x80) return null;
      c = (c << 6) | (cont & 63);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) return null;
    s += String.fromCodePoint(c);
    i += n;
  }
  return s;
}
