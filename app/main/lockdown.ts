// What no page of the app may do, whatever it runs (Electron's security checklist): navigate
// away, open windows, embed webviews, reach the network, or use a permission beyond the
// clipboard of the terminal. The windows' own settings are in windows.ts; the origin in
// app-origin.ts.

import { app, session, type WebContents } from 'electron';

import { isAppUrl } from './app-origin.js';

// Ctrl+Shift+V in a terminal reads the clipboard (Electron has no browser "paste" of its own),
// Ctrl+Shift+C writes it. Notifications are the main process's (question-alerts.ts): the pages
// are refused them, so that two windows do not notify twice.
const PAGE_PERMISSIONS = new Set(['clipboard-read', 'clipboard-sanitized-write']);

export function lockDown(isOurs: (contents: WebContents) => boolean): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-frame-navigate', (details) => {
      // The pages are one document each; going anywhere else is never wanted.
      if (!(details.isMainFrame && isAppUrl(details.url))) details.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isAppUrl(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  const pages = session.defaultSession;
  pages.setPermissionRequestHandler((contents, permission, grant, details) => {
    grant(
      isOurs(contents) &&
        details.isMainFrame &&
        isAppUrl(details.requestingUrl) &&
        PAGE_PERMISSIONS.has(permission),
    );
  });
  pages.setPermissionCheckHandler((contents, permission, requestingOrigin) => {
    return (
      contents !== null &&
      isOurs(contents) &&
      isAppUrl(requestingOrigin) &&
      PAGE_PERMISSIONS.has(permission)
    );
  });
  pages.setDevicePermissionHandler(() => false);
  pages.setDisplayMediaRequestHandler((_request, callback) => callback({}));
  // Defence in depth behind the CSP: nothing leaves the machine or reads files from a page.
  pages.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*', 'file://*/*'] },
    (_details, callback) => callback({ cancel: true }),
  );
}
