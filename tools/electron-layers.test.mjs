// The desktop app's layers (STYLE, VS Code's "electron-main" and "electron-preload"): the main
// process type-checks with Node and Electron and without the DOM; the preload may load nothing
// but Electron at run time; and no other folder imports Electron. Each probe goes through the
// project's real tsconfig or ESLint configuration. Skipped where the electron package (its types)
// is not installed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { layerProbes, root } from './layer-probe.mjs';

const eslint = join(root, 'node_modules/eslint/bin/eslint.js');
const skip = existsSync(join(root, 'node_modules/electron/electron.d.ts'))
  ? false
  : 'the electron package (electron.d.ts) is not installed';

let probes;
before(() => {
  if (!skip) probes = layerProbes('electron-layer-probe-');
});
after(() => probes?.remove());

const compiles = (...args) => probes.compiles(...args);

function lint(path, source) {
  const result = spawnSync(process.execPath, [eslint, '--stdin', '--stdin-filename', path], {
    cwd: root,
    input: source,
    encoding: 'utf8',
  });
  return { ok: result.status === 0, output: result.stdout + result.stderr };
}

test('main-process code has Node and Electron, and no DOM', { skip }, () => {
  const ok = compiles(
    'main',
    "import { app } from 'electron';\nimport { readFileSync } from 'node:fs';\nexport const x = [app, readFileSync];\n",
  );
  assert.equal(ok.ok, true, ok.output);
  const dom = compiles('main', 'export const title = document.title;\n');
  assert.equal(dom.ok, false);
  assert.match(dom.output, /Cannot find name 'document'/);
});

test('the preload compiles to CommonJS with Electron and the contract types', { skip }, () => {
  const result = compiles(
    'preload',
    "import electron = require('electron');\nimport type { SysgateApi } from '../../app/common/contract.js';\n" +
      'const bridge: [typeof electron.contextBridge, SysgateApi | null] = [electron.contextBridge, null];\n' +
      'electron.contextBridge.exposeInMainWorld("probe", bridge.length);\n',
    'cts',
  );
  assert.equal(result.ok, true, result.output);
});

test('the preload loads nothing but electron, and app/common only as types', { skip }, () => {
  const path = 'app/preload/probe.cts';
  assert.equal(
    lint(path, "import electron = require('electron');\nexport const e = electron;\n").ok,
    true,
  );
  const node = lint(path, "import fs = require('node:fs');\nexport const f = fs;\n");
  assert.equal(node.ok, false);
  assert.match(node.output, /can load only 'electron'/);
  const value = lint(
    path,
    "import { COMMAND_NAMES } from '../common/contract.js';\nexport const c = COMMAND_NAMES;\n",
  );
  assert.equal(value.ok, false);
  assert.match(value.output, /import its types only/);
});

test('only app/main and app/preload import Electron', { skip }, () => {
  for (const path of [
    'app/core/probe.ts',
    'app/common/probe.ts',
    'app/cli/probe.ts',
    'app/web/probe.ts',
    'renderer/probe.ts',
  ]) {
    const result = lint(path, "import { app } from 'electron';\nexport const a = app;\n");
    assert.equal(result.ok, false, path);
    assert.match(result.output, /electron/i, path);
  }
  assert.equal(
    lint('app/main/probe.ts', "import { app } from 'electron';\nexport const a = app;\n").ok,
    true,
  );
});
