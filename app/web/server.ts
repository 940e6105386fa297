// The web shell (`sysgate gui --web`): the renderer served on 127.0.0.1 only, and the contract's
// commands and events over a WebSocket (the wire format in app/common/contract.ts). Anyone on
// the machine can reach a loopback port, so every WebSocket needs the per-run secret token, and
// the Origin and Host headers must be this server's own (no other site, no DNS rebinding).

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';

import { WebSocketServer, type WebSocket } from 'ws';

import { isWireCall, TOKEN_REFUSED, type WireReply } from '../common/contract.js';
import { contentTypeOf } from '../core/content-types.js';
import type { ContractEndpoint } from '../core/host/endpoint.js';

export interface WebShell {
  /** The address to open, with the token in its fragment. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface WebShellOptions {
  endpoint: ContractEndpoint;
  /** The built renderer (index.html and its assets). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
}

const MAX_MESSAGE = 2 << 20;
/**
 * The least time between two frames to a window, ms: half a display frame. The page draws once a
 * frame (renderer/store/bind-events.ts), so frames closer than that would be drawn together anyway.
 */
const FRAME_SPACING_MS = 8;

export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = randomBytes(24).toString('base64url');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const files = new FileCache();
  server.on('request', (request, response) =>
    serveFile(request, response, options.staticDir, hosts, port, files),
  );

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api') return refuse('404 Not Found');
    if (!hosts.has(request.headers.host ?? '')) return refuse('421 Misdirected Request');
    if (!origins.has(request.headers.origin ?? '')) return refuse('403 Forbidden');
    if (!sameSecret(url.searchParams.get('token') ?? '', token)) {
      // A page of our own Origin holds a stale or mistyped token: it is told so, and nothing it
      // sends is read (TOKEN_REFUSED, app/common/contract.ts).
      return sockets.handleUpgrade(request, socket, head, (ws) =>
        ws.close(TOKEN_REFUSED, 'token not valid'),
      );
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attach(ws, options.endpoint));
  });

  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    close: () => close(server, sockets),
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function attach(ws: WebSocket, endpoint: ContractEndpoint): void {
  // What the host says within one turn of its event loop goes out as one frame, in order, and
  // frames of events are at least FRAME_SPACING_MS apart: a burst of a thousand held calls is a
  // few dozen frames (one write and one task in the page each), not a thousand, while a lone
  // message after a quiet spell goes at once. The host's profile of such a burst had a fifth of
  // its time in ws's send and writev (a write on loopback TCP does the receiver's work too), one
  // per event. A reply is not held for the spacing: the page is waiting for it, and asks one at a
  // time (the History view's opening had its first page wait 6-8 ms behind the snapshot's reply).
  let held: WireReply[] = [];
  let lastFlush = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let immediate: ReturnType<typeof setImmediate> | null = null;
  const flush = (): void => {
    if (timer !== null) clearTimeout(timer);
    if (immediate !== null) clearImmediate(immediate);
    timer = immediate = null;
    lastFlush = performance.now();
    const replies = held;
    held = [];
    if (ws.readyState !== ws.OPEN || replies.length === 0) return;
    ws.send(JSON.stringify(replies.length === 1 ? replies[0] : replies));
  };
  const send = (reply: WireReply): void => {
    held.push(reply);
    if (immediate !== null) return;
    const wait = 'id' in reply ? 0 : lastFlush + FRAME_SPACING_MS - performance.now();
    if (wait <= 0) immediate = setImmediate(flush);
    else timer ??= setTimeout(flush, wait);
  };
  const unsubscribe = endpoint.subscribe((event, payload) => send({ event, payload }));
  ws.on('close', unsubscribe);
  ws.on('message', (data, isBinary) => {
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      message = undefined;
    }
    if (!isWireCall(message)) {
      ws.close(1008, 'not a call');
      return;
    }
    endpoint.call(message.command, message.args).then(
      (result) => send({ id: message.id, result: result ?? null }),
      (e: unknown) => send({ id: message.id, error: e instanceof Error ? e.message : String(e) }),
    );
  });
}

function serveFile(
  request: IncomingMessage,
  response: ServerResponse,
  root: string,
  hosts: Set<string>,
  port: number,
  files: FileCache,
): void {
  if (!hosts.has(request.headers.host ?? '')) return end(response, 421);
  if (request.method !== 'GET' && request.method !== 'HEAD') return end(response, 405);
  const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
  const relative = normalize(pathname === '/' ? 'index.html' : pathname.slice(1));
  const path = join(root, relative);
  if (relative.startsWith('..') || !path.startsWith(root + sep)) return end(response, 404);
  const body = files.read(path);
  if (body === null) return end(response, 404);
  response.writeHead(200, {
    'Content-Type': contentTypeOf(path),
    'Content-Length': body.length,
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  if (request.method === 'HEAD') return void response.end();
  response.end(body);
}

/**
 * The renderer's files, kept in memory once read, each while its size and time are unchanged (a
 * rebuild is seen). A page's script then goes out in one write, as soon as it is asked for: a
 * Chromium trace of the page opening showed its parser waiting 100-140 ms for the script's bytes
 * while they were read in 64 KB pieces, each a turn of the thread pool, on a busy machine.
 */
class FileCache {
  private readonly files = new Map<string, { size: number; mtimeMs: number; body: Buffer }>();

  /** The file's bytes, or null if it is not a file. */
  read(path: string): Buffer | null {
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch {
      return null;
    }
    if (!stats.isFile()) return null;
    const kept = this.files.get(path);
    if (kept !== undefined && kept.size === stats.size && kept.mtimeMs === stats.mtimeMs) {
      return kept.body;
    }
    let body: Buffer;
    try {
      body = readFileSync(path);
    } catch {
      return null;
    }
    this.files.set(path, { size: stats.size, mtimeMs: stats.mtimeMs, body });
    return body;
  }
}

function end(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'Content-Length': '0' });
  response.end();
}

function close(server: Server, sockets: WebSocketServer): Promise<void> {
  for (const client of sockets.clients) client.terminate();
  sockets.close();
  return new Promise((resolve) => server.close(() => resolve()));
}
