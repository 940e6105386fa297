// The app's own origin, sysgate://app, in plain terms (no Electron here, so it is tested in Node):
// which URLs are the app's pages, which file a URL names, and the Content-Security-Policy its
// pages get. app-protocol.ts serves it.

import { join, normalize, relative, sep } from 'node:path';

export const APP_SCHEME = 'sysgate';
const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The main window's page; `#prompt` is the small prompt window's. */
export function appUrl(fragment = ''): string {
  return `${APP_ORIGIN}/index.html${fragment}`;
}

/** Whether `url` is a page (or the origin) of the app. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

// No inline script or style anywhere (renderer/README.md, "Content-Security-Policy"); the bridge is
// the only way out of the page, so nothing may be fetched from anywhere.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  // The policy editor lints in a worker of the app's own scripts (renderer/policies/lint-worker.ts).
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The file under `root` that the path of an app URL names, or null for anything outside it. */
export function fileOf(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const path = normalize(join(root, decoded === '/' ? 'index.html' : decoded));
  const inside = relative(root, path);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || inside.startsWith(sep))
    return null;
  return path;
}
