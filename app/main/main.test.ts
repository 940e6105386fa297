// The main process's wiring, run in Node against a stand-in for Electron's API (where the real
// binary is missing, this is what checks that main.js loads and does what the security checklist
// says; e2e/electron.test.mjs runs the real thing where Electron is installed). The stand-in
// records what main.ts asks of Electron; the tests play the windows' part.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { COMMAND_NAMES } from '../common/contract.js';
import type { EventListener } from '../core/host/endpoint.js';

type Handler = (...args: unknown[]) => unknown;

class FakeContents extends EventEmitter {
  sent: unknown[][] = [];
  openHandler: Handler | null = null;
  mainFrame = { url: '', parent: null };
  send(...args: unknown[]): void {
    this.sent.push(args);
  }
  isCrashed(): boolean {
    return false;
  }
  isLoading(): boolean {
    return false;
  }
  setWindowOpenHandler(handler: Handler): void {
    this.openHandler = handler;
  }
  executeJavaScript(): Promise<void> {
    return Promise.resolve();
  }
}

class FakeWindow extends EventEmitter {
  static all: FakeWindow[] = [];
  static focused: FakeWindow | null = null;
  readonly webContents = new FakeContents();
  visible = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeWindow.all.push(this);
    electron.app.emit('web-contents-created', {}, this.webContents);
  }
  static getFocusedWindow(): FakeWindow | null {
    return FakeWindow.focused;
  }
  static getAllWindows(): FakeWindow[] {
    return FakeWindow.all.filter((w) => !w.destroyed);
  }
  loadURL(url: string): Promise<void> {
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  removeMenu(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return FakeWindow.focused === this;
  }
  isMinimized(): boolean {
    return false;
  }
  show(): void {
    this.visible = true;
  }
  showInactive(): void {
    this.visible = true;
    this.inactiveShows++;
  }
  inactiveShows = 0;
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    FakeWindow.focused = this;
  }
  restore(): void {}
  destroy(): void {
    this.destroyed = true;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  quitCalls = 0;
  lockAsked = false;
  sandboxed = false;
  name = '';
  readonly paths = new Map<string, string>();
  setName(name: string): void {
    this.name = name;
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? join(home, '.config');
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value);
  }
  getVersion(): string {
    return '0.0.0';
  }
  requestSingleInstanceLock(): boolean {
    this.lockAsked = true;
    return true;
  }
  enableSandbox(): void {
    this.sandboxed = true;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  quit(): void {
    this.quitCalls++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.emit('quit');
  }
  setBadgeCount(): boolean {
    return false;
  }
  setAboutPanelOptions(): void {}
  showAboutPanel(): void {}
}

const handlers = new Map<string, Handler>();
const recorded = {
  schemes: [] as unknown[],
  protocolHandler: null as Handler | null,
  permissionRequest: null as Handler | null,
  permissionCheck: null as Handler | null,
  blockedUrls: [] as string[],
  menu: null as unknown,
  trayImages: 0,
};

const electron = {
  app: new FakeApp(),
  BrowserWindow: FakeWindow,
  screen: { getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1600, height: 1000 } }) },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.schemes.push(...schemes),
    handle: (_scheme: string, handler: Handler) => (recorded.protocolHandler = handler),
  },
  ipcMain: {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: Handler) => (recorded.permissionRequest = h),
      setPermissionCheckHandler: (h: Handler) => (recorded.permissionCheck = h),
      setDevicePermissionHandler: () => undefined,
      setDisplayMediaRequestHandler: () => undefined,
      webRequest: {
        onBeforeRequest: (filter: { urls: string[] }) => recorded.blockedUrls.push(...filter.urls),
      },
    },
  },
  Menu: {
    buildFromTemplate: (template: unknown) => template,
    setApplicationMenu: (menu: unknown) => (recorded.menu = menu),
  },
  Tray: class extends EventEmitter {
    setImage(): void {
      recorded.trayImages++;
    }
    setToolTip(): void {}
    setContextMenu(): void {}
    destroy(): void {}
  },
  nativeImage: { createFromBuffer: (png: Buffer) => png },
  Notification: class extends EventEmitter {
    static shown: { title: string; body: string; closed: boolean }[] = [];
    private readonly record: { title: string; body: string; closed: boolean };
    constructor(options: { title: string; body: string }) {
      super();
      this.record = { title: options.title, body: options.body, closed: false };
    }
    static isSupported(): boolean {
      return true;
    }
    show(): void {
      electron.Notification.shown.push(this.record);
    }
    close(): void {
      this.record.closed = true;
      this.emit('close');
    }
  },
};

let home: string;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'sysgate-main-'));
  process.env['HOME'] = home;
  process.env['XDG_CONFIG_HOME'] = join(home, '.config');
  process.env['XDG_DATA_HOME'] = join(home, '.local', 'share');
  // The app's socket for terminals goes in here, not in the real user's runtime directory.
  process.env['XDG_RUNTIME_DIR'] = home;
  (globalThis as Record<string, unknown>)['__sysgateFakeElectron'] = electron;
  const names = Object.keys(electron).join(', ');
  const hooks = `
    export async function resolve(specifier, context, next) {
      if (specifier === 'electron') return { url: 'sysgate-fake:electron', shortCircuit: true };
      return next(specifier, context);
    }
    export async function load(url, context, next) {
      if (url === 'sysgate-fake:electron')
        return { format: 'module', shortCircuit: true, source: 'export const { ${names} } = globalThis.__sysgateFakeElectron;' };
      return next(url, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  await import('./main.js');
  // start() runs once the app is ready.
  await new Promise((resolve) => setImmediate(resolve));
});

after(() => {
  rmSync(home, { recursive: true, force: true });
});

function mainWindow(): FakeWindow {
  const window = FakeWindow.all[0];
  assert.ok(window !== undefined, 'no window was created');
  return window;
}

/** An IPC call as Electron would deliver it, from `frame` of `contents`. */
function invoke(
  command: string,
  args: unknown[],
  from: { contents?: FakeContents; url?: string; parent?: unknown } = {},
) {
  const contents = from.contents ?? mainWindow().webContents;
  const frame = { url: from.url ?? contents.mainFrame.url, parent: from.parent ?? null };
  const handler = handlers.get(`sysgate:${command}`);
  assert.ok(handler !== undefined, `no handler for ${command}`);
  return handler({ sender: contents, senderFrame: frame }, ...args) as Promise<{
    result?: unknown;
    error?: string;
  }>;
}

test('one instance, a sandbox everywhere, and the app scheme registered before the app is ready', () => {
  assert.equal(electron.app.lockAsked, true);
  assert.equal(electron.app.sandboxed, true);
  assert.equal(electron.app.name, 'sysgate');
  assert.deepEqual(recorded.schemes, [
    {
      scheme: 'sysgate',
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
});

test('the main window: sandboxed, isolated, no Node, the preload bridge, the app origin', () => {
  const window = mainWindow();
  const prefs = window.options['webPreferences'] as Record<string, unknown>;
  assert.equal(prefs['sandbox'], true);
  assert.equal(prefs['contextIsolation'], true);
  assert.equal(prefs['nodeIntegration'], false);
  assert.equal(prefs['webSecurity'], true);
  assert.equal(prefs['webviewTag'], false);
  assert.match(String(prefs['preload']), /build\/app\/preload\/preload\.cjs$/);
  assert.ok(existsSync(String(prefs['preload'])), 'the preload is built');
  assert.equal(window.webContents.mainFrame.url, 'sysgate://app/index.html');
});

test('the app origin serves the built renderer with the Content-Security-Policy, and nothing outside it', async () => {
  const serve = recorded.protocolHandler!;
  const page = (await serve(new Request('sysgate://app/index.html'))) as Response;
  if (existsSync(join(import.meta.dirname, '..', '..', 'renderer', 'index.html'))) {
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await page.text(), /<div id="root">/);
  }
  for (const url of [
    'sysgate://app/../../package.json',
    'sysgate://app/%2e%2e/%2e%2e/package.json',
    'sysgate://other/index.html',
  ]) {
    assert.equal(((await serve(new Request(url))) as Response).status, 404, url);
  }
});

test('one IPC channel per command, answered for our page and refused for anything else', async () => {
  assert.deepEqual([...handlers.keys()].sort(), COMMAND_NAMES.map((c) => `sysgate:${c}`).sort());
  const snapshot = await invoke('snapshot', []);
  assert.deepEqual((snapshot.result as { sessions: unknown[] }).sessions, []);
  assert.deepEqual(await invoke('snapshot', [], { parent: {} }), {
    error: 'refused: not a sysgate window',
  });
  assert.deepEqual(await invoke('snapshot', [], { url: 'https://example.com/' }), {
    error: 'refused: not a sysgate window',
  });
  assert.deepEqual(await invoke('snapshot', [], { contents: new FakeContents() }), {
    error: 'refused: not a sysgate window',
  });
  assert.deepEqual(await invoke('stopSession', [{ not: 'an id' }]), {
    error: 'bad arguments for stopSession: 0: Invalid type: Expected string but received Object',
  });
  assert.deepEqual(await invoke('stopSession', ['s1', 'extra']), {
    error: 'bad arguments for stopSession: 1: one argument more than the 1 stopSession takes',
  });
  assert.deepEqual(await invoke('stopSession', ['s404']), { error: 'no session s404' });
});

test('pages may not navigate away, open windows, or use permissions beyond the clipboard', () => {
  const contents = mainWindow().webContents;
  assert.deepEqual(contents.openHandler?.({ url: 'https://example.com/' }), { action: 'deny' });
  let prevented = false;
  contents.emit('will-frame-navigate', {
    url: 'https://example.com/',
    isMainFrame: true,
    preventDefault: () => (prevented = true),
  });
  assert.equal(prevented, true);
  prevented = false;
  contents.emit('will-frame-navigate', {
    url: 'sysgate://app/index.html',
    isMainFrame: true,
    preventDefault: () => (prevented = true),
  });
  assert.equal(prevented, false);
  prevented = false;
  contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
  assert.equal(prevented, true);

  const ask = (from: FakeContents, permission: string, url = 'sysgate://app/index.html') => {
    let granted: unknown = null;
    recorded.permissionRequest!(from, permission, (g: unknown) => (granted = g), {
      isMainFrame: true,
      requestingUrl: url,
    });
    return granted;
  };
  assert.equal(ask(contents, 'clipboard-read'), true);
  assert.equal(ask(contents, 'notifications'), false);
  assert.equal(ask(contents, 'media'), false);
  assert.equal(ask(contents, 'clipboard-read', 'https://example.com/'), false);
  assert.equal(ask(new FakeContents(), 'clipboard-read'), false);
  assert.equal(
    recorded.permissionCheck!(contents, 'clipboard-sanitized-write', 'sysgate://app'),
    true,
  );
  assert.equal(recorded.permissionCheck!(contents, 'geolocation', 'sysgate://app'), false);
  assert.ok(
    recorded.blockedUrls.includes('https://*/*') && recorded.blockedUrls.includes('file://*/*'),
  );
});

test('an application menu (File, Edit, View, Help) and a tray icon', () => {
  const labels = (recorded.menu as { label?: string; role?: string }[]).map(
    (m) => m.label ?? m.role,
  );
  assert.deepEqual(labels, ['File', 'editMenu', 'View', 'Help']);
  assert.ok(recorded.trayImages >= 1);
});

test('quitting shuts the host down before the app goes', async () => {
  electron.app.quit();
  assert.deepEqual([...handlers.keys()], [], 'the bridge is closed');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(electron.app.quitCalls, 2, 'quit again once the host is down');
});

test('a window may send only the commands it is given, and is told the events while it shows the app', async () => {
  const { serveContract } = await import('./contract-ipc.js');
  const ran: unknown[] = [];
  const endpoint = {
    call: async (command: unknown, args: unknown) => (ran.push([command, args]), 'done'),
    subscribe: (listener: EventListener) => {
      emit = listener;
      return () => undefined;
    },
  };
  let emit: EventListener = () => undefined;
  const prompt = new FakeWindow({});
  await prompt.loadURL('sysgate://app/index.html#prompt');
  const stop = serveContract(endpoint, () => [
    { window: prompt as never, commands: new Set(['snapshot', 'answerQuestion'] as const) },
  ]);
  try {
    const from = { contents: prompt.webContents };
    assert.deepEqual(await invoke('answerQuestion', ['q1', { action: 'deny' }], from), {
      result: 'done',
    });
    assert.deepEqual(await invoke('resizeTerminal', ['s1', 20, 10], from), {
      error: 'refused: resizeTerminal is not for this window',
    });
    assert.deepEqual(ran, [['answerQuestion', ['q1', { action: 'deny' }]]]);
    // Events go to the window while it shows the app, and not once it shows anything else.
    emit('sessionClosed', { sessionId: 's1' });
    prompt.webContents.mainFrame.url = 'https://example.com/';
    emit('sessionClosed', { sessionId: 's2' });
    assert.deepEqual(prompt.webContents.sent, [
      ['sysgate:event', 'sessionClosed', { sessionId: 's1' }],
    ]);
  } finally {
    stop();
  }
});

test('a waiting question: the prompt window floats up without the focus, and a notification says what is asked', async () => {
  const { QuestionAlerts } = await import('./question-alerts.js');
  let pending = 0;
  const counts: number[] = [];
  const main = new FakeWindow({});
  main.show();
  FakeWindow.focused = null;
  const prompts: FakeWindow[] = [];
  const alerts = new QuestionAlerts({
    mainWindow: () => main as never,
    showMainWindow: () => main.focus(),
    createPromptWindow: () => {
      const prompt = new FakeWindow({});
      prompts.push(prompt);
      return prompt as never;
    },
    pendingCount: () => pending,
    showCount: (count) => counts.push(count),
  });
  const question = {
    id: 'q1',
    sessionId: 's1',
    count: 1,
    arrivedAt: 0,
    question: {
      id: 'n1',
      pid: 42,
      tid: 42,
      ppid: 1,
      uid: 1000,
      gid: 1000,
      exe: '/usr/bin/cat',
      cwd: '/',
      argv: ['cat', '/etc/hostname'],
      policy: '/usr/bin/cat',
      call: 'openat',
      nr: 257,
      alias: 'fsread',
      args: { filename: ['/etc/hostname'] },
    },
  };
  pending = 1;
  alerts.onEvent('questionAdded', question);
  assert.deepEqual(counts, [1]);
  assert.equal(prompts.length, 1);
  const prompt = prompts[0]!;
  assert.equal(prompt.isVisible(), false, 'not shown before its page is drawn');
  prompt.emit('ready-to-show');
  assert.equal(prompt.isVisible(), true);
  assert.equal(prompt.inactiveShows, 1);
  assert.equal(FakeWindow.focused, null, 'nothing took the focus');
  assert.deepEqual(electron.Notification.shown, [
    {
      title: 'cat asks for openat (fsread)',
      body: '/etc/hostname\npid 42 · policy /usr/bin/cat',
      closed: false,
    },
  ]);

  // The user comes to the main window: it shows the question, the prompt window goes.
  main.focus();
  alerts.update();
  assert.equal(prompt.isVisible(), false);
  // Closing the prompt window hides it for the next question.
  let prevented = false;
  prompt.emit('close', { preventDefault: () => (prevented = true) });
  assert.equal(prevented, true);

  pending = 0;
  alerts.onEvent('questionRemoved', { id: 'q1', reason: 'answered' });
  assert.equal(counts.at(-1), 0, 'the tray shows none waiting');
  assert.equal(electron.Notification.shown[0]!.closed, true);
  alerts.close();
  assert.equal(prompt.isDestroyed(), true);
});
