// The framing of the control protocol (native/PROTOCOL.md): `verb key=len:bytes ...\n`.
// Every value is length-prefixed, so nothing is escaped; a value may itself hold fields.

export const FRAME_MAX = 1 << 20;
export const FIELDS_MAX = 64;
const KEY_MAX = 32;

/** A frame's fields by key; values are raw bytes, since file names need not be UTF-8. */
export class Fields {
  constructor(private readonly values: ReadonlyMap<string, Buffer>) {}

  has(key: string): boolean {
    return this.values.has(key);
  }

  bytes(key: string): Buffer | undefined {
    return this.values.get(key);
  }

  text(key: string): string | undefined {
    return this.values.get(key)?.toString('utf8');
  }

  /** A decimal number; undefined when absent, NaN when not a number. */
  number(key: string): number | undefined {
    const text = this.text(key);
    if (text === undefined) return undefined;
    return /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
  }

  /** A field whose value holds fields of its own (`args=`, `argv=`). */
  nested(key: string): Fields {
    const value = this.values.get(key);
    if (value === undefined) return new Fields(new Map());
    const parsed = readFields(value, 0, value.length);
    if ('error' in parsed) throw new FrameError(`field "${key}": ${parsed.error}`, parsed.offset);
    return parsed.fields;
  }

  entries(): IterableIterator<[string, Buffer]> {
    return this.values.entries();
  }
}

export interface Frame {
  verb: string;
  fields: Fields;
}

export class FrameError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export type FieldValue = string | number | Buffer | { [key: string]: FieldValue };

/** Encodes one frame. Keys keep their insertion order. */
export function encodeFrame(verb: string, fields: Record<string, FieldValue> = {}): Buffer {
  if (!/^[a-z-]+$/.test(verb)) throw new Error(`bad verb "${verb}"`);
  const entries = Object.entries(fields);
  if (entries.every(([, value]) => typeof value === 'string' || typeof value === 'number'))
    return Buffer.from(frameText(verb, fields as Record<string, string | number>));
  const parts: Buffer[] = [Buffer.from(verb)];
  for (const [key, value] of entries) parts.push(SPACE, encodeField(key, value));
  parts.push(NEWLINE);
  return Buffer.concat(parts);
}

/**
 * A frame of text fields as a string. Thousands of frames sent at once (a learned policy's
 * Landlock rules) are best joined as strings and made into one buffer: small buffers joined
 * cost ten times as much.
 */
export function frameText(verb: string, fields: Record<string, string | number>): string {
  if (!/^[a-z-]+$/.test(verb)) throw new Error(`bad verb "${verb}"`);
  let text = verb;
  for (const [key, value] of Object.entries(fields)) text += ` ${textField(key, String(value))}`;
  return `${text}\n`;
}

const SPACE = Buffer.from(' ');
const NEWLINE = Buffer.from('\n');

function checkKey(key: string): void {
  if (!/^[a-z0-9_.-]{1,32}$/.test(key)) throw new Error(`bad key "${key}"`);
}

function textField(key: string, text: string): string {
  checkKey(key);
  return `${key}=${Buffer.byteLength(text)}:${text}`;
}

function encodeField(key: string, value: FieldValue): Buffer {
  if (typeof value === 'string' || typeof value === 'number')
    return Buffer.from(textField(key, String(value)));
  checkKey(key);
  const bytes = encodeValue(value);
  return Buffer.concat([Buffer.from(`${key}=${bytes.length}:`), bytes]);
}

function encodeValue(value: FieldValue): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'object') {
    const fields = Object.entries(value).map(([k, v]) => encodeField(k, v));
    return Buffer.concat(fields.flatMap((f, i) => (i === 0 ? [f] : [Buffer.from(' '), f])));
  }
  return Buffer.from(String(value));
}

type ReadResult = { fields: Fields; end: number } | { error: string; offset: number };

// Reads `key=len:bytes` fields separated by single spaces from buf[start, end), stopping at end
// or at a newline where a field would start.
function readFields(buf: Buffer, start: number, end: number, stopAtNewline = false): ReadResult {
  const values = new Map<string, Buffer>();
  let pos = start;
  while (pos < end) {
    if (stopAtNewline && buf[pos] === 0x0a) break;
    if (pos > start || stopAtNewline) {
      if (buf[pos] !== 0x20)
        return { error: 'expected a space before the next field', offset: pos };
      pos++;
    }
    const keyStart = pos;
    while (pos < end && pos - keyStart <= KEY_MAX && isKeyByte(buf[pos]!)) pos++;
    if (pos >= end) return { error: 'incomplete', offset: pos };
    if (pos === keyStart || pos - keyStart > KEY_MAX)
      return { error: 'expected a key of 1 to 32 characters', offset: keyStart };
    if (buf[pos] !== 0x3d) return { error: 'expected "=" after the key', offset: pos };
    const key = buf.toString('latin1', keyStart, pos);
    pos++;
    const lengthStart = pos;
    while (pos < end && pos - lengthStart < 8 && buf[pos]! >= 0x30 && buf[pos]! <= 0x39) pos++;
    if (pos >= end) return { error: 'incomplete', offset: pos };
    if (pos === lengthStart || buf[pos] !== 0x3a)
      return { error: 'expected a length and ":"', offset: pos };
    const digits = buf.toString('latin1', lengthStart, pos);
    if (digits.length > 1 && digits.startsWith('0'))
      return { error: 'a length has no leading zeros', offset: lengthStart };
    const length = Number(digits);
    pos++;
    if (length > FRAME_MAX)
      return { error: 'a value is longer than a frame may be', offset: lengthStart };
    if (pos + length > end) return { error: 'incomplete', offset: pos };
    if (values.size >= FIELDS_MAX)
      return { error: `more than ${FIELDS_MAX} fields`, offset: keyStart };
    values.set(key, buf.subarray(pos, pos + length));
    pos += length;
  }
  return { fields: new Fields(values), end: pos };
}

function isKeyByte(b: number): boolean {
  return (
    (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x5f || b === 0x2e
  );
}

/**
 * Reads frames from a byte stream. A malformed frame is reported (with its offset in the
 * stream) and skipped up to the next newline; reading then goes on.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private consumed = 0;

  /** Adds bytes and gives back every whole frame and every error found in them. */
  push(chunk: Buffer): Array<Frame | FrameError> {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: Array<Frame | FrameError> = [];
    for (;;) {
      const result = this.next();
      if (result === null) break;
      out.push(result);
    }
    return out;
  }

  private next(): Frame | FrameError | null {
    const b = this.buffer;
    if (b.length === 0) return null;
    let pos = 0;
    while (pos < b.length && pos < 32 && ((b[pos]! >= 0x61 && b[pos]! <= 0x7a) || b[pos] === 0x2d))
      pos++;
    if (pos === b.length && pos < 32) return null;
    if (pos === 0 || (b[pos] !== 0x20 && b[pos] !== 0x0a)) {
      return this.skip(pos, 'expected a verb of lower-case letters and dashes');
    }
    const verb = b.toString('latin1', 0, pos);
    const limit = Math.min(b.length, FRAME_MAX);
    const read = readFields(b, pos, limit, true);
    if ('error' in read) {
      if (read.error === 'incomplete' && b.length < FRAME_MAX) return null;
      return this.skip(
        read.offset,
        read.error === 'incomplete' ? 'a frame is longer than 1 MiB' : read.error,
      );
    }
    // The fields stop at the end of the input or at the newline that ends the frame.
    if (read.end >= b.length) return null;
    this.advance(read.end + 1);
    return { verb, fields: read.fields };
  }

  private skip(at: number, message: string): FrameError {
    const error = new FrameError(message, this.consumed + at);
    const newline = this.buffer.indexOf(0x0a, at);
    this.advance(newline < 0 ? this.buffer.length : newline + 1);
    return error;
  }

  private advance(n: number): void {
    this.buffer = this.buffer.subarray(n);
    this.consumed += n;
  }
}
