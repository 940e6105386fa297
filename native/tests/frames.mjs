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

/** The frames in `data` (a Buffer) as { verb, fields }; what cannot be read ends the list. */
export function frames(data) {
  const out = [];
  let pos = 0;
  while (pos < data.length) {
    const verbEnd = data.findIndex((b, i) => i >= pos && (b === 0x20 || b === 0x0a));
    if (verbEnd === -1) break;
    const f = { verb: data.subarray(pos, verbEnd).toString(), fields: {} };
    pos = verbEnd;
    while (data[pos] === 0x20) {
      const eq = data.indexOf(0x3d, pos);
      const colon = data.indexOf(0x3a, eq);
      const length = Number(data.subarray(eq + 1, colon).toString());
      f.fields[data.subarray(pos + 1, eq).toString()] = data
        .subarray(colon + 1, colon + 1 + length)
        .toString();
      pos = colon + 1 + length;
    }
    if (data[pos] !== 0x0a) break;
    pos++;
    out.push(f);
  }
  return out;
}
