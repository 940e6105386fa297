// The packaged desktop app (electron-builder, `npm run dist`, which passes this file with
// --config): an AppImage and a .deb for Linux, with the supervisor beside the app and node-pty
// outside the asar. Packaging downloads Electron's release for the target (and the AppImage
// tools), so it works only where those can be downloaded.

import type { Configuration } from 'electron-builder';

const config: Configuration = {
  appId: 'org.sysgate.desktop',
  productName: 'sysgate',
  executableName: 'sysgate-desktop',
  copyright: 'sysgate developers',
  // package.json has no "main": the CLI is the package's entry, the desktop app is this file.
  extraMetadata: { main: 'build/app/main/main.js' },
  directories: {
    output: 'dist',
    // Not electron-builder's default ("build"), which it leaves out of the app: build/ is ours.
    buildResources: 'build/icons',
  },
  files: [
    'package.json',
    'build/app/**/*.js',
    'build/app/preload/*.cjs',
    '!build/app/**/*.test.js',
    'build/renderer/**',
    '!build/renderer/**/*.map',
    'policies/**',
    // The window's libraries are in its bundle (build/renderer/, made by Vite); the host's own
    // @xterm/headless and @xterm/addon-serialize (app/core/runs/terminal-replay.ts) are kept.
    '!node_modules/{react,react-dom,scheduler,zustand,@xterm/xterm,@xterm/addon-fit}/**',
  ],
  // The supervisor is a program of its own (C): it cannot run from inside the asar. The main
  // process points app/core at it through $SYSGATE_SUPERVISOR (app/main/main.ts).
  // So is the module that makes the main process not dumpable (app/core/undumpable.ts).
  extraResources: [
    { from: 'native/build/sysgate-supervisor', to: 'sysgate-supervisor' },
    { from: 'native/build/undumpable.node', to: 'undumpable.node' },
  ],
  asar: true,
  // A native addon is loaded from a real file.
  asarUnpack: ['node_modules/node-pty/**', 'node_modules/better-sqlite3/**'],
  // better-sqlite3 (the history, app/core/history) is built against V8's own API, not Node-API:
  // the binary `npm install` built for Node does not load in Electron. electron-builder's rebuild
  // (@electron/rebuild) builds it again against the packaged Electron's headers; node-pty
  // (Node-API) is rebuilt along with it, harmlessly.
  npmRebuild: true,
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'System',
    icon: 'build/icons',
    maintainer: 'sysgate developers <sysgate@localhost>',
    synopsis: 'Interactive system-call policies for Linux',
    description:
      'sysgate asks, as systrace and xsystrace did, before a program makes a system call that its policy does not answer.',
    desktop: { entry: { Name: 'sysgate', Keywords: 'systrace;seccomp;sandbox;policy;' } },
  },
};

export default config;
