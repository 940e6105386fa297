// The web shell's secret travels in the address's fragment (`#token=...`), which a browser never
// sends to a server; the page reads it once and takes it out of the address bar.

export interface HashToken {
  /** The token, or null when the fragment has none. */
  token: string | null;
  /** The fragment without the token (`''` when nothing else was in it), to put back. */
  rest: string;
}

/** Splits `#token=abc&view=x` into the token and `#view=x`. */
export function tokenFromHash(hash: string): HashToken {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  let token: string | null = null;
  const kept: string[] = [];
  for (const part of body.split('&')) {
    if (part === '') continue;
    if (part.startsWith('token=') && token === null)
      token = safeDecode(part.slice('token='.length));
    else kept.push(part);
  }
  return { token: token === '' ? null : token, rest: kept.length > 0 ? `#${kept.join('&')}` : '' };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The API's address on the server that served the page: `ws://127.0.0.1:4000/api?token=...`. */
export function apiAddress(location: { protocol: string; host: string }, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api?token=${encodeURIComponent(token)}`;
}
