// The supervisor sees arguments and policy strings as bytes, and glibc's fnmatch and regexec run
// there in the C locale, one byte at a time. To agree with it exactly the TypeScript side matches
// on the same bytes: a "byte string" holds one UTF-8 byte per UTF-16 code unit (0-255).

/** The UTF-8 encoding of `text` as a byte string; a lone surrogate becomes U+FFFD, as in TextEncoder. */
export function utf8ByteString(text: string): string {
  let bytes = '';
  for (const char of text) {
    let cp = char.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) bytes += char;
    else if (cp < 0x800) bytes += String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) {
      bytes += String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    } else {
      bytes += String.fromCharCode(
        0xf0 | (cp >> 18),
        0x80 | ((cp >> 12) & 63),
        0x80 | ((cp >> 6) & 63),
        0x80 | (cp & 63),
      );
    }
  }
  return bytes;
}

/** The text a byte string encodes; a malformed sequence becomes U+FFFD, one per byte. */
export function textOfUtf8(bytes: string): string {
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes.charCodeAt(i));
    const cp = length === 0 ? -1 : decodeOne(bytes, i, length);
    if (cp < 0) {
      text += '\ufffd';
      i++;
    } else {
      text += String.fromCodePoint(cp);
      i += length;
    }
  }
  return text;
}

/** How many bytes a sequence with this first byte has; 0 when no sequence starts so. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead < 0xc2) return 0;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  if (lead < 0xf5) return 4;
  return 0;
}

const SMALLEST = [0, 0, 0x80, 0x800, 0x10000];

// -1 for a truncated sequence, a stray continuation byte, an overlong form or a surrogate.
function decodeOne(bytes: string, at: number, length: number): number {
  if (at + length > bytes.length) return -1;
  if (length === 1) return bytes.charCodeAt(at);
  let cp = bytes.charCodeAt(at) & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) {
    const next = bytes.charCodeAt(at + k);
    if ((next & 0xc0) !== 0x80) return -1;
    cp = (cp << 6) | (next & 63);
  }
  if (cp < SMALLEST[length]! || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  return cp;
}
