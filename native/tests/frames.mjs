// Frames of the control protocol (native/PROTOCOL.md) in JavaScript, for the tests that speak
// it without the host: the plans they write and the fake host that reads the socket.

/** One frame: `verb key=len:bytes ...` and LF; a field whose value is undefined is left out. */
export function frame(verb, fields = {}) {
  const parts = [Buffer.from(verb)];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const bytes = Buffer.from(String(value));
    parts.push(Buffer.from(` ${key}=${bytes.length}:`), bytes);
  }
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

/**
 * The whole frames at the start of `data` (a Buffer) as { verb, fields }; what cannot be read
 * (yet) ends the list. The list's `consumed` is the number of bytes they took.
 */
export function frames(data) {
  const out = [];
  out.consumed = 0;
  let pos = 0;
  while (pos < data.length) {
    let verbEnd = pos;
    while (verbEnd < data.length && data[verbEnd] !== 0x20 && data[verbEnd] !== 0x0a) verbEnd++;
    if (verbEnd === data.length) break;
    const f = { verb: data.subarray(pos, verbEnd).toString(), fields: {} };
    pos = verbEnd;
    while (data[pos] === 0x20) {
      const eq = data.indexOf(0x3d, pos);
      const colon = eq === -1 ? -1 : data.indexOf(0x3a, eq);
      if (colon === -1) return out;
      const length = Number(data.subarray(eq + 1, colon).toString());
      f.fields[data.subarray(pos + 1, eq).toString()] = data
        .subarray(colon + 1, colon + 1 + length)
        .toString();
      pos = colon + 1 + length;
    }
    if (data[pos] !== 0x0a) break;
    pos++;
    out.push(f);
    out.consumed = pos;
  }
  return out;
}
