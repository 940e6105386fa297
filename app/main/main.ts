// The desktop app's main process (DESIGN §1): one instance per user session, the host of
// app/core, the windows, the menu and the tray. Every Electron-specific line of sysgate is here
// or in app/preload; the host knows nothing of Electron.
//
// Started by `sysgate gui` (app/cli/gui-command.ts) as `electron build/app/main/main.js`, or as
// the packaged app (electron.config.ts).

import type { Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { app, BrowserWindow, type WebContents } from 'electron';

import { PROMPT_WINDOW_COMMANDS, type Snapshot } from '../common/contract.js';
import { administersSystemPolicies, SystemAdmin } from '../core/host/system-admin.js';
import { openHistory } from '../core/records/recorder.js';
import { Host } from '../core/host/host.js';
import { packagePath } from '../core/package-paths.js';
import { serveTerminals } from '../core/host/terminals.js';
import { PolicyStore } from '../core/policy/store.js';
import { currentMacros } from '../core/runs/policy-source.js';
import { makeUndumpable } from '../core/undumpable.js';
import { registerAppScheme, serveApp } from './app-protocol.js';
import { installApplicationMenu, showView } from './application-menu.js';
import { ALL_COMMANDS, serveContract, type BridgedWindow } from './contract-ipc.js';
import { lockDown } from './lockdown.js';
import { QuestionAlerts } from './question-alerts.js';
import { QuestionTray } from './tray.js';
import { createMainWindow, createPromptWindow } from './windows.js';

const PRELOAD = fileURLToPath(new URL('../preload/preload.cjs', import.meta.url));
const RENDERER = packagePath('build', 'renderer');
// The prompt window reads and answers questions; it neither starts sessions nor drives terminals
// (a terminal it showed would resize every session's pty to its small size).
const PROMPT_COMMANDS = PROMPT_WINDOW_COMMANDS;

// Started as `electron main.js`, Electron would call the app "Electron" and keep its data (and
// the single-instance lock) with every other app started that way.
app.setName('sysgate');
app.setPath('userData', join(app.getPath('appData'), 'sysgate'));

// Not dumpable before anything is hosted (app/core/undumpable.ts); the packaged app has the
// module beside its resources, as it has the supervisor (electron.config.ts).
try {
  makeUndumpable(app.isPackaged ? join(process.resourcesPath, 'undumpable.node') : undefined);
} catch (e) {
  console.error(`sysgate: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

// Before anything else: a second launch only brings the first one's window forward.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  registerAppScheme();
  if (app.isPackaged && !process.env['SYSGATE_SUPERVISOR']) {
    // electron.config.ts ships the supervisor beside the app's resources.
    process.env['SYSGATE_SUPERVISOR'] = join(process.resourcesPath, 'sysgate-supervisor');
  }
  void app.whenReady().then(start);
}

function start(): void {
  const store = new PolicyStore({ shippedDir: packagePath('policies') });
  const macros = currentMacros();
  // Its commits in a thread of their own: they never hold up the questions (issue 17).
  const history = openHistory((message) => console.error(`sysgate: ${message}`), undefined, {
    thread: true,
  });
  const system = administersSystemPolicies() ? new SystemAdmin() : null;
  const host = new Host(store, macros, history, system);
  // `sysgate` runs from terminals ask here while the app is open.
  let terminals: Server | null = null;
  try {
    terminals = serveTerminals(host, store, macros);
  } catch (e) {
    console.error(
      `sysgate: questions from terminals will not come here: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  let mainWindow: BrowserWindow | null = null;
  const windows = (): BridgedWindow[] => {
    const open: BridgedWindow[] = [];
    if (mainWindow !== null && !mainWindow.isDestroyed())
      open.push({ window: mainWindow, commands: ALL_COMMANDS });
    const prompt = alerts.promptWindow();
    if (prompt !== null) open.push({ window: prompt, commands: PROMPT_COMMANDS });
    return open;
  };
  const isOurs = (contents: WebContents) =>
    windows().some((w) => w.window.webContents === contents);

  const openMainWindow = (): BrowserWindow => {
    if (mainWindow !== null && !mainWindow.isDestroyed()) return mainWindow;
    const window = createMainWindow(PRELOAD);
    mainWindow = window;
    const update = () => alerts.update();
    window.on('focus', update);
    window.on('blur', update);
    window.on('show', update);
    window.on('hide', update);
    window.on('minimize', update);
    window.on('restore', update);
    window.on('closed', () => {
      mainWindow = null;
      alerts.update();
      void quitIfIdle();
    });
    return window;
  };
  const showMainWindow = () => {
    const window = openMainWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  /** With the window closed, the app stays only for programs still running (the tray shows it). */
  const quitIfIdle = async () => {
    const { sessions } = (await host.call('snapshot', [])) as Snapshot;
    if (mainWindow === null && !sessions.some((s) => s.state === 'running')) app.quit();
  };

  const tray = new QuestionTray({
    showWindow: showMainWindow,
    newSession: () => showView(openMainWindow(), 'new-session'),
    quit: () => app.quit(),
  });
  const alerts = new QuestionAlerts({
    mainWindow: () => mainWindow,
    showMainWindow,
    createPromptWindow: () => createPromptWindow(PRELOAD),
    pendingCount: () => host.pendingCount(),
    showCount: (count) => {
      tray.show(count);
      app.setBadgeCount(count);
    },
  });

  lockDown(isOurs);
  serveApp(RENDERER);
  const stopServing = serveContract(host, windows);
  const stopAlerts = host.subscribe(alerts.onEvent);
  installApplicationMenu({ mainWindow: openMainWindow, quit: () => app.quit() });
  app.on('second-instance', showMainWindow);
  // Not Electron's default (quit with the last window): quitIfIdle decides, when the main window closes.
  app.on('window-all-closed', () => undefined);
  process.on('SIGINT', () => app.quit());
  process.on('SIGTERM', () => app.quit());

  let shutDown = false;
  app.on('before-quit', (event) => {
    alerts.close();
    if (shutDown) return;
    // The traced programs are killed before the app goes: nothing runs untraced after it.
    event.preventDefault();
    shutDown = true;
    stopAlerts();
    stopServing();
    terminals?.close();
    tray.destroy();
    void host
      .shutdown()
      .catch((e: unknown) =>
        console.error(`sysgate: ${e instanceof Error ? e.message : String(e)}`),
      )
      .finally(() => app.quit());
  });

  openMainWindow();
}
