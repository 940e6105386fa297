// Serves the app's own origin, sysgate://app (app-origin.ts): the built renderer (build/renderer/)
// read from disk with a strict Content-Security-Policy, instead of file:// (which would give the
// pages every file on the machine as their origin).

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

import { protocol } from 'electron';

import { APP_SCHEME, CONTENT_SECURITY_POLICY, fileOf, isAppUrl } from './app-origin.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Must run before the app is ready: the scheme behaves as https does (secure, standard URLs). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** Serves the files of `root` (the built renderer) on the app's origin. */
export function serveApp(root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (!isAppUrl(request.url)) return status(404);
    if (request.method !== 'GET' && request.method !== 'HEAD') return status(405);
    const path = fileOf(root, url.pathname);
    if (path === null) return status(404);
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return status(404);
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      headers: {
        'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
      },
    });
  });
}

function status(code: number): Response {
  return new Response(null, { status: code });
}
