// The app's two kinds of window: the main window, and the small prompt window that floats above
// other programs while a question waits. Both run the same renderer in a sandbox with no Node and
// an isolated preload: the page gets `window.sysgate` and nothing else.

import { BrowserWindow, screen, type WebPreferences } from 'electron';

import { appUrl } from './app-origin.js';

function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    experimentalFeatures: false,
    enableWebSQL: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

export function createMainWindow(preload: string): BrowserWindow {
  const window = new BrowserWindow({
    title: 'sysgate',
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    webPreferences: webPreferences(preload),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl());
  return window;
}

const PROMPT_SIZE = { width: 460, height: 520 };

/**
 * The prompt window: small, above other windows, out of the task bar, and never shown with the
 * focus (the caller uses showInactive). It keeps its frame so that it can be moved out of the way.
 * The renderer shows only the prompt for the page `#prompt`.
 */
export function createPromptWindow(preload: string): BrowserWindow {
  const area = screen.getPrimaryDisplay().workArea;
  const window = new BrowserWindow({
    title: 'sysgate — a question waits',
    ...PROMPT_SIZE,
    x: area.x + area.width - PROMPT_SIZE.width - 16,
    y: area.y + 16,
    show: false,
    alwaysOnTop: true,
    skipTaskbar: true,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    autoHideMenuBar: true,
    webPreferences: webPreferences(preload),
  });
  window.removeMenu();
  void window.loadURL(appUrl('#prompt'));
  return window;
}
