// Serves the app's own origin, sysgate://app (app-origin.ts): the built renderer (build/renderer/)
// read from disk with a strict Content-Security-Policy, instead of file:// (which would give the
// pages every file on the machine as their origin).

import { readFile } from 'node:fs/promises';

import { protocol } from 'electron';

import { contentTypeOf } from '../core/content-types.js';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, fileOf, isAppUrl } from './app-origin.js';

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
        'Content-Type': contentTypeOf(path),
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
