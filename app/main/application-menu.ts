// The application menu: File (New Session, Quit), Edit, View (Sessions, Policies, History,
// Statistics, Reload), Help (About). The views are the renderer's: the menu asks for one through
// the page's fragment (`#sessions`, `#policies`, `#history`, `#statistics`, `#new-session`),
// which the renderer follows on `hashchange`.

import { app, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';

/** What the menu can ask the main window to show. */
export type MenuView = 'sessions' | 'policies' | 'history' | 'statistics' | 'new-session';

export interface MenuActions {
  /** The main window, created again if it was closed. */
  mainWindow(): BrowserWindow;
  quit(): void;
}

export function installApplicationMenu(actions: MenuActions): void {
  const show = (view: MenuView) => showView(actions.mainWindow(), view);
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'New Session', accelerator: 'CmdOrCtrl+N', click: () => show('new-session') },
        { type: 'separator' },
        { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Sessions', accelerator: 'CmdOrCtrl+1', click: () => show('sessions') },
        { label: 'Policies', accelerator: 'CmdOrCtrl+2', click: () => show('policies') },
        { label: 'History', accelerator: 'CmdOrCtrl+3', click: () => show('history') },
        { label: 'Statistics', accelerator: 'CmdOrCtrl+4', click: () => show('statistics') },
        { type: 'separator' },
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' } as const]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
      ],
    },
    {
      label: 'Help',
      submenu: [{ label: 'About sysgate', click: () => app.showAboutPanel() }],
    },
  ];
  app.setAboutPanelOptions({
    applicationName: 'sysgate',
    applicationVersion: app.getVersion(),
    version: `Electron ${process.versions.electron}`,
    credits: 'Interactive system-call policies for Linux: the successor of systrace and xsystrace.',
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** Brings the window forward and asks its page for a view. */
export function showView(window: BrowserWindow, view: MenuView): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
  // A same-document change of the fragment: the page is not reloaded. `view` is one of three
  // fixed names, never text from outside.
  void window.webContents
    .executeJavaScript(`location.hash = ${JSON.stringify(`#${view}`)};`)
    .catch(() => undefined);
}
